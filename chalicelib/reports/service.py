"""The statistics' read service: figures, trends, league tables, the morning dashboard and the units' breakdown.

Every answer reads counter items (store.py), never the requests: a league table is two BatchGets of 35 items
whatever the number of requests behind it. The one exception is the dashboard's five worst overdue requests, a
Query of the open-by-due index with a limit of 5 (GSI2 for an office; GSI4, the national open list, for the CCC).
Pages, exports and the league table compute every value through indicators.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import urlencode

from chalicelib.shared.errors import MalformedError, NotFoundError
from chalicelib.shared.permissions import CENTRAL_TENANT as CENTRAL

from .facts import NOW_KEY
from .indicators import BY_KEY, Figures, Indicator
from .periods import Period, between

Key = tuple[str, str]
DASHBOARD_KPIS = ("instant_rate", "satisfaction_rate", "on_time_share", "median_working_days")
WORST = 5
MAX_DAYS = 366
# The request list's filters (GET /api/requests) that a figure's requests are opened with, by dimension: with the
# period's days of receipt (`received_from`/`received_to`) they select exactly the requests a `received` counts
# (`unit` then is the handling unit, as the counters' `|unit=`) — README "Reports".
LINK_FILTERS = {"channel": "channel", "kind": "kind", "category": "category", "unit": "unit"}
NOW_LINKS = ("open", "overdue")  # the "now" gauge's figures: today's open requests, not a period's (tables.summary)


class CounterReads(Protocol):
    """The counter items as the service reads them (store.py; tests/fakes.py)."""

    def values(self, *, tenant: str, key: str, consistent: bool = False) -> dict[str, int]: ...

    def many(
        self, keys: Iterable[Key], *, dimensions: bool = True, names: Sequence[str] | None = None
    ) -> dict[Key, dict[str, int]]: ...


class OpenRequests(Protocol):
    """The request store's open-by-due lists (requests/store.py)."""

    def open_by_due(self, *, tenant: str, before: datetime | None, only: Any, limit: int, cursor: str | None) -> Any: ...

    def national_open(self, *, before: datetime | None, only: Any, limit: int, cursor: str | None) -> Any: ...


@dataclass(frozen=True)
class LeagueRow:
    """An office in a league table: rank (1 best; equal values share it), value, target met, change since the last period."""

    tenant: str
    name: str
    rank: int | None
    value: float | None
    met: bool | None
    previous: float | None
    change: float | None


@dataclass(frozen=True)
class SeriesPoint:
    """One period of a trend: its value and the target it is held against."""

    period: Period
    value: float | None
    target: float | None
    met: bool | None


@dataclass(frozen=True)
class OfficeNow:
    """An office this morning: today's intake, open and overdue now, due today."""

    tenant: str
    name: str
    received_today: int
    open: int
    overdue: int
    due_today: int


@dataclass(frozen=True)
class Kpi:
    """A month's indicator against the year's target."""

    indicator: Indicator
    value: float | None
    target: float | None
    met: bool | None


@dataclass(frozen=True)
class Overdue:
    """One of the worst overdue requests (no personal data: reference, subject, office, deadline)."""

    tenant: str
    request_id: str
    reference: str
    subject: str
    due_at: datetime


@dataclass(frozen=True)
class Dashboard:
    """The director's morning page."""

    today: date
    offices: list[OfficeNow]
    month: Period
    kpis: list[Kpi]
    worst: list[Overdue]


@dataclass(frozen=True)
class UnitFigures:
    """One unit's figures in a period, and the request list filter for the requests behind them."""

    unit_id: str
    figures: Figures
    link: str


@dataclass(frozen=True)
class TransferRow:
    """The CCC's transfers of a period to one province: how many, how many the province answered by the transfer's
    deadline (its own counters: `transferred_in_on_time`), reported back, and reported back by that deadline."""

    tenant: str
    name: str
    transferred: int
    reported: int
    answered_on_time: int = 0
    reported_on_time: int = 0


class ReportService:
    """Reads of the counters, for one office or all of them."""

    def __init__(self, *, store: CounterReads, requests: OpenRequests, offices: Mapping[str, str]) -> None:
        self._store = store
        self._requests = requests
        self._offices = dict(offices)  # code → name, the CCC first

    # -- one office -------------------------------------------------------------------------------------------

    def indicator(self, key: str) -> Indicator:
        """An indicator by its key (400 `unknown_indicator` otherwise)."""
        if key not in BY_KEY:
            raise MalformedError("Không có chỉ số này.", code="unknown_indicator", fields={"indicator": "unknown"})
        return BY_KEY[key]

    def figures(self, *, tenant: str, period: Period) -> Figures:
        """A period's figures (one GetItem)."""
        return Figures(tenant, period, self._store.values(tenant=tenant, key=period.key))

    def now(self, *, tenant: str, today: date) -> Figures:
        """The "now" gauge (one GetItem)."""
        return Figures(tenant, None, self._store.values(tenant=tenant, key=NOW_KEY), today)

    def range(self, *, tenant: str, start_day: date, end_day: date) -> Figures:
        """A chosen range of days summed from its day items (BatchGets of at most 366 items)."""
        days = between(Period.day(start_day), Period.day(end_day))
        if len(days) > MAX_DAYS:
            raise MalformedError("Khoảng ngày quá dài (tối đa 366 ngày).", code="range_too_long", fields={"to": "too_far"})
        found = self._store.many((tenant, d.key) for d in days)
        total = Figures(tenant, None)
        for values in found.values():
            total = total.plus(Figures(tenant, None, values))
        return Figures(tenant, None, total.values)

    def series(self, *, tenant: str, indicator: Indicator, periods: Sequence[Period]) -> list[SeriesPoint]:
        """The indicator period by period (one BatchGet of their totals)."""
        found = self._store.many(((tenant, p.key) for p in periods), dimensions=False)
        points = []
        for p in periods:
            value = indicator.value(Figures(tenant, p, found[(tenant, p.key)]))
            target = indicator.target(p.start.year)
            points.append(SeriesPoint(p, value, target.share if target else None, indicator.met(value, p.start.year)))
        return points

    def units(self, *, tenant: str, period: Period) -> list[UnitFigures]:
        """The figures of each unit that handled requests of the period (from the `|unit=` counters)."""
        figures = self.figures(tenant=tenant, period=period)
        return [
            UnitFigures(u, figures.slice("unit", u), requests_link(period.start, period.end, "unit", u) or "")
            for u in figures.dimension_values("unit")
        ]

    # -- every office -----------------------------------------------------------------------------------------

    def league(self, *, period: Period, indicator: Indicator) -> list[LeagueRow]:
        """The offices ranked on the indicator, with the change since the previous period (one BatchGet of the
        counters the indicator reads)."""
        if indicator.now:
            raise MalformedError("Chỉ số tức thời không xếp hạng theo kỳ.", code="not_a_period_indicator")
        previous = period.previous()
        keys = ((t, p.key) for t in self._offices for p in (period, previous))
        found = self._store.many(keys, dimensions=False, names=indicator.reads)
        values = {t: indicator.value(Figures(t, period, found[(t, period.key)])) for t in self._offices}
        before = {t: indicator.value(Figures(t, previous, found[(t, previous.key)])) for t in self._offices}
        ranks = _ranks(values, higher_is_better=indicator.higher_is_better)
        rows = [
            LeagueRow(
                t,
                name,
                ranks.get(t),
                values[t],
                indicator.met(values[t], period.start.year),
                before[t],
                None if values[t] is None or before[t] is None else values[t] - before[t],  # type: ignore[operator]
            )
            for t, name in self._offices.items()
        ]
        return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.tenant))

    def transfers(self, *, period: Period) -> tuple[list[TransferRow], Figures]:
        """The CCC's transfers of the period per province (its `transferred:{province}`, `transfer_reported:…`
        counters) with what each province answered in time (its own items), and the CCC's figures for the totals:
        one BatchGet of the 35 offices' totals of the period."""
        found = self._store.many(((t, period.key) for t in dict.fromkeys([CENTRAL, *self._offices])), dimensions=False)
        central = Figures(CENTRAL, period, found[(CENTRAL, period.key)])
        rows = [
            TransferRow(
                t,
                name,
                central.get(f"transferred:{t}"),
                central.get(f"transfer_reported:{t}"),
                found[(t, period.key)].get("transferred_in_on_time", 0),
                central.get(f"transfer_reported_on_time:{t}"),
            )
            for t, name in self._offices.items()
            if t != CENTRAL
        ]
        return rows, central

    def office_name(self, tenant: str) -> str:
        """An office's name in the catalogue (404 for a code that is no office)."""
        if tenant not in self._offices:
            raise NotFoundError("Không tìm thấy đơn vị.")
        return self._offices[tenant]

    def dashboard(self, *, tenant: str | None, now: datetime, today: date) -> Dashboard:
        """Today's intake and the open and overdue now per office, the month's KPIs, the five worst overdue.
        `tenant` None is the national view (every office); otherwise the one office."""
        offices = list(self._offices) if tenant is None else [tenant]
        day, month = Period.day(today), Period.month(today)
        found = self._store.many(((t, k) for t in offices for k in (day.key, NOW_KEY, month.key)), dimensions=False)
        rows: list[OfficeNow] = []
        total = Figures("", month)
        for t in offices:
            gauge = Figures(t, None, found[(t, NOW_KEY)], today)
            rows.append(
                OfficeNow(
                    t,
                    self._offices.get(t, t),
                    found[(t, day.key)].get("received", 0),
                    gauge.get("open"),
                    int(BY_KEY["overdue_now"].value(gauge) or 0),
                    int(BY_KEY["due_today"].value(gauge) or 0),
                )
            )
            total = total.plus(Figures(t, month, found[(t, month.key)]))
        kpis = []
        for key in DASHBOARD_KPIS:
            indicator = BY_KEY[key]
            value, target = indicator.value(total), indicator.target(today.year)
            kpis.append(Kpi(indicator, value, target.share if target else None, indicator.met(value, today.year)))
        return Dashboard(today, rows, month, kpis, self._worst(tenant, now))

    def _worst(self, tenant: str | None, now: datetime) -> list[Overdue]:
        from chalicelib.requests.ports import RequestFilter

        if tenant is None:
            items, _ = self._requests.national_open(before=now, only=RequestFilter(), limit=WORST, cursor=None)
        else:
            items, _ = self._requests.open_by_due(tenant=tenant, before=now, only=RequestFilter(), limit=WORST, cursor=None)
        return [Overdue(r.tenant, r.id, r.reference, r.subject, r.due_at) for r in items if r.due_at is not None]


def requests_link(
    start: date, end: date, dimension: str = "", value: str = "", *, base: str = "/api/requests", tenant: str | None = None
) -> str | None:
    """The request list of exactly the requests a period's `received` counts — received on the days `start`..`end`,
    of every status — narrowed to a dimension value (LINK_FILTERS); None for a dimension the list cannot select.
    `base` is the list (the API's, the console's /requests, the CCC's /central/requests with `tenant`)."""
    if dimension and dimension not in LINK_FILTERS:
        return None
    params = {"tenant": tenant} if tenant else {}
    params |= {"received_from": start.isoformat(), "received_to": end.isoformat()}
    if dimension:
        params[LINK_FILTERS[dimension]] = value
    return f"{base}?{urlencode(params)}"


def _ranks(values: Mapping[str, float | None], *, higher_is_better: bool) -> dict[str, int]:
    """Competition ranking ("1, 2, 2, 4"): offices without a value are not ranked."""
    known = sorted(((v, t) for t, v in values.items() if v is not None), key=lambda p: -p[0] if higher_is_better else p[0])
    ranks: dict[str, int] = {}
    for position, (value, tenant) in enumerate(known, start=1):
        earlier = known[position - 2][0] if position > 1 else None
        ranks[tenant] = ranks[known[position - 2][1]] if earlier == value else position
    return ranks
