"""How request values are put into Vietnamese words on the pages: field names, problems, time left, step details."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.customers.domain import PROFILE_FIELDS
from chalicelib.customers.pages import FIELD_LABELS as CUSTOMER_LABELS
from chalicelib.customers.pages import problem_text as customer_problem
from chalicelib.shared.clock import VN_TZ, parse_iso
from chalicelib.tenancy.catalog import TENANT_BY_CODE

from .domain import Event
from .messages import FIELDS, PROBLEMS


def label(name: str) -> str:
    """The Vietnamese name of a form field."""
    return FIELDS.get(name) or CUSTOMER_LABELS.get(name, name)


def problem_text(name: str, problem: str) -> str:
    """The Vietnamese explanation of a field's problem code."""
    if name in PROFILE_FIELDS and problem not in PROBLEMS:
        return customer_problem(name, problem)
    return PROBLEMS.get(problem, "Giá trị không hợp lệ.")


def time_left(due: datetime | None, now: datetime) -> tuple[str, str]:
    """("còn 2 ngày 3 giờ" | "quá hạn 5 giờ", css class): red once due, amber within a day."""
    if due is None:
        return "", ""
    delta = due - now
    seconds = int(abs(delta.total_seconds()))
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    text = " ".join(([f"{days} ngày"] if days else []) + ([f"{hours} giờ"] if hours else [])) or f"{max(minutes, 1)} phút"
    if delta.total_seconds() < 0:
        return f"quá hạn {text}", "overdue"
    return f"còn {text}", "soon" if delta < timedelta(days=1) else ""


def event_detail(event: Event, units: dict[str, str]) -> str:
    """An event's detail in words: unit names, local times, office names."""
    if event.action == "callback_scheduled":
        return _local(event.detail)
    if event.action in ("escalated", "unit_answered"):
        head, _, note = event.detail.partition(" — ")
        return ", ".join(units.get(u, u) for u in head.split(",")) + (f" — {note}" if note else "")
    if event.action in ("transferred", "reported_back", "received_by_transfer"):
        office, _, rest = event.detail.partition("/")
        return " / ".join(x for x in (TENANT_BY_CODE[office].short_name if office in TENANT_BY_CODE else office, rest) if x)
    return {"hài lòng": "Hài lòng", "chưa hài lòng": "Chưa hài lòng"}.get(event.detail, event.detail)


def _local(text: str) -> str:
    try:
        return parse_iso(text).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return text
