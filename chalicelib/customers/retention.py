"""How long personal data is kept (Decree 13/2023/NĐ-CP Art. 3.6: no longer than its purpose needs) — pure.

Three record kinds, each kept a number of months that a tenant administrator sets for the office, inside the
national minimum and maximum that the CCC sets for every office:

- `customer_profile`: the customer's identity (name, ID number, insurance codes, phone, e-mail, address) and the
  look-up entries that point at it; anonymised that many months after the customer's last activity.
- `request_content`: what the requests say about the person — subject, question, answers, drafts, call notes,
  rating reasons, the caller's name copied onto the request; removed that many months after a request was
  answered or closed. Never longer than the profile's: anonymising a customer takes their requests' content along.
- `audit_entry`: the audit trail (which holds no personal data, only ids); whole months are deleted once older.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import RuleViolationError

CUSTOMER_PROFILE = "customer_profile"
REQUEST_CONTENT = "request_content"
AUDIT_ENTRY = "audit_entry"


@dataclass(frozen=True)
class RecordKind:
    """A kind of record with its own retention, its default and the national bounds the product starts with."""

    key: str
    label: str
    counted_from: str
    default: int  # months
    minimum: int
    maximum: int


KINDS: tuple[RecordKind, ...] = (
    RecordKind(
        CUSTOMER_PROFILE,
        "Hồ sơ khách hàng: họ tên, số giấy tờ, mã BHXH/BHYT, điện thoại, thư điện tử, địa chỉ",
        "kể từ lần giao dịch cuối cùng",
        60,
        12,
        120,
    ),
    RecordKind(
        REQUEST_CONTENT,
        "Nội dung yêu cầu và ghi chú cuộc gọi: tiêu đề, câu hỏi, câu trả lời, dự thảo, ghi chú, lý do đánh giá",
        "kể từ khi yêu cầu được trả lời hoặc đóng",
        36,
        6,
        120,
    ),
    RecordKind(
        AUDIT_ENTRY, "Nhật ký thao tác (chỉ chứa mã đối tượng, không chứa dữ liệu cá nhân)", "kể từ ngày ghi", 60, 24, 120
    ),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}
# What the CCC may set as national bounds: from a month to twenty years.
FLOOR_MONTHS, CEILING_MONTHS = 1, 240
# The first month the audit trail can hold: entries are stamped by the system clock when the action happens (never
# with a date someone typed), and the platform has served since after this. The job purges from here on.
AUDIT_EPOCH = "2024-01"

MESSAGES = {
    "unknown_kind": "Không có loại dữ liệu này.",
    "out_of_bounds": "Thời hạn lưu trữ phải nằm trong giới hạn toàn quốc do Trung tâm CSKH quy định.",
    "content_longer": "Thời hạn lưu nội dung yêu cầu không được dài hơn thời hạn lưu hồ sơ khách hàng.",
    "bad_bounds": "Giới hạn toàn quốc phải từ 1 đến 240 tháng, mức tối thiểu không lớn hơn mức tối đa.",
}


@dataclass(frozen=True)
class NationalBounds:
    """The least and the most months each kind may be kept, for every office (set by the CCC)."""

    bounds: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    version: int = 0

    def of(self, key: str) -> tuple[int, int]:
        """(minimum, maximum) months of a kind: the CCC's, else the product's defaults."""
        kind = KIND_BY_KEY[key]
        return self.bounds.get(key, (kind.minimum, kind.maximum))

    def clamp(self, key: str, months: int) -> int:
        """`months` brought inside the bounds of the kind."""
        low, high = self.of(key)
        return min(max(months, low), high)


@dataclass(frozen=True)
class RetentionPolicy:
    """A tenant's retention: its own months per kind (`custom`), else the default, always inside the national bounds."""

    tenant: str
    custom: Mapping[str, int] = field(default_factory=dict)
    version: int = 0
    national: NationalBounds = field(default_factory=NationalBounds)

    def months(self, key: str) -> int:
        """The months applied to a kind now (a value the CCC's later bounds exclude is brought inside them)."""
        return self.national.clamp(key, self.custom.get(key, KIND_BY_KEY[key].default))

    def cutoff(self, key: str, now: datetime) -> datetime:
        """Records of this kind older than this instant are past their retention."""
        return months_before(now, self.months(key))


def months_before(instant: datetime, months: int) -> datetime:
    """The same local time `months` calendar months earlier (the 31st becomes the month's last day), in UTC."""
    local = to_local(instant)
    year, month = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day).astimezone(UTC)


def _next_month(month: str) -> str:
    year, number = divmod(int(month[:4]) * 12 + int(month[5:]), 12)
    return f"{year:04d}-{number + 1:02d}"


def purgeable_months(*, cutoff: datetime, purged_through: str | None) -> list[str]:
    """The audit months (yyyy-mm, UTC as the trail files them) wholly before `cutoff` and not purged yet, oldest first."""
    first = _next_month(purged_through) if purged_through else AUDIT_EPOCH
    last = cutoff.astimezone(UTC).strftime("%Y-%m")  # the month of the cutoff itself is still partly kept
    months: list[str] = []
    while first < last:
        months.append(first)
        first = _next_month(first)
    return months


def check_policy(custom: Mapping[str, int], national: NationalBounds) -> dict[str, int]:
    """A tenant's months if each kind is known and inside the national bounds, and content is not kept past the profile."""
    fields: dict[str, str] = {}
    code = ""
    for key, months in custom.items():
        if key not in KIND_BY_KEY:
            code, fields[f"months.{key}"] = code or "unknown_kind", "unknown"
        elif national.clamp(key, months) != months:
            code, fields[f"months.{key}"] = code or "out_of_bounds", "out_of_bounds"
    if fields:
        raise RuleViolationError(MESSAGES[code], code=code, fields=fields)
    policy = RetentionPolicy("", custom, national=national)
    if policy.months(REQUEST_CONTENT) > policy.months(CUSTOMER_PROFILE):
        raise RuleViolationError(
            MESSAGES["content_longer"], code="content_longer", fields={f"months.{REQUEST_CONTENT}": "longer_than_profile"}
        )
    return dict(custom)


def check_bounds(bounds: Mapping[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """National bounds if each kind is known and FLOOR ≤ minimum ≤ maximum ≤ CEILING."""
    fields: dict[str, str] = {}
    for key, (low, high) in bounds.items():
        if key not in KIND_BY_KEY:
            fields[f"bounds.{key}"] = "unknown"
        elif not FLOOR_MONTHS <= low <= high <= CEILING_MONTHS:
            fields[f"bounds.{key}"] = "out_of_range"
    if fields:
        code = "unknown_kind" if "unknown" in fields.values() else "bad_bounds"
        raise RuleViolationError(MESSAGES[code], code=code, fields=fields)
    return dict(bounds)


# -- what the retention job does to one customer ----------------------------------------------------------------


@dataclass(frozen=True)
class RequestActivity:
    """A request as the retention rules see it: open or not, when its last step was, whether its content is gone."""

    request_id: str
    reference: str
    open: bool
    last_step_at: datetime
    redacted: bool = False


@dataclass(frozen=True)
class RetentionMarks:
    """Where the job looks again for a customer — lower bounds, so nothing falls due unseen.

    `activity`: no activity of the customer is older (anonymisation counts from it); `content`: no request whose
    content is still kept finished earlier (removal of content counts from it).
    """

    activity: datetime
    content: datetime


@dataclass(frozen=True)
class Review:
    """The verdict for one customer: the requests whose content goes now, whether the identity goes, the next marks."""

    redact: tuple[str, ...]
    anonymise: bool
    marks: RetentionMarks


def review(
    *, last_profile_change: datetime, requests: Sequence[RequestActivity], policy: RetentionPolicy, now: datetime
) -> Review:
    """Decide what is past its retention: content of requests finished before the content cutoff; the whole customer
    when nothing happened since the profile cutoff and no request is open (an open request still needs the contact)."""
    finished = [r for r in requests if not r.open and not r.redacted]
    last_activity = max([last_profile_change, *(r.last_step_at for r in requests)])
    anonymise = not any(r.open for r in requests) and last_activity <= policy.cutoff(CUSTOMER_PROFILE, now)
    content_cutoff = policy.cutoff(REQUEST_CONTENT, now)
    redact = [r for r in finished if anonymise or r.last_step_at <= content_cutoff]
    kept = [r.last_step_at for r in finished if r not in redact]
    # A request still open will finish at `now` or later, and the customer can be anonymised only after it has.
    activity = now if any(r.open for r in requests) else last_activity
    return Review(tuple(r.request_id for r in redact), anonymise, RetentionMarks(activity, min([*kept, now])))
