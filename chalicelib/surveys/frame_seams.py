"""The customer registry as a frame job reads it (frame_jobs.RegistryPeople), built by bootstrap from the request
store's per-status lists and the customer store, so the surveys package imports neither.

Wiring (bootstrap.py):

    RegistryCustomers(
        by_status=request_store.by_status, statuses=tuple(Status), request_filter=RequestFilter,
        customer=customer_store.get, audit=base.audit.append, clock=base.clock,
    )

Requests are listed newest first within each status (GSI1, `received#id`), so a status is read until the first
request received before the period. Each customer is read once per job, and each read is audited in the reader's
trail (`customer.read`, via `survey_frame`, as customers/service.py records reads); an anonymised customer and one
with neither phone nor e-mail are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.clock import Clock
from chalicelib.shared.tenancy import cognito_username
from chalicelib.tenancy.catalog import PROVINCE_CODES

from .frames import RegistryQuery, normalise_phone, person_key
from .sampling import UNKNOWN, Contact, Person

PAGE = 100


class RegistryCustomers:
    """Customers with requests received in a period (filtered by channel, kind, category, unit), as frame people."""

    def __init__(
        self,
        *,
        by_status: Callable[..., tuple[Sequence[Any], str | None]],
        statuses: Sequence[Any],
        request_filter: Callable[..., Any],
        customer: Callable[..., Any],
        audit: Callable[..., None],
        clock: Clock,
    ) -> None:
        self._by_status = by_status
        self._statuses = statuses
        self._filter = request_filter
        self._customer = customer
        self._audit = audit
        self._clock = clock

    def people(self, *, tenant: str, actor: str, query: RegistryQuery) -> Iterator[Person]:
        """Each customer once, with the channel of their newest request in the period."""
        seen: set[str] = set()
        reader = cognito_username(tenant, actor)  # as the trail names staff (customers/service.py)
        for request in self._requests(tenant, query):
            if request.customer_id in seen:
                continue
            seen.add(request.customer_id)
            customer = self._customer(tenant=tenant, customer_id=request.customer_id)
            if customer is None or customer.anonymised_at:
                continue
            self._audit(
                tenant=tenant,
                event=AuditEvent(reader, "customer.read", "customer", customer.id, self._clock.now(), {"via": "survey_frame"}),
            )
            person = _person(customer, tenant, request.channel.value)
            if person is not None:
                yield person

    def _requests(self, tenant: str, query: RegistryQuery) -> Iterator[Any]:
        only = self._filter(channel=query.filters.get("channel"), category=query.filters.get("category"))
        for status in self._statuses:
            cursor: str | None = None
            while True:
                items, cursor = self._by_status(tenant=tenant, status=status, only=only, limit=PAGE, cursor=cursor)
                for request in items:
                    if request.received_at < query.since:
                        cursor = None
                        break
                    if request.received_at < query.until and _matches(request, query.filters):
                        yield request
                if cursor is None:
                    break


def _matches(request: Any, filters: dict[str, str]) -> bool:
    if filters.get("kind") and request.kind.value != filters["kind"]:
        return False
    return not (filters.get("unit") and request.unit_id != filters["unit"])


def _person(customer: Any, tenant: str, channel: str) -> Person | None:
    phone = normalise_phone(customer.phone) if customer.phone else None
    email = customer.email.lower() if customer.email else None
    if phone is None and email is None:
        return None
    key = person_key(social_insurance_code=customer.social_insurance_code, phone=phone, email=email)
    province = tenant if tenant in PROVINCE_CODES else UNKNOWN
    return Person(key, Contact(email=email, phone=phone, name=customer.full_name), {"province": province, "channel": channel})
