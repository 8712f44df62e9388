"""The counters' part of a request step: the facts kept on the request, and the ADDs its transaction carries.

The request store asks for the facts of each request it writes (`counted`), keeps them on the request item, and
adds `updates` — the difference between what each request contributed when it was read and what it contributes
now — to the step's own TransactWrite. The counters are therefore exactly as current as the requests (no stream
lag, no second writer to fail), and a refused step writes neither. Keeping the counted facts on the item, rather
than recomputing them on load, makes the difference exact even when the calendar or these rules changed since
the request was last written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.requests.domain import Request
from chalicelib.shared.clock import Clock, to_local

from .facts import NOTHING, Facts, difference, facts


class Calendars(Protocol):
    """The working-day calendar of a year and the next (sla/service.py)."""

    def calendar(self, *, year: int) -> Any: ...


class CounterUpdates(Protocol):
    """A period's counter items and their updates for a transaction (store.py)."""

    def parts(self, *, tenant: str, key: str, values: Mapping[str, int]) -> list[tuple[Any, list[Any]]]: ...


class _Lazy:
    """The calendar of a request's year, fetched only when an answer's working days are counted."""

    def __init__(self, calendars: Calendars, year: int) -> None:
        self._calendars, self._year = calendars, year
        self._built: Any = None

    def _get(self) -> Any:
        if self._built is None:
            self._built = self._calendars.calendar(year=self._year)
        return self._built

    def same_day(self, start: datetime) -> datetime:
        """As WorkingCalendar.same_day."""
        return self._get().same_day(start)  # type: ignore[no-any-return]

    def next_working_day(self, day: date) -> date:
        """As WorkingCalendar.next_working_day."""
        return self._get().next_working_day(day)  # type: ignore[no-any-return]


class CounterRecorder:
    """Facts for the request store, and the counter updates of a step."""

    def __init__(self, *, calendars: Calendars, store: CounterUpdates, clock: Clock) -> None:
        self._calendars = calendars
        self._store = store
        self._clock = clock

    def facts(self, request: Request) -> Facts:
        """What the request contributes as it stands."""
        return facts(request, _Lazy(self._calendars, to_local(request.received_at).year))

    def counted(self, request: Request) -> dict[str, Any]:
        """The facts as kept on the request item."""
        return self.facts(request).body()

    def updates(
        self, changes: Iterable[tuple[str, Mapping[str, Any] | None, Mapping[str, Any]]]
    ) -> Sequence[tuple[Any, list[Any]]]:
        """(item, actions) for each counter item the changes move — (tenant, counted before or None when new, after)
        — merged per item, since a transaction may touch an item once."""
        today = to_local(self._clock.now()).date()
        merged: dict[tuple[str, str], Counter[str]] = {}
        for tenant, before, after in changes:
            old = Facts.of_body(before) if before is not None else NOTHING
            for key, values in difference(old, Facts.of_body(after), today=today).items():
                merged.setdefault((tenant, key), Counter()).update(values)
        return [
            part
            for (tenant, key), values in sorted(merged.items())
            for part in self._store.parts(tenant=tenant, key=key, values={n: v for n, v in values.items() if v})
        ]
