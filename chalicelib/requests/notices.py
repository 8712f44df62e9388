"""What the customer is told about their request: callback and result by SMS, written answers by e-mail with a survey link."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.customers.domain import Customer
from chalicelib.notifications.domain import Notice
from chalicelib.shared.clock import format_datetime
from chalicelib.tenancy.catalog import TENANT_BY_CODE

from .domain import Request, is_written

SURVEY_LINK_DAYS = 30


class CustomerNotices:
    """Builds the notices from the customer's contact details, which the service reads (audited) only when needed."""

    def __init__(self, *, public_url: Callable[[str], str]) -> None:
        self._public_url = public_url

    def callback(self, request: Request, customer: Customer, at: datetime) -> list[Notice]:
        """Art. 6.1 step 3b: the appointment, confirmed by SMS."""
        phone = customer.phone
        data = {"time": format_datetime(at), "reference": request.reference}
        return [Notice("sms", phone, "callback_scheduled", data, request.id)] if phone else []

    def result(self, request: Request, customer: Customer) -> list[Notice]:
        """A hotline answer that came later than the call (callback, units, transfer): an SMS that it is ready."""
        phone = customer.phone
        return [Notice("sms", phone, "request_answered", {"reference": request.reference}, request.id)] if phone else []

    def written_answer(self, request: Request, customer: Customer, token: str | None) -> list[Notice]:
        """Art. 6.2 step 5: the approved answer by e-mail with the survey link, when the customer has an address."""
        email = customer.email
        if not email or not is_written(request.channel):
            return []
        # The answer as written; the mailer makes the HTML part's copy (escaped, its line breaks kept).
        data = {
            "customer_name": request.customer_name,
            "reference": request.reference,
            "answer_text": request.answer,
            "tenant_name": TENANT_BY_CODE[request.tenant].name,
        }
        # The link's token exists only in memory here: it rides in the notice's secret part, which the outbox keeps
        # until the e-mail is sent and then blanks (notifications/store.py), so no clear token stays at rest.
        secret = {"survey_url": self.survey_url(request.tenant, token)} if token else {}
        return [Notice("email", email, "request-answer", data, request.id, secret=secret)]

    def survey_url(self, tenant: str, token: str) -> str:
        """The public survey page of a link's token."""
        return f"{self._public_url(tenant)}/s/{token}"
