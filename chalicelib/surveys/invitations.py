"""A round's invitations through the links capability: a single-use link per member and message, e-mail in bulk
(SES templates, 50 a call) or an unaccented one-segment SMS, paced at the survey's rate, with delivery statuses —
and what the survey does when SES reports back (Art. 8 step 2: reserves stand in for the unreachable).

Each message carries its own link (the token exists only in the message: the store keeps its hash), so a reminder
is a new link to the same member; the member's single answer is what makes "one submission" hold across links.
A delivered e-mail is tallied `delivered`; a permanent failure suppresses the address (links/sending.py), falls
back to SMS when the member has a phone, and otherwise calls in the next reserve of the stratum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.links.deliveries import EMAIL, SMS, Delivery
from chalicelib.shared.clock import Clock, format_date
from chalicelib.shared.observability import logger

from .domain import Round, Survey
from .members import Member

PURPOSE = "survey"
TEMPLATES = {False: "survey-invitation", True: "survey-reminder"}
SMS_TEMPLATE = "invitation"
CHANNEL_LABELS = {EMAIL: "Thư điện tử", SMS: "Tin nhắn"}


class Links(Protocol):
    """The links capability's issuing side."""

    def issue_many(
        self, *, tenant: str, purpose: str, subjects: Any, valid_from: datetime, valid_until: datetime
    ) -> list[Any]: ...


class Deliveries(Protocol):
    """The links capability's deliveries."""

    def prepare(self, *, tenant: str, group: str, deliveries: Any) -> int: ...

    def start(self, *, tenant: str, group: str, rate: int | None = None) -> None: ...

    def progress(self, *, tenant: str, group: str) -> Any: ...

    def list(
        self, *, tenant: str, group: str, limit: int = 100, cursor: str | None = None
    ) -> tuple[list[Delivery], str | None]: ...


class Contacts(Protocol):
    """The national contact-frequency log (contacts.py)."""

    def record(self, person_keys: Any, *, at: datetime, tenant: str) -> None: ...


@dataclass(frozen=True)
class Sending:
    """A survey's sending progress over its rounds: handed over of all, and the count of each delivery status."""

    total: int
    sent: int
    statuses: dict[str, int]

    @property
    def pending(self) -> int:
        """Messages still waiting for their turn."""
        return self.total - self.sent


def group_of(survey_id: str, number: int) -> str:
    """The deliveries of one round, listed together (tag-safe)."""
    return f"{survey_id}.r{number:02d}"


class SurveyInvitations:
    """Issue links and queue their messages; follow what SES reports."""

    def __init__(
        self,
        *,
        links: Links,
        deliveries: Deliveries,
        contacts: Contacts | None,
        clock: Clock,
        public_url: Callable[[str], str],
        office_name: Callable[[str], str],
    ) -> None:
        self._links = links
        self._deliveries = deliveries
        self._contacts = contacts
        self._clock = clock
        self._public_url = public_url
        self._office_name = office_name

    def valid_until(self, survey: Survey, run: Round) -> datetime:
        """A link's validity: the survey's link days from now, never past the round's close."""
        assert run.closes_at is not None
        return min(self._clock.now() + timedelta(days=survey.settings.link_days), run.closes_at)

    def send(self, *, tenant: str, survey: Survey, run: Round, members: Sequence[Member], reminder: bool) -> int:
        """One link and one message per member (e-mail where there is an address, else SMS), queued at the pace."""
        if not members:
            return 0
        now = self._clock.now()
        until = self.valid_until(survey, run)
        subjects = [{"survey_id": survey.id, "round": str(run.number), "member_id": m.id} for m in members]
        issued = self._links.issue_many(tenant=tenant, purpose=PURPOSE, subjects=subjects, valid_from=now, valid_until=until)
        group = group_of(survey.id, run.number)
        base = self._public_url(tenant)
        office = self._office_name(survey.owner)
        data = {"office_name": office, "survey_title": survey.plan.title, "valid_until": format_date(until)}
        deliveries = [
            self._delivery(tenant, group, m, link, f"{base}/s/{link.token}", data, office, reminder)
            for m, link in zip(members, issued, strict=True)
            if m.contact.email or m.contact.phone
        ]
        self._deliveries.prepare(tenant=tenant, group=group, deliveries=deliveries)
        self._deliveries.start(tenant=tenant, group=group, rate=survey.settings.send_rate)
        if self._contacts is not None and not reminder:
            self._contacts.record([m.person_key for m in members], at=now, tenant=tenant)
        return len(deliveries)

    def _delivery(
        self,
        tenant: str,
        group: str,
        m: Member,
        link: Any,
        url: str,
        data: dict[str, str],
        office: str,
        reminder: bool,
        *,
        sms: bool = False,
    ) -> Delivery:
        by_sms = sms or not m.contact.email
        subject = {"survey_id": group.rsplit(".", 1)[0], "round": str(m.round), "member_id": m.id}
        return Delivery(
            tenant=tenant,
            group=group,
            id=f"{m.id}.{m.reminders}{'s' if by_sms else 'e'}",
            link_id=link.link_id,
            purpose=PURPOSE,
            subject=subject,
            channel=SMS if by_sms else EMAIL,
            destination=m.contact.phone if by_sms else m.contact.email,
            template=SMS_TEMPLATE if by_sms else TEMPLATES[reminder],
            data={"office": office} if by_sms else dict(data),
            secret={"url": url} if by_sms else {"survey_url": url},
        )

    def by_sms(self, *, tenant: str, survey: Survey, run: Round, member: Member) -> bool:
        """The fallback after an e-mail failed for good: the same invitation by SMS, when the member has a phone."""
        if not member.contact.phone or run.status != "open":
            return False
        now = self._clock.now()
        until = self.valid_until(survey, run)
        subject = {"survey_id": survey.id, "round": str(run.number), "member_id": member.id}
        (link,) = self._links.issue_many(tenant=tenant, purpose=PURPOSE, subjects=[subject], valid_from=now, valid_until=until)
        group = group_of(survey.id, run.number)
        office = self._office_name(survey.owner)
        url = f"{self._public_url(tenant)}/s/{link.token}"
        delivery = self._delivery(tenant, group, member, link, url, {}, office, False, sms=True)
        self._deliveries.prepare(tenant=tenant, group=group, deliveries=[delivery])
        self._deliveries.start(tenant=tenant, group=group, rate=survey.settings.send_rate)
        logger.info("invitation falls back to SMS", extra={"survey": survey.id, "member": member.id})
        return True

    def progress(self, *, tenant: str, survey: Survey) -> Sending:
        """The sending progress over the survey's opened rounds (one GetItem each)."""
        total = sent = 0
        statuses: dict[str, int] = {}
        for r in survey.rounds:
            if r.opened_at is None:
                continue
            found = self._deliveries.progress(tenant=tenant, group=group_of(survey.id, r.number))
            total, sent = total + found.total, sent + found.sent
            for name, n in found.counts.items():
                statuses[name] = statuses.get(name, 0) + n
        return Sending(total, sent, statuses)

    def page(
        self, *, tenant: str, survey: Survey, number: int, cursor: str | None, limit: int = 100
    ) -> tuple[list[Delivery], str | None]:
        """A round's messages with their delivery statuses (destinations are personal data: the caller audits)."""
        return self._deliveries.list(tenant=tenant, group=group_of(survey.id, number), limit=limit, cursor=cursor)
