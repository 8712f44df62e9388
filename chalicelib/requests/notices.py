"""What the customer is told about their request: callback and result by SMS, written answers by e-mail with a survey link."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from chalicelib.notifications.domain import Notice
from chalicelib.shared.clock import format_datetime
from chalicelib.shared.tenancy import Principal
from chalicelib.tenancy.catalog import TENANT_BY_CODE

from .domain import Request, is_written
from .ports import Customers

SURVEY_LINK_DAYS = 30


class CustomerNotices:
    """Builds the notices; the customer's phone and e-mail are read only when a notice needs them (an audited read)."""

    def __init__(self, *, customers: Customers, public_url: Callable[[str], str]) -> None:
        self._customers = customers
        self._public_url = public_url

    def _contact(self, request: Request, actor: Principal, field: str) -> str | None:
        customer = self._customers.get(tenant=request.tenant, actor=actor, customer_id=request.customer_id, timeline=False)
        return getattr(customer, field, None) or None

    def callback(self, request: Request, actor: Principal, at: datetime) -> list[Notice]:
        """Art. 6.1 step 3b: the appointment, confirmed by SMS."""
        phone = self._contact(request, actor, "phone")
        data = {"time": format_datetime(at), "reference": request.reference}
        return [Notice("sms", phone, "callback_scheduled", data, request.id)] if phone else []

    def result(self, request: Request, actor: Principal) -> list[Notice]:
        """A hotline answer that came later than the call (callback, units, transfer): an SMS that it is ready."""
        phone = self._contact(request, actor, "phone")
        return [Notice("sms", phone, "request_answered", {"reference": request.reference}, request.id)] if phone else []

    def written_answer(self, request: Request, actor: Principal) -> list[Notice]:
        """Art. 6.2 step 5: the approved answer by e-mail with the survey link, when the customer has an address."""
        email = self._contact(request, actor, "email")
        if not email or not is_written(request.channel):
            return []
        # The answer as written: escaped, its line breaks kept, no markup of its own.
        answer_html = "<br>".join(html.escape(line) for line in request.answer.split("\n"))
        data = {
            "customer_name": request.customer_name,
            "reference": request.reference,
            "answer_text": request.answer,
            "answer_html": answer_html,
            "survey_url": self.survey_url(request) or "",
            "tenant_name": TENANT_BY_CODE[request.tenant].name,
        }
        return [Notice("email", email, "request-answer", data, request.id)]

    def survey_url(self, request: Request) -> str | None:
        """The customer's survey link, once an answer went out."""
        return f"{self._public_url(request.tenant)}/s/{request.survey_token}" if request.survey_token else None
