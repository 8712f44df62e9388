"""What one request contributes to the statistics' counters, and the difference a step makes (pure).

A request counts in the periods of the day it was received (Asia/Ho_Chi_Minh): its figures there say what became
of the requests received then, so an answer given after the month ended changes that month (a correction of a
closed period, periods.py). Its measures, each also counted per dimension value (`received|channel=hotline`):

- `received` 1; `transferred_in` when it is an office's copy of a CCC transfer (national totals subtract it);
- `answered` once answered or closed (a reopened request is not, until answered again: it counts once);
- `wd:{n}` the working days it took to answer (n = 0 the day of receipt; "wd:30+" from 30), for the median and p90;
- `instant` (hỗ trợ tức thời, seeds/004 "Một là"): on the hotline, answered in the call — Art. 6.1 step 3a, no
  callback, escalation or transfer — on the day of receipt; on a written channel, answered by the end of the
  working day of receipt (Annex 2 §1 "trả lời ngay": `WorkingCalendar.same_day`), i.e. `wd:0`;
- `on_time` / `late`: answered by the deadline of the step that was running when the answer went out
  (`Request.answer_due_at`; requests answered before it was kept have neither);
- `rated`, `satisfied` (Art. 6.1 step 4); `calls` 1 for a hotline request, `intake_late` when its call record was
  entered after 5 minutes (Annex 2 §1 I.2);
- `transferred`, `transfer_reported`, `transfer_reported_on_time` (the CCC's transfers to provinces, Art. 6.1 step 3).

Counted outside the dimensions, because their unit or province is not the request's: `transferred:{province}`,
`transfer_reported:{province}`, `transfer_reported_on_time:{province}` (reported back by the transfer's deadline);
in the province, `transferred_in_on_time`: its copy answered to the citizen by the transfer's deadline (`Origin.due_at`;
a copy written before it was kept uses its own answer deadline) — the CCC's request learns nothing of the answer but
the report back, so this fact is the province's, counted on the day it received the transfer; the specialist units' part (Annex 2 §1 I.3, II.3) `escalated`, `unit_answered`,
`unit_on_time` (a unit's answer by its own deadline), each also `|unit={unit}` for the unit escalated to. What the
aggregate does not keep is not counted: when each relay to the customer was due is only known for the last step.

Survey answers (`survey_rated`, `survey_satisfied`, each also `|round={survey}/{n}`) are added to the same items by
the survey submissions (survey_counts.py), not by the requests: the requests' recount leaves them alone.

The "now" gauge: an open request adds `open` and `due:{yyyy-mm-dd}` (its due day; `due:none` when it has none)
to the tenant's NOW item, so overdue now is the sum of the due days before today — no write as time passes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.requests.domain import Channel, Request, Status
from chalicelib.shared.clock import to_local
from chalicelib.sla.domain import end_of_day

from .periods import Period, periods_of

DIMENSIONS = ("channel", "kind", "category", "unit")
WD_CAP = 30
NOW_KEY = "NOW"
CORRECTION = "corr|"  # a closed period's attribute changed after closing: also added here (periods.py)
SURVEY = "survey_"  # the survey answers' counters (survey_counts.py): counted by the submissions, not the requests


class WorkingDays(Protocol):
    """The working-day calendar as the facts need it (sla/domain.py WorkingCalendar)."""

    def same_day(self, start: datetime) -> datetime: ...

    def next_working_day(self, day: date) -> date: ...


@dataclass(frozen=True)
class Facts:
    """One request's contribution: its received day and dimensions, its measures, its "now" gauge."""

    day: date | None = None
    dims: tuple[tuple[str, str], ...] = ()
    measures: Mapping[str, int] = field(default_factory=dict)  # counted in total and per dimension value
    plain: Mapping[str, int] = field(default_factory=dict)  # counted as named (per unit escalated to, per province)
    now: Mapping[str, int] = field(default_factory=dict)  # the NOW gauge

    def cells(self) -> dict[str, int]:
        """The attributes it adds to each of its period items."""
        found: Counter[str] = Counter(self.plain)
        for name, n in self.measures.items():
            found[name] += n
            for dim, value in self.dims:
                found[f"{name}|{dim}={value}"] += n
        return dict(found)

    def body(self) -> dict[str, Any]:
        """As kept on the request item (what the counters hold for it)."""
        return {
            "day": self.day.isoformat() if self.day else None,
            "dims": dict(self.dims),
            "m": dict(self.measures),
            "p": dict(self.plain),
            "now": dict(self.now),
        }

    @classmethod
    def of_body(cls, body: Mapping[str, Any]) -> Facts:
        """The inverse of `body`."""
        day = body.get("day")
        return cls(
            date.fromisoformat(day) if day else None,
            tuple((d, str(body.get("dims", {})[d])) for d in DIMENSIONS if d in body.get("dims", {})),
            dict(body.get("m", {})),
            dict(body.get("p", {})),
            dict(body.get("now", {})),
        )


NOTHING = Facts()


def sliced(name: str) -> bool:
    """Whether a counter is a dimension value's (`received|channel=hotline`, `escalated|unit=…`, a correction of
    one) rather than a total: the store keeps the two apart, since the league table and the dashboard read totals."""
    return "|" in name.removeprefix(CORRECTION)


def working_days(calendar: WorkingDays, start: datetime, end: datetime) -> int:
    """Working days from receipt to `end`, as Annex 2 counts a deadline: 0 by the end of the day of receipt (the
    next working day when received after hours), n by the end of the nth working day after it; capped at WD_CAP."""
    if end <= calendar.same_day(start):
        return 0
    day = to_local(start).date()
    for n in range(1, WD_CAP):
        day = calendar.next_working_day(day)
        if end <= end_of_day(day):
            return n
    return WD_CAP


def facts(request: Request, calendar: WorkingDays) -> Facts:
    """What `request` contributes to the counters as it stands."""
    unit = request.unit_id or ""
    dims = (("channel", request.channel.value), ("kind", request.kind.value), ("category", request.category.value))
    measures: Counter[str] = Counter(received=1)
    plain: Counter[str] = Counter()
    if request.origin is not None:
        measures["transferred_in"] = 1
        plain["transferred_in_on_time"] = int(_answered_by_transfer_deadline(request))
    if request.channel is Channel.HOTLINE:
        measures["calls"] = 1
    if request.late_record:
        measures["intake_late"] = 1
    if request.status in (Status.ANSWERED, Status.CLOSED) and request.answered_at is not None:
        measures["answered"] = 1
        wd = working_days(calendar, request.received_at, request.answered_at)
        measures["wd:30+" if wd >= WD_CAP else f"wd:{wd}"] = 1
        if wd == 0 and _in_the_call_or_written(request):
            measures["instant"] = 1
        if request.answer_due_at is not None:
            measures["on_time" if request.answered_at <= request.answer_due_at else "late"] = 1
    if request.rating is not None:
        measures["rated"] = 1
        measures["satisfied"] = int(request.rating.satisfied)
    for transfer in request.transfers:
        measures["transferred"] += 1
        plain[f"transferred:{transfer.to_tenant}"] += 1
        if transfer.status == "reported" and transfer.reported_at is not None:
            measures["transfer_reported"] += 1
            plain[f"transfer_reported:{transfer.to_tenant}"] += 1
            on_time = int(transfer.reported_at <= transfer.due_at)
            measures["transfer_reported_on_time"] += on_time
            plain[f"transfer_reported_on_time:{transfer.to_tenant}"] += on_time
    for escalation in request.escalations:
        answered = escalation.status == "answered" and escalation.answered_at is not None
        on_time = answered and escalation.answered_at is not None and escalation.answered_at <= escalation.due_at
        for name, n in (("escalated", 1), ("unit_answered", int(answered)), ("unit_on_time", int(on_time))):
            plain[name] += n
            plain[f"{name}|unit={escalation.unit_id}"] += n
    now: dict[str, int] = {}
    if request.is_open:
        now = {"open": 1, f"due:{to_local(request.due_at).date().isoformat()}" if request.due_at else "due:none": 1}
    return Facts(
        to_local(request.received_at).date(),
        (*dims, ("unit", unit)) if unit else dims,
        {k: v for k, v in measures.items() if v},
        {k: v for k, v in plain.items() if v},
        now,
    )


def _answered_by_transfer_deadline(request: Request) -> bool:
    """A province's copy answered to the citizen by the deadline of the CCC's transfer (Art. 6.1 step 3)."""
    if request.status not in (Status.ANSWERED, Status.CLOSED) or request.answered_at is None or request.origin is None:
        return False
    due = request.origin.due_at or request.answer_due_at
    return due is not None and request.answered_at <= due


def _in_the_call_or_written(request: Request) -> bool:
    """The hotline's instant answer is one given in the call (Art. 6.1 step 3a); a written one only needs the day."""
    if request.channel is not Channel.HOTLINE:
        return True
    return request.callback is None and not request.escalations and not request.transfers


Deltas = dict[str, dict[str, int]]  # counter item sort key → attribute → what to ADD


def difference(before: Facts, after: Facts, *, today: date) -> Deltas:
    """What to ADD to each counter item to move from `before` to `after`; a closed period's changes go to
    `corr|{attr}` as well. Items and attributes that do not change are left out (most steps change nothing)."""
    found: dict[str, Counter[str]] = {}
    for sign, side in ((-1, before), (1, after)):
        if side.day is not None:
            cells = side.cells()
            for period in periods_of(side.day):
                item = found.setdefault(period.key, Counter())
                for name, n in cells.items():
                    item[name] += sign * n
        now = found.setdefault(NOW_KEY, Counter())
        for name, n in side.now.items():
            now[name] += sign * n
    deltas: Deltas = {}
    for key, counts in found.items():
        changed = {name: n for name, n in sorted(counts.items()) if n}
        if changed and key != NOW_KEY and _closed(key, today):
            changed.update({CORRECTION + name: n for name, n in list(changed.items())})
        if changed:
            deltas[key] = changed
    return deltas


def _closed(key: str, today: date) -> bool:
    kind, _, text = key.partition("#")
    return kind != "D" and Period.parse(text.replace("-", "-Q", 1) if kind == "Q" else text).closed(today)


def recount(found: Mapping[str, Facts], period: Period) -> dict[str, dict[str, int]]:
    """The period's items (`period` and its days) as the requests `found` say they should be."""
    items: dict[str, Counter[str]] = {period.key: Counter()}
    for side in found.values():
        if side.day is None or not period.start <= side.day <= period.end:
            continue
        cells = side.cells()
        items[period.key].update(cells)
        if period.kind != "D":
            items.setdefault(Period.day(side.day).key, Counter()).update(cells)
    return {key: {n: v for n, v in counts.items() if v} for key, counts in items.items()}
