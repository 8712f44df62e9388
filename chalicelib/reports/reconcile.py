"""The `kpi-reconcile` job: one office's month of counters recounted from its requests and set right (Đối soát).

The requests received in the month are listed status by status (GSI1 is sorted by receipt: no scan) and each
counts what it says the counters hold for it — the facts kept on its item (recording.py), or for a request
written before the counters, its facts now (what its next step will take as "before"). The month item and its day
items are made equal to that recount by ADDing the difference, attribute by attribute, as the survey cells' job
does (surveys/reconcile.py): a step's own ADD landing between the read and the write commutes with it. A step
landing between the listing and the read of the counters would look like an error, so the requests are listed
again after the counters are read and the pass is made again unless both listings agree (ids and versions).
The quarter and the year are then made equal to the sum of their months. A run right after another finds nothing.
Fixes are not corrections of a closed period (`corr|…`): they restore what the steps should have counted. The
survey answers' counters (`survey_…`, survey_counts.py) are no request's: this job leaves them as they are, in the
roll-up too; the `survey-results` job recounts them (surveys/reconcile.py).
Run per office and month over the past, it is also the backfill for requests written before the counters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Protocol

from chalicelib.requests.domain import Request
from chalicelib.shared.clock import VN_TZ
from chalicelib.shared.errors import MalformedError

from .facts import CORRECTION, SURVEY, Facts, recount
from .periods import MONTH, Period

if TYPE_CHECKING:  # the jobs service pulls in the table's adapter: not on the API's cold start
    from chalicelib.jobs.service import JobRun

KIND = "kpi-reconcile"
LABEL = "Đối soát số liệu thống kê"
PASSES = 3
MESSAGES = {
    "not_month": "Đối soát theo từng tháng: nhập kỳ dạng 2026-12.",
    "counting": "Đang đếm lại từ các yêu cầu",
    "fixing": "Đang sửa số liệu",
    "done": "Đã kiểm {checked} mục, sửa {fixed}",
    "numbers": " ({numbers} số đếm)",
}
Values = dict[str, int]


class ReceivedRequests(Protocol):
    """The requests received in a window (requests/store.py `received_between`)."""

    def received_between(self, *, tenant: str, start: datetime, end: datetime) -> Iterator[Request]: ...


class Counters(Protocol):
    """The counter items as the job reads and sets them (store.py; tests/fakes.py)."""

    def many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Values]: ...

    def adjust(self, *, tenant: str, deltas: Mapping[str, Mapping[str, int]]) -> None: ...


class FactsOf(Protocol):
    """A request's facts now (recording.py)."""

    def facts(self, request: Request) -> Facts: ...


@dataclass(frozen=True)
class Outcome:
    """What a run found: items checked, items set right, numbers changed."""

    checked: int
    fixed: int
    numbers: int

    def summary(self) -> str:
        """The job's last word, e.g. "Đã kiểm 34 mục, sửa 2 (3 số đếm)"."""
        text = MESSAGES["done"].format(checked=self.checked, fixed=self.fixed)
        return text + (MESSAGES["numbers"].format(numbers=self.numbers) if self.numbers else "")


class UnsettledError(Exception):
    """Steps kept landing while the counters were read: the queue retries the job."""


def month_of(text: str) -> Period:
    """The month to reconcile ("2026-12"); any other period is a 400 `not_a_month`."""
    month = Period.parse(text)
    if month.kind != MONTH:
        raise MalformedError(MESSAGES["not_month"], code="not_a_month", fields={"period": "not_a_month"})
    return month


def difference(have: Mapping[str, int], want: Mapping[str, int]) -> Values:
    """What to add to `have` to make it `want` (corrections left alone: they record history, not counts; so are the
    survey answers' counters, which no request holds)."""
    names = {n for n in {*have, *want} if not n.startswith((CORRECTION, SURVEY))}
    return {n: d for n in sorted(names) if (d := want.get(n, 0) - have.get(n, 0))}


class KpiReconciler:
    """Recounts an office's month and sets its counters right."""

    def __init__(self, *, requests: ReceivedRequests, counters: Counters, recorder: FactsOf) -> None:
        self._requests = requests
        self._counters = counters
        self._recorder = recorder

    def run(self, run: JobRun) -> None:
        """The job's handler: param `period` ("2026-12"), in the job's tenant."""
        from chalicelib.jobs.service import JobRejected

        try:
            month = month_of(str(run.params.get("period", "")))
        except MalformedError:
            raise JobRejected(MESSAGES["not_month"]) from None
        outcome = self.reconcile(tenant=run.tenant, month=month, progress=run.progress)
        run.progress(outcome.checked, outcome.checked, outcome.summary())

    def reconcile(
        self, *, tenant: str, month: Period, progress: Callable[[int, int | None, str], None] = lambda *_: None
    ) -> Outcome:
        """Make the month's items (and then its quarter and year) equal to the recount of its requests."""
        keys = [month.key, *(Period.day(d).key for d in month.days())]
        for _ in range(PASSES):
            progress(0, None, MESSAGES["counting"])
            found, seen = self._recount(tenant, month)
            have = self._counters.many((tenant, k) for k in keys)
            if self._listing(tenant, month)[1] == seen:
                break
        else:
            raise UnsettledError(f"{tenant} {month.text}")
        progress(0, None, MESSAGES["fixing"])
        want = recount(found, month)
        deltas = {k: d for k in keys if (d := difference(have[(tenant, k)], want.get(k, {})))}
        self._counters.adjust(tenant=tenant, deltas=deltas)
        rolled = self._roll_up(tenant, month)
        checked, fixed = len(keys) + 2, len(deltas) + len(rolled)
        return Outcome(checked, fixed, sum(len(d) for d in deltas.values()) + sum(len(d) for d in rolled.values()))

    def _roll_up(self, tenant: str, month: Period) -> dict[str, Values]:
        """The quarter and the year set to the sum of their months."""
        quarter, year = Period.quarter(month.start), Period.year(month.start)
        months = [Period.month(d) for d in year.days() if d.day == 1]
        found = self._counters.many([(tenant, quarter.key), (tenant, year.key), *((tenant, m.key) for m in months)])
        deltas: dict[str, Values] = {}
        for total in (quarter, year):
            want: Counter[str] = Counter()
            for m in months:
                if total.start <= m.start <= total.end:
                    want.update(found[(tenant, m.key)])
            if d := difference(found[(tenant, total.key)], want):
                deltas[total.key] = d
        self._counters.adjust(tenant=tenant, deltas=deltas)
        return deltas

    def _recount(self, tenant: str, month: Period) -> tuple[dict[str, Facts], set[tuple[str, int]]]:
        requests, seen = self._listing(tenant, month)
        return {r.id: Facts.of_body(r.counted) if r.counted is not None else self._recorder.facts(r) for r in requests}, seen

    def _listing(self, tenant: str, month: Period) -> tuple[list[Request], set[tuple[str, int]]]:
        start = datetime.combine(month.start, time(0), VN_TZ)
        end = datetime.combine(month.next().start, time(0), VN_TZ)
        found = {r.id: r for r in self._requests.received_between(tenant=tenant, start=start, end=end)}
        return list(found.values()), {(r.id, r.version) for r in found.values()}
