"""Personal data at the edge: retention settings, the job's runs, a customer's export and erasure."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from chalicelib.shared.fields import Identifier, Line, Version
from chalicelib.shared.lazy import lazy
from chalicelib.shared.schema import BaseModel, Input

if TYPE_CHECKING:  # annotations only: the service and the store (PynamoDB, botocore) load when the container does
    from . import erasure as customers_erasure
    from .privacy_service import CustomerExport, Erasure
    from .privacy_store import RetentionRun
else:
    customers_erasure = lazy("chalicelib.customers.erasure")
from .retention import CEILING_MONTHS, FLOOR_MONTHS, KINDS, NationalBounds, RetentionPolicy
from .schemas import CustomerRead

Months = Field(ge=FLOOR_MONTHS, le=CEILING_MONTHS)


class RetentionRunRead(BaseModel):
    """What the retention job did last in the tenant; `complete` false means the next run goes on from there."""

    ran_at: datetime
    customers_anonymised: int
    requests_redacted: int
    audit_months_purged: int
    complete: bool


class RetentionKindRead(BaseModel):
    """One record kind: the months applied, the tenant's own value (null: the default), the national bounds."""

    kind: str
    label: str
    counted_from: str
    months: int
    custom: int | None
    default: int
    minimum: int
    maximum: int


class RetentionPolicyRead(BaseModel):
    """The tenant's retention per kind (Decree 13/2023 Art. 3.6), with the national bounds and the last run."""

    tenant: str
    kinds: list[RetentionKindRead]
    version: int
    last_run: RetentionRunRead | None = None


class RetentionPolicyUpdate(Input):
    """The tenant's months per kind (`customer_profile`, `request_content`, `audit_entry`); absent kinds take the default."""

    months: dict[Identifier, int] = Field(max_length=10)
    version: Version


class BoundsRead(BaseModel):
    """A kind's national minimum and maximum months."""

    kind: str
    label: str
    minimum: int
    maximum: int


class RetentionBoundsRead(BaseModel):
    """The national bounds the CCC sets for every office."""

    kinds: list[BoundsRead]
    version: int


class BoundsUpdate(Input):
    """One kind's bounds."""

    minimum: int = Months
    maximum: int = Months


class RetentionBoundsUpdate(Input):
    """The national bounds per kind; absent kinds keep the product's."""

    bounds: dict[Identifier, BoundsUpdate] = Field(max_length=10)
    version: Version


class ExportedStepRead(BaseModel):
    """When a step of the request happened, and what it was."""

    at: datetime
    step: str
    label: str


class ExportedRequestRead(BaseModel):
    """One of the customer's requests, with what they asked, what they were told and when each step happened."""

    id: str
    reference: str
    channel: str
    channel_label: str
    kind: str
    kind_label: str
    category: str
    category_label: str
    status: str
    status_label: str
    received_at: datetime
    subject: str
    question: str
    answer: str | None
    answered_at: datetime | None
    callback_at: datetime | None
    satisfied: bool | None
    rating_reason: str | None
    steps: list[ExportedStepRead]


class CustomerExportRead(BaseModel):
    """The customer's data (Decree 13/2023 Art. 9.7, Art. 14): profile, identifiers and requests with their history."""

    exported_at: datetime
    office: str
    customer: CustomerRead
    requests: list[ExportedRequestRead]


class CustomerErase(Input):
    """Erase on the customer's request: the legal basis, the number of their written request, the version read."""

    version: Version
    reason: Literal["subject_request", "consent_withdrawn", "objection", "unlawful_processing", "authority_order"]
    reference: Line | None = Field(default=None, min_length=1, max_length=40)


class CustomerErasureRead(BaseModel):
    """The anonymous record left, how many requests lost their content, which other offices hold copies."""

    customer: CustomerRead
    requests_redacted: int
    other_offices: list[str]
    reason_label: str


def run_read(run: RetentionRun | None) -> RetentionRunRead | None:
    """The API view of a run."""
    if run is None:
        return None
    return RetentionRunRead(
        ran_at=run.ran_at,
        customers_anonymised=run.customers_anonymised,
        requests_redacted=run.requests_redacted,
        audit_months_purged=run.audit_months_purged,
        complete=run.complete,
    )


def policy_read(policy: RetentionPolicy, run: RetentionRun | None) -> RetentionPolicyRead:
    """The API view of a tenant's policy."""
    kinds = []
    for kind in KINDS:
        low, high = policy.national.of(kind.key)
        kinds.append(
            RetentionKindRead(
                kind=kind.key,
                label=kind.label,
                counted_from=kind.counted_from,
                months=policy.months(kind.key),
                custom=policy.custom.get(kind.key),
                default=policy.national.clamp(kind.key, kind.default),
                minimum=low,
                maximum=high,
            )
        )
    return RetentionPolicyRead(tenant=policy.tenant, kinds=kinds, version=policy.version, last_run=run_read(run))


def bounds_read(bounds: NationalBounds) -> RetentionBoundsRead:
    """The API view of the national bounds."""
    kinds = [BoundsRead(kind=k.key, label=k.label, minimum=bounds.of(k.key)[0], maximum=bounds.of(k.key)[1]) for k in KINDS]
    return RetentionBoundsRead(kinds=kinds, version=bounds.version)


def export_read(export: CustomerExport, office: str, customer: CustomerRead) -> CustomerExportRead:
    """The API view of an export."""
    return CustomerExportRead(
        exported_at=export.exported_at,
        office=office,
        customer=customer,
        requests=[ExportedRequestRead.model_validate(asdict(r)) for r in export.requests],
    )


def erasure_read(erasure: Erasure, customer: CustomerRead) -> CustomerErasureRead:
    """The API view of an erasure."""
    reason = erasure.customer.anonymised_reason or ""
    return CustomerErasureRead(
        customer=customer,
        requests_redacted=erasure.requests_redacted,
        other_offices=list(erasure.other_offices),
        reason_label=customers_erasure.REASON_LABELS.get(reason, reason),
    )
