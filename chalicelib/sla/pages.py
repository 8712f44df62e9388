"""Console pages: the national working calendar (CCC) and the tenant's deadlines (Annex 2 §1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import MalformedError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import Page, redirect, render

from .law import SOURCE_DECREE, MarkedDay

if TYPE_CHECKING:
    from . import annex2
    from . import policy as sla_policy
else:
    annex2 = lazy("chalicelib.sla.annex2")
    sla_policy = lazy("chalicelib.sla.policy")

bp = Blueprint(__name__)

# The console's words for this capability (one place, Vietnamese with diacritics).
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
SOURCES = {"law": "Luật (ngày lễ, Tết)", SOURCE_DECREE: "Quyết định điều chỉnh"}
KINDS = {"day_off": "Ngày nghỉ", "working_day": "Ngày làm việc bù"}
UNITS = {"minutes": "phút", "working_days": "ngày làm việc", "immediate": "ngay", "rings": "hồi chuông", "daily": "hàng ngày"}
CHANNELS = {
    "hotline": "Tổng đài điện thoại",
    "portal_email": "Cổng thông tin điện tử, email",
    "fanpage": "Fanpage",
    "written": "Cổng thông tin, fanpage, email",
}


def _int(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise MalformedError("Giá trị phải là số nguyên.", fields={field: "not_an_integer"}) from None


def _date(text: str) -> date:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd, what a date picker sends)."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise MalformedError("Ngày phải có dạng dd/mm/yyyy.", fields={"date": "format"})


def _year_of(p: Page) -> int:
    raw = p.value("year") or p.query.get("year", "")
    return _int(raw, "year") if raw else to_local(container().clock.now()).year


@page(bp, "/admin/calendar", permission=Permission.CENTRAL_CALENDAR)
def calendar(p: Page) -> Response:
    """The year's holidays, decreed days off and make-up working days, with the form to change them."""
    year = _year_of(p)
    view = container().sla.year(year=year)
    return render(p, "sla_calendar.html", year=year, view=view, weekdays=WEEKDAYS, sources=SOURCES, kinds=KINDS)


def _pairs(days: tuple[MarkedDay, ...]) -> list[tuple[date, str]]:
    return [(d.day, d.name) for d in days]


@page(bp, "/admin/calendar", method="POST", permission=Permission.CENTRAL_CALENDAR)
def calendar_change(p: Page) -> Response:
    """Add or remove one day off or make-up working day of the year."""
    sla, year, kind = container().sla, _year_of(p), p.value("kind")
    if kind not in KINDS:
        raise MalformedError("Loại ngày không hợp lệ.", fields={"kind": "unknown"})
    current = sla.year(year=year).overrides
    lists = {"day_off": _pairs(current.days_off), "working_day": _pairs(current.working_days)}
    day = _date(p.value("date"))
    lists[kind] = [(d, n) for d, n in lists[kind] if d != day]
    if p.value("action") != "remove":
        lists[kind].append((day, p.value("name")))
    sla.set_overrides(
        actor=p.user,
        year=year,
        days_off=lists["day_off"],
        working_days=lists["working_day"],
        version=_int(p.value("version"), "version"),
    )
    return redirect(f"/admin/calendar?year={year}")


@page(bp, "/admin/sla", permission=Permission.SLA_MANAGE)
def policy(p: Page) -> Response:
    """The tenant's limits next to the Annex 2 maxima, editable where Annex 2 counts time."""
    current = container().sla.policy(tenant=p.tenant.code)
    rows = [
        (lim, current.amount(lim.key), current.custom.get(lim.key), lim.unit in sla_policy.ADJUSTABLE_UNITS)
        for lim in annex2.ANNEX2_LIMITS
    ]
    return render(
        p, "sla_policy.html", policy=current, rows=rows, units=UNITS, channels=CHANNELS, saved=p.query.get("saved") == "1"
    )


@page(bp, "/admin/sla", method="POST", permission=Permission.SLA_MANAGE)
def policy_change(p: Page) -> Response:
    """Save the tenant's limits; an empty field means the Annex 2 maximum."""
    limits = {
        lim.key: _int(p.value(f"limit.{lim.key}"), f"limits.{lim.key}")
        for lim in annex2.ANNEX2_LIMITS
        if lim.unit in sla_policy.ADJUSTABLE_UNITS and p.value(f"limit.{lim.key}")
    }
    sla = container().sla
    sla.set_policy(tenant=p.tenant.code, actor=p.user, limits=limits, version=_int(p.value("version"), "version"))
    return redirect("/admin/sla?saved=1")
