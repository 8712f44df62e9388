"""What one request contributes to the statistics' counters (reports/facts.py), and the difference a step makes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.reports.facts import Facts, difference, facts
from chalicelib.reports.indicators import BY_KEY, Figures
from chalicelib.reports.periods import Period
from chalicelib.requests.domain import Callback, Category, Channel, Escalation, Kind, Rating, Request, Status, Transfer
from chalicelib.shared.clock import VN_TZ
from chalicelib.sla.domain import CalendarOverrides, WorkingCalendar

CAL = WorkingCalendar([CalendarOverrides(2026), CalendarOverrides(2027)])
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=VN_TZ)  # a working day
TODAY = date(2026, 12, 10)


def _request(channel: Channel = Channel.HOTLINE, received: datetime = TUESDAY, **extra: object) -> Request:
    r = Request(
        "r1", "HANOI-261201-0001", "hanoi", channel, Kind.INFORMATION, Category.POLICY, "Thai sản", "Hỏi", "c1", "An",
        received.astimezone(UTC), received.astimezone(UTC), "agent",
    )  # fmt: skip
    r.due_at = CAL.add_working_days(r.received_at, 5)
    for name, value in extra.items():
        setattr(r, name, value)
    return r


def _answer(r: Request, at: datetime) -> Request:
    r.answer_due_at, r.due_at = r.due_at, None
    r.status, r.answered_at = Status.ANSWERED, at.astimezone(UTC)
    return r


def test_a_hotline_call_answered_in_the_call_is_instant_and_on_time() -> None:
    counted = facts(_answer(_request(), TUESDAY + timedelta(minutes=4)), CAL)
    cells = counted.cells()
    assert cells["received"] == cells["answered"] == cells["instant"] == cells["on_time"] == cells["wd:0"] == 1
    assert cells["instant|channel=hotline"] == cells["instant|category=policy"] == 1
    assert counted.now == {}, "an answered request is no longer open"


def test_a_hotline_call_with_a_callback_is_not_instant_even_the_same_day() -> None:
    r = _request(callback=Callback(TUESDAY + timedelta(hours=2), "", None))
    assert "instant" not in facts(_answer(r, TUESDAY + timedelta(hours=3)), CAL).measures


def test_a_written_question_answered_the_same_working_day_is_instant_the_next_day_is_not() -> None:
    same = facts(_answer(_request(Channel.EMAIL), TUESDAY + timedelta(hours=7)), CAL)
    assert same.measures["instant"] == 1 and same.measures["wd:0"] == 1
    next_day = facts(_answer(_request(Channel.EMAIL), TUESDAY + timedelta(days=1)), CAL)
    assert "instant" not in next_day.measures and next_day.measures["wd:1"] == 1


def test_received_on_saturday_answered_on_monday_is_the_same_working_day() -> None:
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=VN_TZ)
    counted = facts(_answer(_request(Channel.FANPAGE, saturday), saturday + timedelta(days=2)), CAL)
    assert counted.measures["wd:0"] == 1 and counted.measures["instant"] == 1
    assert counted.day == date(2026, 12, 5), "counted on the local day of receipt"


def test_an_answer_after_the_deadline_is_late_and_the_working_days_are_capped() -> None:
    r = _request(Channel.EMAIL)
    late = facts(_answer(r, TUESDAY + timedelta(days=60)), CAL)
    assert late.measures["late"] == 1 and "on_time" not in late.measures and late.measures["wd:30+"] == 1


def test_an_answer_from_before_the_deadline_was_kept_is_neither_on_time_nor_late() -> None:
    r = _answer(_request(Channel.EMAIL), TUESDAY + timedelta(days=1))
    r.answer_due_at = None
    assert {"on_time", "late"}.isdisjoint(facts(r, CAL).measures)


def test_a_rating_flip_moves_satisfied_by_one_and_rated_not_at_all() -> None:
    r = _answer(_request(), TUESDAY + timedelta(minutes=3))
    r.rating = Rating(True, "", "", TUESDAY, "agent")
    before = facts(r, CAL)
    r.rating = Rating(False, "chậm", "", TUESDAY, "agent")
    deltas = difference(before, facts(r, CAL), today=TODAY)
    assert deltas["M#2026-12"] == {"satisfied": -1, "satisfied|category=policy": -1, "satisfied|channel=hotline": -1,
                                   "satisfied|kind=information": -1}  # fmt: skip
    assert set(deltas) == {"D#2026-12-01", "M#2026-12", "Q#2026-4", "Y#2026"}, "no NOW change: it is not open"


def test_reopened_then_answered_again_counts_once() -> None:
    r = _answer(_request(), TUESDAY + timedelta(minutes=3))
    first = facts(r, CAL)
    r.status, r.due_at = Status.OPEN, CAL.add_working_days(TUESDAY, 6)
    reopened = facts(r, CAL)
    assert "answered" not in reopened.measures and reopened.now["open"] == 1
    again = facts(_answer(r, TUESDAY + timedelta(days=2)), CAL)
    total = {**difference(Facts(), first, today=TODAY)["M#2026-12"]}
    for step in (difference(first, reopened, today=TODAY), difference(reopened, again, today=TODAY)):
        for name, n in step.get("M#2026-12", {}).items():
            total[name] = total.get(name, 0) + n
    assert total["answered"] == 1 and total["received"] == 1 and total.get("wd:0", 0) == 0 and total["wd:2"] == 1


def test_an_open_request_is_in_the_now_gauge_by_its_due_day() -> None:
    r = _request(Channel.EMAIL)
    deltas = difference(Facts(), facts(r, CAL), today=TODAY)
    assert deltas["NOW"] == {"open": 1, "due:2026-12-08": 1}
    gauge = Figures("hanoi", None, deltas["NOW"], date(2026, 12, 9))
    assert BY_KEY["overdue_now"].value(gauge) == 1 and BY_KEY["open_now"].value(gauge) == 1
    assert BY_KEY["overdue_now"].value(Figures("hanoi", None, deltas["NOW"], date(2026, 12, 8))) == 0


def test_a_step_that_changes_no_fact_writes_no_counter() -> None:
    r = _request()
    before = facts(r, CAL)
    r.assignee, r.subject = "officer", "[đã xoá]"
    assert difference(before, facts(r, CAL), today=TODAY) == {}


def test_a_change_to_a_closed_month_is_also_a_correction() -> None:
    r = _answer(_request(Channel.EMAIL), TUESDAY + timedelta(days=1))
    before = facts(r, CAL)
    r.rating = Rating(True, "", "", TUESDAY, "agent")
    deltas = difference(before, facts(r, CAL), today=date(2027, 1, 5))
    assert deltas["M#2026-12"]["rated"] == 1 and deltas["M#2026-12"]["corr|rated"] == 1
    assert deltas["Y#2026"]["corr|rated"] == 1 and "corr|rated" not in deltas["D#2026-12-01"], "days never close"


def test_transfers_escalations_and_intake_are_counted_for_the_annex2_steps() -> None:
    due = CAL.add_working_days(TUESDAY, 5)
    r = _request(late_record=True, unit_id="kh-tc")
    r.transfers = [Transfer("t1", "hcm", None, due, "x", status="reported", reported_at=due - timedelta(days=1))]
    r.escalations = [Escalation("e1", "bhxh", due, status="answered", answered_at=due + timedelta(hours=1))]
    cells = facts(r, CAL).cells()
    assert cells["intake_late"] == cells["intake_late|unit=kh-tc"] == 1
    assert cells["calls"] == 1, "a hotline call: the denominator of the intake step's share"
    assert cells["transferred"] == cells["transferred:hcm"] == cells["transfer_reported"] == 1
    assert cells["transfer_reported_on_time"] == 1
    assert cells["unit_answered|unit=bhxh"] == 1 and "unit_on_time" not in cells, "the unit answered after its due"


def test_periods_parse_and_close() -> None:
    assert Period.parse("2026-Q4").key == "Q#2026-4" and Period.parse("2026-12").label == "tháng 12/2026"
    assert Period.parse("2026-12").closed(date(2027, 1, 1)) and not Period.parse("2026-12-31").closed(date(2027, 1, 1))
    assert Period.parse("2026-01").previous().text == "2025-12"
