"""Calendar and deadlines (API.md "Calendar and deadlines"): the working-day calendar and the tenant's SLA policy."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.errors import MalformedError
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from .schemas import (
    CalendarUpdate,
    CalendarYearRead,
    SlaPolicyRead,
    SlaPolicyUpdate,
    WorkingDaysQuery,
    WorkingDaysRead,
    calendar_year_read,
    policy_read,
)

bp = Blueprint(__name__)
TAGS = ("calendar",)


def _year(text: str) -> int:
    """The year of the path; anything but four digits is malformed."""
    if len(text) != 4 or not text.isdigit():
        raise MalformedError("Năm phải gồm bốn chữ số.", code="invalid_year", fields={"year": "format"})
    return int(text)


@route(
    bp,
    "/api/calendar/add-working-days",
    permission=Permission.CONSOLE,
    query=WorkingDaysQuery,
    response=WorkingDaysRead,
    tags=TAGS,
)
def add_working_days(ctx: RequestContext, query: WorkingDaysQuery) -> WorkingDaysRead:
    """The due instant `days` working days after `start` (end of that working day, 17:00 local)."""
    due = container().sla.add_working_days(start=query.start, days=query.days)
    return WorkingDaysRead(start=query.start, days=query.days, due_at=due)


@route(bp, "/api/calendar/{year}", permission=Permission.CONSOLE, response=CalendarYearRead, tags=TAGS)
def get_calendar(ctx: RequestContext, year: str) -> CalendarYearRead:
    """Working days and holidays of the year as deadlines count them."""
    return calendar_year_read(container().sla.year(year=_year(year)))


@route(
    bp,
    "/api/central/calendar/{year}",
    method="PUT",
    permission=Permission.CENTRAL_CALENDAR,
    body=CalendarUpdate,
    response=CalendarYearRead,
    tags=TAGS,
)
def put_calendar(ctx: RequestContext, body: CalendarUpdate, year: str) -> CalendarYearRead:
    """Enter the government's substitutions of the year: days off and make-up working days (CCC only)."""
    view = container().sla.set_overrides(
        actor=ctx.user,
        year=_year(year),
        days_off=[(d.date, d.name) for d in body.days_off],
        working_days=[(d.date, d.name) for d in body.working_days],
        version=body.version,
    )
    return calendar_year_read(view)


@route(bp, "/api/sla-policy", permission=Permission.CONSOLE, response=SlaPolicyRead, tags=TAGS)
def get_policy(ctx: RequestContext) -> SlaPolicyRead:
    """The tenant's limits next to the Annex 2 maxima."""
    return policy_read(container().sla.policy(tenant=ctx.tenant))


@route(
    bp, "/api/sla-policy", method="PUT", permission=Permission.SLA_MANAGE, body=SlaPolicyUpdate, response=SlaPolicyRead, tags=TAGS
)
def put_policy(ctx: RequestContext, body: SlaPolicyUpdate) -> SlaPolicyRead:
    """Shorten the tenant's limits; longer than Annex 2 is refused (422)."""
    sla = container().sla
    return policy_read(sla.set_policy(tenant=ctx.tenant, actor=ctx.user, limits=dict(body.limits), version=body.version))
