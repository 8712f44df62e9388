"""Sampling frames (*khung chọn mẫu*): the people a sample is drawn from, read from an uploaded list (pure).

An uploaded CSV or XLSX has a header row in Vietnamese (`Họ và tên`, `Số điện thoại`, `Email`, `Mã số BHXH`,
`Tỉnh/thành phố`, `Kênh`, `Nhóm đối tượng`; unaccented and lower-case variants too). Each row needs a phone or an
e-mail. A phone becomes +84…, an e-mail lower case, a province one of the 34 tenant codes (blank: the uploading
office's own province), a channel one of the request channels, a target group a short code (`Người lao động` →
`nguoi-lao-dong`). The person key is a hash of the best identifier the row has (social-insurance code, else phone,
else e-mail): rows with the same key are one person, kept once (the first row wins). The code itself is not kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.jobs.domain import Problem
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.text import fold
from chalicelib.tenancy.catalog import PROVINCE_CODES, TENANTS

from .sampling import Contact, Person

UPLOAD, REGISTRY = "upload", "registry"
IMPORT, REGISTRY_KIND = "survey_frame_import", "survey_frame_registry"  # the jobs that build frames
FIELDS = ("name", "phone", "email", "social_insurance_code", "province", "channel", "group")
HEADERS: dict[str, tuple[str, ...]] = {  # folded header → field
    "name": ("ho va ten", "ho ten", "ten", "ten khach hang"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt"),
    "email": ("email", "e-mail", "thu dien tu", "dia chi email"),
    "social_insurance_code": ("ma so bhxh", "ma bhxh", "so so bhxh", "ma so bao hiem xa hoi"),
    "province": ("tinh/thanh pho", "tinh / thanh pho", "tinh, thanh pho", "tinh thanh pho", "tinh", "thanh pho"),
    "channel": ("kenh", "kenh tiep nhan"),
    "group": ("nhom doi tuong", "doi tuong", "nhom"),
}
LABELS = {
    "name": "Họ và tên",
    "phone": "Số điện thoại",
    "email": "Email",
    "social_insurance_code": "Mã số BHXH",
    "province": "Tỉnh/thành phố",
    "channel": "Kênh",
    "group": "Nhóm đối tượng",
}
CHANNELS = {  # folded label or code → request channel (requests/domain Channel)
    "hotline": "hotline", "tong dai": "hotline", "duong day nong": "hotline", "1900": "hotline",
    "national_portal": "national_portal", "cong dich vu cong quoc gia": "national_portal", "dvc quoc gia": "national_portal",
    "web_portal": "web_portal", "cong thong tin dien tu": "web_portal", "website": "web_portal",
    "fanpage": "fanpage", "facebook": "fanpage", "mang xa hoi": "fanpage", "zalo": "fanpage",
    "email": "email", "thu dien tu": "email",
    "post": "post", "buu chinh": "post", "thu": "post",
    "other": "other", "khac": "other",
}  # fmt: skip
PROBLEMS = {
    "contact": "Cần ít nhất số điện thoại hoặc email.",
    "phone": "Số điện thoại không hợp lệ (10 số, bắt đầu bằng 0 hoặc +84).",
    "email": "Email không hợp lệ.",
    "province": "Không nhận ra tỉnh/thành phố (dùng tên một trong 34 tỉnh, thành phố).",
    "province_required": "Cần ghi tỉnh/thành phố.",
    "channel": "Không nhận ra kênh (tổng đài, cổng dịch vụ công quốc gia, cổng thông tin điện tử, fanpage, email, bưu chính, khác).",
    "social_insurance_code": "Mã số BHXH gồm 10 chữ số.",
    "too_long": "Quá dài (tối đa {max} ký tự).",
    "no_contact_column": "Tệp cần có cột Số điện thoại hoặc Email.",
    "repeated": "Cột này xuất hiện hai lần.",
}  # fmt: skip
MAX_TEXT = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^0\d{9}$")
_SEPARATORS = re.compile(r"[\s.\-()']")
_PROVINCE_PREFIX = re.compile(r"^(tinh|thanh pho|tp\.?)\s+")


@dataclass(frozen=True)
class Frame:
    """A sampling frame as stored: where it came from, how many people, how they spread over the dimensions."""

    id: str
    tenant: str
    source: str
    title: str
    rows: int
    duplicates: int
    counts: dict[str, dict[str, int]]  # dimension → value → people
    columns: tuple[str, ...]
    file_key: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    params: dict[str, str] = field(default_factory=dict)


class HeaderError(Exception):
    """The header row lacks what a frame needs: the problems name the columns."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("header")
        self.problems = problems


def column_positions(header: Sequence[object]) -> dict[str, int]:
    """Field → column index, from a header row in Vietnamese (accents, case and spacing ignored)."""
    known = {label: name for name, labels in HEADERS.items() for label in labels}
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        name = known.get(fold(str(cell or "")).replace("_", " "))
        if name is None:
            continue
        if name in positions:
            problems.append(Problem(1, str(cell), PROBLEMS["repeated"]))
        positions[name] = index
    if "phone" not in positions and "email" not in positions:
        problems.append(Problem(1, LABELS["phone"], PROBLEMS["no_contact_column"]))
    if problems:
        raise HeaderError(problems)
    return positions


def person_key(*, social_insurance_code: str | None, phone: str | None, email: str | None) -> str:
    """One person's key across frames and offices: a hash of their best identifier (never the identifier itself)."""
    if social_insurance_code:
        identity = f"bhxh:{social_insurance_code}"
    elif phone:
        identity = f"phone:{phone}"
    else:
        identity = f"email:{email}"
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def normalise_phone(raw: str) -> str | None:
    """+84xxxxxxxxx for a Vietnamese number written 0…, 84…, +84… or 0084… (None when it is not one)."""
    digits = _SEPARATORS.sub("", raw)
    for prefix in ("+84", "0084"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :]
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return "+84" + digits[1:] if _PHONE.match(digits) else None


def _province_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for tenant in TENANTS:
        if tenant.code in PROVINCE_CODES:
            for spelling in (tenant.code, tenant.short_name, tenant.name.removeprefix("Bảo hiểm xã hội ")):
                folded = fold(spelling)
                names[folded] = names[_PROVINCE_PREFIX.sub("", folded)] = tenant.code
    names |= {"hcm": "hcm", "tphcm": "hcm", "tp hcm": "hcm", "sai gon": "hcm", "ha noi": "hanoi"}
    return names


PROVINCES = _province_names()


def group_code(raw: str) -> str:
    """A target group as a stratum code: `Người lao động` → `nguoi-lao-dong`."""
    return "-".join(re.sub(r"[^a-z0-9 ]", " ", fold(raw)).split())[:40]


def _text(cells: Sequence[object], positions: Mapping[str, int], name: str) -> str:
    index = positions.get(name)
    if index is None or index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone or code typed as a number in a spreadsheet
    return " ".join(str(value).split())


def parse_row(
    line: int, cells: Sequence[object], positions: Mapping[str, int], *, tenant: str, header: Sequence[object]
) -> Person | list[Problem]:
    """One data row as a person of the frame, or the problems of its cells (line and column as the file shows)."""
    values = {name: _text(cells, positions, name) for name in positions}
    problems: list[Problem] = []

    def problem(name: str, code: str, **args: object) -> None:
        column = str(header[positions[name]]) if name in positions else LABELS[name]
        problems.append(Problem(line, column, PROBLEMS[code].format(**args)))

    for name, value in values.items():
        if len(value) > MAX_TEXT:
            problem(name, "too_long", max=MAX_TEXT)
    phone = normalise_phone(values["phone"]) if values.get("phone") else None
    if values.get("phone") and phone is None:
        problem("phone", "phone")
    email = values.get("email", "").lower() or None
    if email and not _EMAIL.match(email):
        problem("email", "email")
    if not values.get("phone") and not values.get("email"):
        problem("phone" if "phone" in positions else "email", "contact")
    code = _SEPARATORS.sub("", values.get("social_insurance_code", "")) or None
    if code and not (code.isdigit() and len(code) == 10):
        problem("social_insurance_code", "social_insurance_code")
    province = _province(values.get("province", ""), tenant)
    if province is None:
        problem("province", "province" if values.get("province") else "province_required")
    channel = CHANNELS.get(fold(values["channel"])) if values.get("channel") else None
    if values.get("channel") and channel is None:
        problem("channel", "channel")
    if problems:
        return problems
    attributes = {"province": province or ""}
    if channel:
        attributes["channel"] = channel
    if values.get("group"):
        attributes["group"] = group_code(values["group"])
    key = person_key(social_insurance_code=code, phone=phone, email=email)
    return Person(key, Contact(email=email, phone=phone, name=values.get("name") or None), attributes)


def _province(raw: str, tenant: str) -> str | None:
    if not raw:
        return tenant if tenant in PROVINCE_CODES else None
    folded = fold(raw)
    return PROVINCES.get(folded) or PROVINCES.get(_PROVINCE_PREFIX.sub("", folded))


@dataclass
class FrameCounts:
    """What a frame's summary counts as its rows go by: people, duplicates, people per dimension value."""

    rows: int = 0
    duplicates: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: {"province": {}, "channel": {}, "group": {}})

    def add(self, person: Person) -> None:
        """Count one person (not a duplicate)."""
        self.rows += 1
        for dimension, values in self.counts.items():
            value = person.attributes.get(dimension) or "unknown"
            values[value] = values.get(value, 0) + 1


class RegistryQuery:
    """Customers with requests received in [since, until), optionally of one channel, kind, category, unit."""

    FILTERS = ("channel", "kind", "category", "unit")

    def __init__(self, *, since: datetime, until: datetime, filters: dict[str, str]) -> None:
        self.since, self.until, self.filters = since, until, filters

    @classmethod
    def from_params(cls, params: dict[str, object]) -> RegistryQuery:
        filters = {k: str(params[k]) for k in cls.FILTERS if params.get(k)}
        return cls(since=parse_iso(str(params["since"])), until=parse_iso(str(params["until"])), filters=filters)

    def as_params(self) -> dict[str, str]:
        return {"since": iso(self.since), "until": iso(self.until), **self.filters}
