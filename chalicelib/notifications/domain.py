"""Notices to customers and staff (pure): what to send, to whom, through which channel."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.shared.ids import new_id

MAX_ATTEMPTS = 5  # the outbox queue's maxReceiveCount (infra/definitions.py): after this the notice is "failed"


@dataclass(frozen=True)
class Notice:
    """One message: an SMS text (`template` is a key of SMS_TEXTS) or a templated e-mail (an SES template)."""

    channel: str  # sms | email
    to: str
    template: str
    data: dict[str, str] = field(default_factory=dict)
    subject_id: str = ""
    id: str = field(default_factory=new_id)  # its outbox id, known before the change that carries it commits


# SMS texts, Vietnamese with diacritics (sent as Unicode SMS). Only what the message needs — a reference and a
# time, never an ID number or the question itself (Art. 16.1b).
SMS_TEXTS: dict[str, str] = {
    "callback_scheduled": "BHXH Việt Nam: Tổng đài 1900 9068 sẽ gọi lại Ông/Bà lúc {time} về yêu cầu {reference}. Trân trọng.",
    "request_answered": "BHXH Việt Nam: Yêu cầu {reference} của Ông/Bà đã có kết quả. Mọi thắc mắc xin gọi 1900 9068. Trân trọng.",
}


def sms_text(template: str, data: dict[str, str]) -> str:
    """The SMS for a template key."""
    return SMS_TEXTS[template].format(**data)
