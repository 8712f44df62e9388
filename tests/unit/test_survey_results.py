"""Results from counters, checked by hand on a small fixed data set (issue 10: "a test computes an index and an
interval by hand … and compares"), and the comparisons' suppression, marks and ranks."""

from __future__ import annotations

import math

import pytest

from chalicelib.surveys import comparisons, results
from chalicelib.surveys.ports import ResultCell
from chalicelib.surveys.questionnaire import Content, Question, QuestionnaireVersion, Section

VERSION = QuestionnaireVersion(
    "q",
    1,
    Content(
        "Khảo sát",
        sections=(
            Section(
                "Dịch vụ",
                (
                    Question("q1", "likert", "Thời gian chờ", angle="service", factor="Thủ tục", criterion="Thời gian"),
                    Question("q2", "likert", "Hồ sơ", angle="service", factor="Thủ tục", criterion="Hồ sơ"),
                    Question("t", "text", "Góp ý", required=False),
                ),
            ),
        ),
    ),
)
FACTOR = "factor:service|Thủ tục"

# Ten respondents, one stratum of N = 100 people: six rated (5, 4), two (4, 2), two (3, 1).
# Criterion "Thời gian" (q1): 8 of 10 satisfied; "Hồ sơ" (q2): 6 of 10. A respondent's factor score is the mean of
# their two indicators: six 1.0, two 0.5, two 0.0 — Σ = 7, Σ² = 6 + 2 × 0.25 = 6.5.
CELL = ResultCell(
    stratum="all",
    dimension="",
    value="",
    respondents=10,
    shown={"q1": 10, "q2": 10, "t": 10},
    answered={"q1": 10, "q2": 10, "t": 4},
    options={("q1", "5"): 6, ("q1", "4"): 2, ("q1", "3"): 2, ("q2", "4"): 6, ("q2", "2"): 2, ("q2", "1"): 2},
    scores={FACTOR: (10, 7.0, 6.5), "angle:service": (10, 7.0, 6.5), "overall": (10, 7.0, 6.5)},
)
SOURCE = results.Source([("hanoi", CELL)], {"all": 100})


def test_a_criterion_is_the_satisfied_share_with_wilson_on_the_fpc_corrected_sample():
    found = results.compute(SOURCE, VERSION, {})
    time = found.node("criterion:service|Thủ tục|Thời gian")
    assert time is not None
    e = time.estimate
    # p = 0.8; v = (1 − 10/100) · p(1 − p)/(n − 1) = 0.9 · 0.16 / 9 = 0.016; n_eff = p(1 − p)/v = 10,
    # so the interval is Wilson's for 8 of 10: (0.4902, 0.9433).
    assert e.value == pytest.approx(0.8)
    assert (round(e.low, 4), round(e.high, 4)) == (0.4902, 0.9433)


def test_a_factor_is_the_mean_of_its_criteria_with_the_t_interval_of_the_respondents_scores():
    e = results.compute(SOURCE, VERSION, {}).node(FACTOR).estimate  # type: ignore[union-attr]
    # SIPAS: (0.8 + 0.6) / 2 = 0.7. Scores: mean 0.7, s² = (6.5 − 10 · 0.49)/9 = 0.17778,
    # v = (1 − 0.1) · s²/10 = 0.016, se = 0.12649, t(9; 0.975) = 2.262157 → 0.7 ± 0.28614.
    assert e.value == pytest.approx(0.7)
    assert e.se == pytest.approx(math.sqrt(0.016))
    assert (round(e.low, 4), round(e.high, 4)) == (0.4139, 0.9861)


def test_weights_tilt_the_factor_towards_the_heavier_criterion():
    e = results.compute(SOURCE, VERSION, {"criterion:service|Thủ tục|Hồ sơ": 3}).node(FACTOR).estimate  # type: ignore[union-attr]
    assert e.value == pytest.approx((0.8 + 3 * 0.6) / 4)


def test_the_general_table_counts_options_valid_and_missing_and_the_likert_mean():
    found = results.compute(SOURCE, VERSION, {})
    q1 = found.questions[0]
    assert [(o.label, o.count) for o in q1.options] == [
        ("Rất không hài lòng", 0),
        ("Không hài lòng", 0),
        ("Bình thường", 2),
        ("Hài lòng", 2),
        ("Rất hài lòng", 6),
    ]
    assert q1.valid == 10 and q1.missing == 0
    assert q1.mean is not None and q1.mean.value == pytest.approx((6 * 5 + 2 * 4 + 2 * 3) / 10)
    assert found.open_questions[0][1] == 4
    assert found.respondents == 10


def test_a_stratified_sample_is_weighted_by_its_strata_sizes():
    def cell(stratum: str, n: int, satisfied: int) -> ResultCell:
        return ResultCell(stratum, "", "", n, {"q1": n}, {"q1": n}, {("q1", "5"): satisfied, ("q1", "1"): n - satisfied}, {})

    # Same sample size in two strata of 1,000 and 9,000 people: 90 % and 50 % satisfied.
    source = results.Source([("x", cell("a", 50, 45)), ("x", cell("b", 50, 25))], {"a": 1000, "b": 9000})
    found = results.compute(source, VERSION, {}).node("criterion:service|Thủ tục|Thời gian")
    assert found is not None
    assert found.estimate.value == pytest.approx(0.1 * 0.9 + 0.9 * 0.5)  # not the raw 70 %


def _group_cells(channel_counts: dict[str, tuple[int, int]]) -> results.Source:
    cells = []
    total_n = sum(n for n, _ in channel_counts.values())
    total_s = sum(s for _, s in channel_counts.values())
    cells.append(
        (
            "p",
            ResultCell(
                "all",
                "",
                "",
                total_n,
                {"q1": total_n},
                {"q1": total_n},
                {("q1", "5"): total_s, ("q1", "1"): total_n - total_s},
                {},
            ),
        )
    )
    for channel, (n, s) in channel_counts.items():
        cells.append(
            ("p", ResultCell("all", "channel", channel, n, {"q1": n}, {"q1": n}, {("q1", "5"): s, ("q1", "1"): n - s}, {}))
        )
    return results.Source(cells)


def test_a_group_under_five_is_suppressed_and_a_different_one_is_marked():
    source = _group_cells({"hotline": (200, 180), "email": (200, 100), "zalo": (4, 4)})
    compared = comparisons.compare(source, VERSION, {}, "channel")
    by = {g.value: g for g in compared.groups}
    assert by["zalo"].suppressed and by["zalo"].results is None
    key = "criterion:service|Thủ tục|Thời gian"
    up, down = compared.mark(by["hotline"], key), compared.mark(by["email"], key)
    assert up is not None and up.direction == 1 and down is not None and down.direction == -1
    assert compared.chi_square("q1") is not None and compared.chi_square("q1").significant  # type: ignore[union-attr]


def test_provinces_whose_intervals_overlap_share_a_rank_range():
    def part(name: str, n: int, s: int) -> list[tuple[str, ResultCell]]:
        return [(name, ResultCell("all", "", "", n, {"q1": n}, {"q1": n}, {("q1", "5"): s, ("q1", "1"): n - s}, {}))]

    source = results.Source(part("hanoi", 400, 360) + part("hcm", 400, 300) + part("danang", 400, 296) + part("cantho", 3, 3))
    ranked = comparisons.ranking(comparisons.compare(source, VERSION, {}, "province"), "criterion:service|Thủ tục|Thời gian")
    assert [(r.part, r.rank_text) for r in ranked] == [("hanoi", "1"), ("hcm", "2–3"), ("danang", "2–3"), ("cantho", "—")]


def test_a_change_is_worded_the_agencys_way_with_its_interval():
    before = results.compute(_group_cells({"hotline": (400, 300)}), VERSION, {})
    after = results.compute(_group_cells({"hotline": (400, 340)}), VERSION, {})
    change = next(c for c in comparisons.changes(before, after) if c.key == "q1")
    assert change.text == "tăng 10,00 điểm" and change.significant
    assert change.difference.low < 0.1 < change.difference.high
