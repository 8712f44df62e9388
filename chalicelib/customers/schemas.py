"""Customers at the edge (API.md "Customers", and `customer` of POST /api/requests)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from chalicelib.shared.fields import Line, QueryInt, Version
from chalicelib.shared.schema import BaseModel, Input


class CustomerIdentity(Input):
    """Identity fields of a customer, as typed by staff; normalised and checked by the domain."""

    kind: Literal["individual", "organization"]
    full_name: Line | None = Field(default=None, max_length=200)
    id_number: Line | None = Field(default=None, max_length=30)
    social_insurance_code: Line | None = Field(default=None, max_length=30)
    health_card_code: Line | None = Field(default=None, max_length=40)
    org_name: Line | None = Field(default=None, max_length=300)
    unit_code: Line | None = Field(default=None, max_length=30)
    phone: Line | None = Field(default=None, max_length=30)
    email: Line | None = Field(default=None, max_length=254)
    address: Line | None = Field(default=None, max_length=500)


class CustomerUpdate(CustomerIdentity):
    """The whole record as it should become (fields left out are cleared); `version` is the one read."""

    version: Version


class CustomerQuery(Input):
    """Look-up by an identifier (or its first 3+ characters), or by the beginning of a name (diacritics optional)."""

    identifier: Line | None = Field(default=None, max_length=40)
    q: Line | None = Field(default=None, max_length=200)
    limit: QueryInt = Field(default=10, ge=1, le=50)


class CustomerSummaryRead(BaseModel):
    """A search result; identifiers are masked."""

    id: str
    kind: str
    display_name: str
    identifiers: dict[str, str]
    matched: str | None = None


class CustomerPage(BaseModel):
    """Search results."""

    items: list[CustomerSummaryRead]


class TimelineEntryRead(BaseModel):
    """One event of the customer's history."""

    at: datetime
    kind: str
    title: str
    ref_id: str
    detail: str = ""


class CustomerRead(BaseModel):
    """The full record, with its timeline."""

    id: str
    kind: str
    display_name: str
    full_name: str | None
    id_number: str | None
    social_insurance_code: str | None
    health_card_code: str | None
    org_name: str | None
    unit_code: str | None
    phone: str | None
    email: str | None
    address: str | None
    version: int
    created_at: datetime | None
    updated_at: datetime | None
    timeline: list[TimelineEntryRead]
    anonymised_at: datetime | None = None  # set once the record was anonymised (retention or erasure): no personal data left
    anonymised_reason: str | None = None
