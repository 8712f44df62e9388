"""Customers — individuals and organisations (1218 Art. 2.9; 681 Art. 6 step 2; Annex 2 §2): rules, pure Python."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.errors import ConflictError, RuleViolationError
from chalicelib.shared.text import fold

from .retention import RetentionMarks

INDIVIDUAL = "individual"
ORGANIZATION = "organization"
KINDS = (INDIVIDUAL, ORGANIZATION)

# Identifier types, in the order a match is preferred (each has one index partition per tenant).
IDENTIFIERS = ("id_number", "social_insurance_code", "health_card_code", "unit_code", "phone")
# Identifiers that belong to one customer only (a claim each). A phone does not: family members share one, and a
# caller may use a relative's — so a phone finds candidates, never a match on its own.
UNIQUE_IDENTIFIERS = ("id_number", "social_insurance_code", "health_card_code", "unit_code")
NAME_INDEX = "name"
PROFILE_FIELDS = (
    "full_name",
    "id_number",
    "social_insurance_code",
    "health_card_code",
    "org_name",
    "unit_code",
    "phone",
    "email",
    "address",
)
# Annex 2 §2: an individual is identified by name, ID number and insurance codes; an organisation by its name and unit
# code. `full_name` of an organisation is its contact person; phone, e-mail and address belong to either kind.
ONLY_FOR = {
    INDIVIDUAL: ("id_number", "social_insurance_code", "health_card_code"),
    ORGANIZATION: ("org_name", "unit_code"),
}
MIN_PREFIX = 3  # identifier look-ups need at least this many characters
MIN_NAME_PREFIX = 2  # "Lê", "Võ", "Hồ": surnames of two letters

# The message catalogue of this capability (user-facing, Vietnamese).
MESSAGES = {
    "invalid": "Thông tin khách hàng không hợp lệ.",
    "duplicate": "Đã có hồ sơ khách hàng với thông tin định danh này.",
    "not_found": "Không tìm thấy khách hàng.",
    "search_needs_input": "Nhập mã định danh hoặc họ tên để tìm khách hàng.",
    "search_too_short": "Từ khoá tìm kiếm quá ngắn.",
    "other_tenant": "Chỉ Trung tâm CSKH được xem khách hàng của đơn vị khác.",
    "anonymised": "Hồ sơ khách hàng đã được ẩn danh, không thể thay đổi.",
    "anonymised_intake": "Hồ sơ khách hàng này đã được ẩn danh; hãy tìm hoặc tạo hồ sơ mới cho người gọi.",
}
# What an anonymised customer is called wherever a name used to be shown (Decree 13/2023 Art. 16).
ANONYMOUS_NAME = "Khách hàng đã ẩn danh"

_SEPARATORS = re.compile(r"[\s.\-()]")
_FORMATS = {
    # CMND 9 digits, CCCD 12 digits, passport 1–2 letters then 6–8 digits.
    "id_number": re.compile(r"^(\d{9}|\d{12}|[A-Z]{1,2}\d{6,8})$"),
    "social_insurance_code": re.compile(r"^\d{10}$"),
    # Health-insurance card: 2 letters (beneficiary group) + 13 digits.
    "health_card_code": re.compile(r"^[A-Z]{2}\d{13}$"),
    "unit_code": re.compile(r"^[A-Z0-9]{3,15}$"),
    "phone": re.compile(r"^0\d{9}$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
}
# What a beginning of each identifier can look like (search by prefix).
_PREFIXES = {
    "id_number": re.compile(r"^(\d{1,12}|[A-Z]{1,2}\d{0,8})$"),
    "social_insurance_code": re.compile(r"^\d{1,10}$"),
    "health_card_code": re.compile(r"^[A-Z]{1,2}\d{0,13}$"),
    "unit_code": re.compile(r"^[A-Z0-9]{1,15}$"),
    "phone": re.compile(r"^0\d{0,9}$"),
}


@dataclass(frozen=True)
class Identity:
    """The normalised identity fields of a customer (what a form or an intake supplies)."""

    kind: str
    full_name: str | None = None
    id_number: str | None = None
    social_insurance_code: str | None = None
    health_card_code: str | None = None
    org_name: str | None = None
    unit_code: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None

    @property
    def display_name(self) -> str:
        """The organisation's name, or the person's full name."""
        return (self.org_name if self.kind == ORGANIZATION else self.full_name) or ""

    def unique_identifiers(self) -> dict[str, str]:
        """The identifiers that name exactly one customer."""
        return {name: value for name, value in self.identifiers().items() if name in UNIQUE_IDENTIFIERS}

    def identifiers(self) -> dict[str, str]:
        """The identifiers present, by type, in the order a match is preferred."""
        values = {name: getattr(self, name) for name in IDENTIFIERS}
        return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class TimelineEntry:
    """One event on the customer's timeline: a request, call, answer, survey or rating."""

    at: datetime
    kind: str
    title: str
    ref_id: str
    detail: str = ""


class TimelineSource(Protocol):
    """Whatever knows the customer's history (the requests capability plugs in here)."""

    def entries(self, *, tenant: str, customer_id: str) -> list[TimelineEntry]:
        """The customer's events, in any order (the service shows them newest first)."""
        ...


@dataclass(frozen=True)
class Customer(Identity):
    """A stored customer: identity fields plus id, version and timestamps; `timeline` is filled on a read.

    `marks` tell the retention job when to look at the customer again (None on a new one: it starts at creation);
    an anonymised customer keeps only its id, kind and dates, with `anonymised_at` and why (`anonymised_reason`).
    """

    id: str = ""
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    timeline: tuple[TimelineEntry, ...] = field(default=())
    marks: RetentionMarks | None = None
    anonymised_at: datetime | None = None
    anonymised_reason: str | None = None

    @property
    def display_name(self) -> str:
        """The organisation's name, or the person's full name; a fixed label once anonymised."""
        return ANONYMOUS_NAME if self.anonymised_at else super().display_name


@dataclass(frozen=True)
class CustomerRecord:
    """A customer as another capability's command found or made it, not yet written: the command commits it with
    its own change, so a refused command leaves neither a new customer nor an audit entry behind."""

    tenant: str
    customer: Customer
    event: AuditEvent  # the read (into the reader's trail) or the creation (into the customer's tenant)
    trail: str  # the tenant whose audit trail records the event
    new: bool  # the profile, its claims and its name entry are written with the change


@dataclass(frozen=True)
class CustomerSummary:
    """A line of a search result: identifiers masked (Art. 7.1)."""

    id: str
    kind: str
    display_name: str
    identifiers: dict[str, str]
    matched: str | None = None


def compact(value: str) -> str:
    """An identifier without spaces, dots, dashes or brackets, letters upper-case."""
    return _SEPARATORS.sub("", value).upper()


def normalise_phone(value: str) -> str:
    """+84xxxxxxxxx, 84xxxxxxxxx and 0084… become 0xxxxxxxxx; anything else is only compacted."""
    digits = compact(value)
    for prefix in ("+84", "0084"):
        if digits.startswith(prefix):
            return "0" + digits[len(prefix) :]
    if digits.startswith("84") and len(digits) == 11:
        return "0" + digits[2:]
    return digits


def normalise_text(value: str) -> str:
    """NFC (some keyboards send decomposed Vietnamese), single spaces."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def _normalised(name: str, raw: str) -> str:
    if name == "phone":
        return normalise_phone(raw)
    if name in IDENTIFIERS:
        return compact(raw)
    if name == "email":
        return raw.strip().lower()
    return normalise_text(raw)


def _problems(kind: str, values: Mapping[str, str]) -> dict[str, str]:
    problems = {name: "format" for name, value in values.items() if name in _FORMATS and not _FORMATS[name].match(value)}
    other = ORGANIZATION if kind == INDIVIDUAL else INDIVIDUAL
    problems.update({name: "not_for_kind" for name in ONLY_FOR[other] if name in values})
    required = "full_name" if kind == INDIVIDUAL else "org_name"
    if required not in values:
        problems[required] = "required"
    return problems


def normalise_identity(kind: str, raw: Mapping[str, str | None]) -> Identity:
    """Normalise every field and check it; 422 naming each bad field (`required`, `format`, `not_for_kind`)."""
    if kind not in KINDS:
        raise RuleViolationError(MESSAGES["invalid"], fields={"kind": "unknown"})
    values = {name: _normalised(name, raw.get(name) or "") for name in PROFILE_FIELDS}
    values = {name: value for name, value in values.items() if value}
    problems = _problems(kind, values)
    if problems:
        raise RuleViolationError(MESSAGES["invalid"], fields=problems)
    return Identity(kind=kind, **values)


def duplicate_error(taken: Mapping[str, str]) -> ConflictError:
    """409 pointing at the record that already holds each identifier: {"<field>": "duplicate:<customer id>"}."""
    return ConflictError(
        MESSAGES["duplicate"], code="duplicate_customer", fields={name: f"duplicate:{cid}" for name, cid in taken.items()}
    )


def mask(value: str) -> str:
    """Hide all but the last 4 characters (last 3 of shorter values; all of very short ones)."""
    keep = 4 if len(value) >= 10 else 3 if len(value) >= 6 else 0
    return "*" * (len(value) - keep) + value[len(value) - keep :]


def summarise(identity: Identity, customer_id: str, matched: str | None = None) -> CustomerSummary:
    """The masked summary a search shows."""
    masked = {name: mask(value) for name, value in identity.identifiers().items()}
    return CustomerSummary(customer_id, identity.kind, identity.display_name, masked, matched)


def search_prefixes(raw: str) -> dict[str, str]:
    """For an identifier (or its beginning) typed by staff: the prefix to look up in each claim type it may belong to."""
    keys = {name: normalise_phone(raw) if name == "phone" else compact(raw) for name in IDENTIFIERS}
    return {name: key for name, key in keys.items() if len(key) >= MIN_PREFIX and _PREFIXES[name].match(key)}


def name_prefix(raw: str) -> str:
    """The folded name prefix to look up; 422 when too short to be useful."""
    prefix = fold(raw)
    if len(prefix) < MIN_NAME_PREFIX:
        raise RuleViolationError(MESSAGES["search_too_short"], fields={"name": "too_short"})
    return prefix


def changed_fields(before: Identity, after: Identity) -> list[str]:
    """Names of the fields that differ (for the audit detail: names only, never values)."""
    names = ("kind", *PROFILE_FIELDS)
    return [name for name in names if getattr(before, name) != getattr(after, name)]
