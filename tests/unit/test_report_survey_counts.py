"""The survey answers' part of the satisfaction rate (reports/survey_counts.py, surveys/index.py `satisfied`), and
the transfer facts a province's answer and the CCC's report back add (reports/facts.py)."""

from __future__ import annotations

from datetime import date, timedelta

from chalicelib.reports.facts import Facts, facts
from chalicelib.reports.indicators import BY_KEY, Figures
from chalicelib.reports.survey_counts import answer_deltas, repair
from chalicelib.requests.domain import Channel, Origin, Status, Transfer
from chalicelib.surveys.index import satisfied
from tests.unit.test_report_facts import CAL, TUESDAY, _answer, _request

DAY = date(2026, 12, 1)
RATE = BY_KEY["satisfaction_rate"]


def test_a_respondent_is_satisfied_when_most_of_what_they_rated_is_four_or_five() -> None:
    assert satisfied({"overall": 2 / 3}) is True
    assert satisfied({"overall": 0.5}) is False, "half satisfied is not satisfied on the whole"
    assert satisfied({"overall": 0.0}) is False
    assert satisfied({}) is None, "nothing rated in the index: not counted"


def test_a_counted_answer_adds_to_its_day_month_quarter_and_year() -> None:
    deltas = answer_deltas(source="s1/2", day=DAY, satisfied=True)
    assert sorted(deltas) == ["D#2026-12-01", "M#2026-12", "Q#2026-4", "Y#2026"]
    assert deltas["M#2026-12"] == {
        "survey_rated": 1,
        "survey_rated|round=s1/2": 1,
        "survey_satisfied": 1,
        "survey_satisfied|round=s1/2": 1,
    }
    unhappy = answer_deltas(source="s1/2", day=DAY, satisfied=False)
    assert unhappy["D#2026-12-01"] == {"survey_rated": 1, "survey_rated|round=s1/2": 1}


def test_the_rate_counts_ratings_and_survey_answers_but_a_slice_only_the_ratings() -> None:
    values = {"rated": 4, "satisfied": 3, "survey_rated": 6, "survey_satisfied": 3, "rated|channel=hotline": 4,
              "satisfied|channel=hotline": 3}  # fmt: skip
    figures = Figures("hanoi", None, values)
    assert RATE.value(figures) == 6 / 10
    assert RATE.value(figures.slice("channel", "hotline")) == 3 / 4, "a survey answer has no channel"
    assert RATE.value(Figures("hanoi", None, {"survey_rated": 2, "survey_satisfied": 2})) == 1.0
    assert RATE.value(Figures("hanoi", None, {})) is None
    assert "phiếu khảo sát" in RATE.definition and "chỉ tính đánh giá sau khi trả lời" in RATE.definition


def test_repair_sets_one_rounds_share_and_keeps_the_other_rounds_in_the_total() -> None:
    other = answer_deltas(source="s2/1", day=DAY, satisfied=True)["D#2026-12-01"]
    mine = answer_deltas(source="s1/1", day=DAY, satisfied=False)["D#2026-12-01"]
    broken = {n: other.get(n, 0) + mine.get(n, 0) for n in {*other, *mine}}
    broken["survey_rated"] += 5  # a lost write's retry, say
    have = {"D#2026-12-01": broken, "M#2026-12": {}, "Q#2026-4": {}, "Y#2026": {}}
    found = {DAY: (2, 1)}  # the recount: this round had two answers that day, one satisfied
    deltas = repair(source="s1/1", have=have, found=found)
    day = deltas["D#2026-12-01"]
    assert day == {"survey_rated|round=s1/1": 1, "survey_satisfied|round=s1/1": 1, "survey_rated": -4, "survey_satisfied": 1}
    fixed = {n: broken.get(n, 0) + day.get(n, 0) for n in {*broken, *day}}
    assert (fixed["survey_rated"], fixed["survey_satisfied"]) == (3, 2), "two of this round's and the other round's one"
    assert deltas["M#2026-12"] == {"survey_rated|round=s1/1": 2, "survey_satisfied|round=s1/1": 1, "survey_rated": 2,
                                   "survey_satisfied": 1}  # fmt: skip
    settled = {k: {n: have[k].get(n, 0) + d.get(n, 0) for n in {*have[k], *d}} for k, d in deltas.items()}
    assert repair(source="s1/1", have=settled, found=found) == {}, "a second run finds nothing"


def _copy(answered_after: timedelta, *, kept: bool = True) -> Facts:
    due = TUESDAY + timedelta(days=2)
    r = _request(Channel.EMAIL, origin=Origin("ccc", "c1", "t1", due_at=due if kept else None))
    r.due_at = TUESDAY + timedelta(days=9)  # the province escalated: its own deadline moved past the transfer's
    return facts(_answer(r, TUESDAY + answered_after), CAL)


def test_a_provinces_copy_answered_after_the_transfers_deadline_is_not_in_time() -> None:
    assert _copy(timedelta(days=1)).plain["transferred_in_on_time"] == 1
    late = _copy(timedelta(days=3))
    assert "transferred_in_on_time" not in late.plain and late.measures["on_time"] == 1, "on time by its own deadline"
    assert _copy(timedelta(days=3), kept=False).plain["transferred_in_on_time"] == 1, "a copy without it: its own"
    open_copy = _request(Channel.EMAIL, origin=Origin("ccc", "c1", "t1", due_at=TUESDAY))
    assert "transferred_in_on_time" not in facts(open_copy, CAL).plain


def test_the_ccc_counts_each_provinces_reports_back_in_time() -> None:
    due = TUESDAY + timedelta(days=2)
    r = _request(Channel.EMAIL, status=Status.TRANSFERRED)
    r.transfers = [
        Transfer("t1", "hanoi", None, due, "x1", "reported", "Xong", TUESDAY + timedelta(days=1)),
        Transfer("t2", "hcm", None, due, "x2", "reported", "Xong", TUESDAY + timedelta(days=5)),
    ]
    plain = facts(r, CAL).plain
    assert plain["transfer_reported_on_time:hanoi"] == 1 and "transfer_reported_on_time:hcm" not in plain
    assert plain["transfer_reported:hcm"] == plain["transferred:hcm"] == 1
