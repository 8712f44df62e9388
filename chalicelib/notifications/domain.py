"""Notices to customers and staff (pure): what to send, to whom, through which channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chalicelib.shared.ids import new_id

MAX_ATTEMPTS = 5  # the outbox queue's maxReceiveCount (infra/definitions.py): after this the notice is "failed"
# The outbox queue's visibility timeout (infra/definitions.py), twice the worker's Lambda time-out: a claim older
# than this belongs to an attempt that has ended, whatever became of its send.
CLAIM_SECONDS = 60

# A notice's life: pending → sending (claimed for one send) → sent, or back to pending after a refused send, or
# failed after MAX_ATTEMPTS, or failed when a send's outcome is unknown (a person looks before resending).
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
OUTCOME_UNKNOWN = "OutcomeUnknown"
# By then every delivery of a notice's message has been tried (MAX_ATTEMPTS receives, CLAIM_SECONDS apart): one
# still unsettled lost its message, or its last attempt ended without a record.
UNSETTLED_AFTER = timedelta(seconds=2 * MAX_ATTEMPTS * CLAIM_SECONDS)


def status_after_refusal(*, receive_count: int, attempts: int) -> str:
    """A refused send is tried again until MAX_ATTEMPTS tries (or deliveries of its message) have been spent."""
    return FAILED if max(receive_count, attempts) >= MAX_ATTEMPTS else PENDING


def claim_expired(claimed_at: datetime, now: datetime) -> bool:
    """Whether the attempt that claimed the notice has certainly ended."""
    return now - claimed_at >= timedelta(seconds=CLAIM_SECONDS)


@dataclass(frozen=True)
class Notice:
    """One message: an SMS text (`template` is a key of SMS_TEXTS) or a templated e-mail (an SES template)."""

    channel: str  # sms | email
    to: str
    template: str
    data: dict[str, str] = field(default_factory=dict)
    subject_id: str = ""
    id: str = field(default_factory=new_id)  # its outbox id, known before the change that carries it commits
    #: Values the message needs but that must not stay at rest (a link's token in its URL): kept apart in the outbox
    #: item and blanked once the notice is sent (notifications/store.py).
    secret: dict[str, str] = field(default_factory=dict)


# SMS texts, Vietnamese with diacritics (sent as Unicode SMS). Only what the message needs — a reference and a
# time, never an ID number or the question itself (Art. 16.1b).
SMS_TEXTS: dict[str, str] = {
    "callback_scheduled": "BHXH Việt Nam: Tổng đài 1900 9068 sẽ gọi lại Ông/Bà lúc {time} về yêu cầu {reference}. Trân trọng.",
    "request_answered": "BHXH Việt Nam: Yêu cầu {reference} của Ông/Bà đã có kết quả. Mọi thắc mắc xin gọi 1900 9068. Trân trọng.",
}


def sms_text(template: str, data: dict[str, str]) -> str:
    """The SMS for a template key."""
    return SMS_TEXTS[template].format(**data)
