"""Survey statistics: intervals, tests, changes and ranks against values a reader can check by hand or in R/scipy.

Literals marked "scipy" come from scipy 1.16.3 (`scipy.stats`), "mpmath" from mpmath 1.3.0 at 30 digits; neither
is imported here (the module is pure Python).
"""

from __future__ import annotations

import math

import pytest

from chalicelib.shared.distributions import chi2_sf, t_quantile, t_sf
from chalicelib.shared.stats import (
    MIN_CELL,
    Estimate,
    Stratum,
    chi_square,
    difference,
    mean,
    points,
    proportion,
    rank_ranges,
    simple_mean,
    simple_proportion,
    two_proportions,
    welch,
    wilson,
)

Z = 1.959963984540054  # the normal's 97.5 % point


# --- Wilson (1927) ---------------------------------------------------------------------------------------------


def test_wilson_matches_the_textbook_intervals():
    assert wilson(8, 10) == pytest.approx((0.4902, 0.9433), abs=5e-5)
    assert wilson(0, 20) == pytest.approx((0.0, 0.1611), abs=5e-5)
    assert wilson(20, 20) == pytest.approx((0.8389, 1.0), abs=5e-5)


def test_wilson_is_narrower_at_a_lower_confidence_and_uninformative_without_data():
    low95, high95 = wilson(8, 10)
    low90, high90 = wilson(8, 10, confidence=0.90)
    assert low95 < low90 < 0.8 < high90 < high95
    assert wilson(0, 0) == (0.0, 1.0)


def test_wilson_refuses_more_successes_than_trials():
    with pytest.raises(ValueError):
        wilson(11, 10)


# --- Stratified estimates (Cochran 1977) ---------------------------------------------------------------------


def two_strata_mean(population_a: int | None = 100, population_b: int | None = 300) -> list[Stratum]:
    # A: answers 2, 4, 4, 6 (Σy = 16, Σy² = 72) out of N = 100; B: 1, 2, 3, 4, 5 (Σy = 15, Σy² = 55) out of N = 300
    return [Stratum(population_a, 4, 4, 16, 72), Stratum(population_b, 5, 5, 15, 55)]


def test_a_stratified_mean_is_weighted_by_the_strata_sizes_with_their_fpc():
    estimate = mean(two_strata_mean())
    # weights 100/4 = 25 and 300/5 = 60: N̂ = 100 and 300, W = 0.25 and 0.75
    value = (25 * 16 + 60 * 15) / (25 * 4 + 60 * 5)  # = 0.25·4 + 0.75·3 = 3.25
    s2_a = (72 - 16**2 / 4) / 3  # = 8/3
    s2_b = (55 - 15**2 / 5) / 4  # = 2.5
    part_a = 0.25**2 * (1 - 4 / 100) * s2_a / 4  # = 0.04
    part_b = 0.75**2 * (1 - 5 / 300) * s2_b / 5  # = 0.2765625
    variance = part_a + part_b  # = 0.3165625
    df = variance**2 / (part_a**2 / 3 + part_b**2 / 4)  # Satterthwaite: 5.0985…, between 3 and 7
    t = 2.5557116192108058  # t_{0.975, 5.098530935806437}, mpmath
    assert estimate.kind == "mean"
    assert estimate.value == pytest.approx(3.25, abs=1e-12) == value
    assert estimate.se == pytest.approx(math.sqrt(variance), abs=1e-9)
    assert estimate.df == pytest.approx(df, abs=1e-9) and 3 < estimate.df < 7
    assert (estimate.low, estimate.high) == pytest.approx(
        (value - t * math.sqrt(variance), value + t * math.sqrt(variance)), abs=1e-9
    )
    assert estimate.margin == pytest.approx(t * math.sqrt(variance), abs=1e-9)
    assert estimate.n == 9 and not estimate.suppressed


def test_a_census_has_no_sampling_error():
    census = mean([Stratum(4, 4, 4, 16, 72), Stratum(5, 5, 5, 15, 55)])
    assert census.value == pytest.approx(31 / 9, abs=1e-12)  # everyone answered: the population's own mean
    assert census.low == census.high == census.value and census.se == 0 and census.margin == 0
    share = proportion([Stratum(40, 40, 40, 30, 30)])
    assert share.low == share.high == share.value == 0.75


def test_without_populations_the_strata_count_by_their_answers_and_no_fpc_applies():
    estimate = mean(two_strata_mean(100, None))
    value = 31 / 9  # equal weights: the plain mean of the nine answers
    part_a = (4 / 9) ** 2 * (8 / 3) / 4  # W_h = n_h / n, f_h = 4/100 is kept for the known stratum
    part_a *= 1 - 4 / 100
    part_b = (5 / 9) ** 2 * 2.5 / 5
    assert estimate.value == pytest.approx(value, abs=1e-12)
    assert estimate.se == pytest.approx(math.sqrt(part_a + part_b), abs=1e-9)


def test_unequal_selection_is_corrected_by_the_weights():
    # A: 80 of 100 respondents satisfied, sampled at 10 % of 1,000; B: 5 of 20, sampled at 2 % of 1,000
    strata = [Stratum(1000, 100, 100, 80, 80), Stratum(1000, 20, 20, 5, 5)]
    estimate = proportion(strata)
    raw = 85 / 120  # 70.8 %: B's people are under-represented five-fold
    weighted = (10 * 80 + 50 * 5) / (10 * 100 + 50 * 20)  # = 0.5·0.8 + 0.5·0.25 = 0.525
    variance = 0.5**2 * (1 - 0.1) * (100 * 0.8 * 0.2 / 99) / 100 + 0.5**2 * (1 - 0.02) * (20 * 0.25 * 0.75 / 19) / 20
    effective = weighted * (1 - weighted) / variance  # Kish: ≈ 41 of the 120 answers
    assert estimate.value == pytest.approx(0.525, abs=1e-12) == weighted
    assert raw - estimate.value > 0.18
    assert estimate.se == pytest.approx(math.sqrt(variance), abs=1e-9)
    assert (estimate.low, estimate.high) == pytest.approx(wilson(weighted * effective, effective), abs=1e-9)
    assert 89 < effective < 90 and estimate.df == math.inf  # the unequal weights cost a quarter of the 120 answers
    assert estimate.margin > simple_proportion(63, 120).margin  # wider than 120 equally weighted answers give


def test_a_domain_within_strata_uses_its_own_answers_and_the_stratum_sampling_fraction():
    # Channel "tổng đài" inside two provinces: 30 of the 60 respondents in A (N = 600), 10 of 40 in B (N = 200)
    strata = [Stratum(600, 60, 30, 24, 24), Stratum(200, 40, 10, 4, 4)]
    estimate = proportion(strata)
    sizes = (600 / 60 * 30, 200 / 40 * 10)  # N̂_h = w_h n_h = 300 and 50
    share = (300 * 24 / 30 + 50 * 4 / 10) / 350  # = (240 + 20) / 350
    part_a = (300 / 350) ** 2 * (1 - 60 / 600) * (30 * 0.8 * 0.2 / 29) / 30  # f_h = r_h / N_h = n_h / N̂_h
    part_b = (50 / 350) ** 2 * (1 - 40 / 200) * (10 * 0.4 * 0.6 / 9) / 10
    assert sum(sizes) == 350
    assert estimate.value == pytest.approx(share, abs=1e-12)
    assert estimate.se == pytest.approx(math.sqrt(part_a + part_b), abs=1e-12)
    assert estimate.n == 40


def test_one_stratum_is_the_simple_sample():
    estimate = simple_proportion(8, 10)
    # v = p(1−p)/(n−1), so Kish's n_eff is n − 1 = 9 (the s² of the sample has n − 1 below)
    assert estimate.value == 0.8 and estimate.se == pytest.approx(math.sqrt(0.8 * 0.2 / 9), abs=1e-12)
    assert (estimate.low, estimate.high) == pytest.approx(wilson(0.8 * 9, 9), abs=1e-12)
    with_fpc = simple_proportion(8, 10, population=20)  # f = ½ doubles n_eff to 18
    assert (with_fpc.low, with_fpc.high) == pytest.approx(wilson(0.8 * 18, 18), abs=1e-12)
    answers = [3, 4, 5, 4, 4, 5, 2, 4, 5, 4]
    scores = simple_mean(len(answers), sum(answers), sum(a * a for a in answers))
    sd = math.sqrt(sum((a - 4) ** 2 for a in answers) / 9)  # mean 4, s = √(8/9)
    assert scores.value == 4 and scores.df == 9
    assert scores.margin == pytest.approx(2.2621571627409915 * sd / math.sqrt(10), abs=1e-9)  # t_{0.975, 9}, mpmath


def test_no_answers_gives_a_suppressed_zero_not_an_error():
    for estimate in (simple_proportion(0, 0), simple_mean(0, 0, 0), proportion([Stratum(50, 0, 0, 0, 0)])):
        assert estimate.suppressed and estimate.n == 0
        assert estimate.value == 0 and not any(math.isnan(x) for x in (estimate.low, estimate.high, estimate.se))


def test_one_answer_is_suppressed_and_contributes_no_variance():
    single = simple_mean(1, 4, 16)
    assert single.suppressed and single.value == 4 and single.se == 0 and single.low == single.high == 4
    yes = simple_proportion(1, 1)
    assert yes.value == 1 and (yes.low, yes.high) == pytest.approx(wilson(1, 1), abs=1e-12)  # n_eff = n = 1
    # a stratum with one answer weighs in the value, not in the variance
    mixed = mean([Stratum(100, 4, 4, 16, 72), Stratum(100, 1, 1, 9, 81)])
    assert mixed.value == pytest.approx(0.5 * 4 + 0.5 * 9, abs=1e-12)
    assert mixed.se == pytest.approx(math.sqrt(0.25 * 0.96 * (8 / 3) / 4), abs=1e-12) and mixed.df == pytest.approx(3)


def test_all_or_none_answering_yes_still_has_an_interval():
    none = simple_proportion(0, 20)
    every = simple_proportion(20, 20)
    assert (none.low, none.high) == pytest.approx((0.0, 0.1611), abs=5e-5)  # n_eff = n when p(1−p) = 0
    assert (every.low, every.high) == pytest.approx((0.8389, 1.0), abs=5e-5)
    assert none.se == every.se == 0


def test_the_suppression_threshold_is_five_answers():
    assert simple_proportion(2, MIN_CELL - 1).suppressed
    assert not simple_proportion(2, MIN_CELL).suppressed


def test_inconsistent_counts_are_refused():
    with pytest.raises(ValueError):
        proportion([Stratum(10, 5, 6, 3, 3)])  # more answers than respondents
    with pytest.raises(ValueError):
        proportion([Stratum(4, 5, 5, 3, 3)])  # more respondents than people in the frame
    with pytest.raises(ValueError):
        proportion([Stratum(None, 5, 5, 6, 6)])  # more yes than answers


# --- Tests between groups --------------------------------------------------------------------------------------


def test_chi_square_on_a_two_by_three_table():
    test = chi_square([[20, 30, 50], [30, 30, 40]])
    # expected counts 25/30/45 in both rows: X² = 2·(25/25 + 0/30 + 25/45) = 3.1111
    assert test is not None and test.name == "Kiểm định χ² (Pearson)"
    assert test.statistic == pytest.approx(2 * (1 + 25 / 45), abs=1e-12)
    assert test.df == 2
    assert test.p_value == pytest.approx(0.21107208779109024, abs=1e-12)  # scipy chi2_contingency
    assert not test.significant
    other = chi_square([[12, 7, 3], [5, 9, 11]])
    assert other is not None and other.p_value == pytest.approx(0.02301723196792829, abs=1e-12) and other.significant


def test_chi_square_drops_empty_rows_and_columns_and_needs_two_by_two():
    assert chi_square([[20, 0, 30, 50], [0, 0, 0, 0], [30, 0, 30, 40]]) == chi_square([[20, 30, 50], [30, 30, 40]])
    assert chi_square([[20, 0], [30, 0]]) is None
    assert chi_square([[20, 30], [0, 0]]) is None
    assert chi_square([]) is None


def test_two_proportions_on_the_design_standard_errors():
    test = two_proportions(simple_proportion(60, 100), simple_proportion(45, 100))
    z = 0.15 / math.sqrt(0.6 * 0.4 / 99 + 0.45 * 0.55 / 99)  # = 2.1376
    assert test is not None and test.name == "Kiểm định z hai tỷ lệ"
    assert test.statistic == pytest.approx(z, abs=1e-12) and test.df == math.inf
    assert test.p_value == pytest.approx(0.03255117868894669, abs=1e-12) and test.significant  # scipy norm.sf
    assert two_proportions(simple_proportion(60, 100), simple_proportion(2, 4)) is None  # 4 answers: suppressed


def test_welch_matches_the_two_sample_t_of_unequal_variances():
    # group a: n = 10, mean 5, s = 1; group b: n = 12, mean 4, s = 1.5 (Σy² = (n − 1)s² + n·mean²)
    a = simple_mean(10, 50, 9 * 1 + 10 * 25)
    b = simple_mean(12, 48, 11 * 2.25 + 12 * 16)
    test = welch(a, b)
    assert test is not None and test.name == "Kiểm định t Welch"
    assert test.statistic == pytest.approx(1.8650096164806276, abs=1e-12)  # scipy ttest_ind_from_stats
    assert test.df == pytest.approx((0.1 + 0.1875) ** 2 / (0.1**2 / 9 + 0.1875**2 / 11), abs=1e-9)  # 19.19
    assert test.p_value == pytest.approx(0.07754643868205861, abs=1e-11)  # scipy
    assert not test.significant


def test_a_test_refuses_the_other_kind_of_estimate():
    with pytest.raises(ValueError):
        welch(simple_proportion(6, 10), simple_proportion(5, 10))
    with pytest.raises(ValueError):
        two_proportions(simple_mean(10, 50, 259), simple_mean(10, 40, 200))


def test_two_censuses_that_differ_differ_for_certain():
    test = two_proportions(simple_proportion(30, 40, population=40), simple_proportion(20, 40, population=40))
    assert test is not None and test.p_value == 0 and test.significant
    same = two_proportions(simple_proportion(30, 40, population=40), simple_proportion(30, 40, population=40))
    assert same is not None and same.p_value == 1


# --- Year over year --------------------------------------------------------------------------------------------


def test_the_change_of_a_share_has_newcombes_interval():
    # Newcombe (1998) Table II, example (a): 56/70 vs 48/80, method 10 gives 0.0524 to 0.3339
    def as_estimate(successes: int, n: int) -> Estimate:
        low, high = wilson(successes, n)
        return Estimate("proportion", successes / n, low, high, math.sqrt(successes / n * (1 - successes / n) / n), n, math.inf)

    change = difference(as_estimate(48, 80), as_estimate(56, 70))
    assert change.value == pytest.approx(0.2, abs=1e-12)
    assert (change.low, change.high) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert change.kind == "proportion" and change.n == 70
    assert points(change.value) == "tăng 20,00 điểm"


def test_the_change_of_a_mean_has_welchs_interval():
    before = simple_mean(12, 48, 11 * 2.25 + 12 * 16)
    after = simple_mean(10, 50, 9 * 1 + 10 * 25)
    change = difference(before, after)
    t = 2.0916183607469204  # t_{0.975, 19.190545987541217}, mpmath
    assert change.value == pytest.approx(1.0, abs=1e-12)
    assert change.margin == pytest.approx(t * math.sqrt(0.1 + 0.1875), abs=1e-9)
    assert change.low < 0 < change.high  # p = 0.078 above: the change is within the noise
    assert difference(after, before).value == pytest.approx(-1.0, abs=1e-12)  # the direction is after − before


def test_a_change_from_a_suppressed_cell_is_suppressed():
    assert difference(simple_proportion(2, 3), simple_proportion(50, 100)).suppressed
    assert not difference(simple_proportion(5, 10), simple_proportion(50, 100)).suppressed


def test_points_speak_the_agencys_way():
    assert points(0.0203) == "tăng 2,03 điểm"
    assert points(-0.005) == "giảm 0,50 điểm"
    assert points(0) == "không đổi"
    assert points(0.00004) == "không đổi"  # rounds to 0,00
    assert points(0.00125) == "tăng 0,13 điểm"  # half up, as the agency rounds
    assert points(-0.4) == "giảm 40,00 điểm"


# --- Ranks -----------------------------------------------------------------------------------------------------


def band(value: float, low: float, high: float) -> Estimate:
    return Estimate("proportion", value, low, high, 0.01, 100, math.inf)


def test_a_unit_is_last_only_when_its_interval_clears_the_others():
    ranges = rank_ranges([band(0.9, 0.86, 0.94), band(0.8, 0.75, 0.85), band(0.6, 0.55, 0.65)])
    assert ranges == [(1, 1), (2, 2), (3, 3)]
    touching = rank_ranges([band(0.9, 0.85, 0.95), band(0.8, 0.75, 0.85), band(0.6, 0.55, 0.65)])
    assert touching == [(1, 2), (1, 2), (3, 3)]  # the first two meet at 0.85: either could be first


def test_overlapping_intervals_share_their_ranks():
    ranges = rank_ranges([band(0.9, 0.85, 0.95), band(0.7, 0.62, 0.78), band(0.66, 0.60, 0.72)])
    assert ranges == [(1, 1), (2, 3), (2, 3)]  # nobody is called last
    assert rank_ranges([band(0.5, 0.4, 0.6)]) == [(1, 1)] and rank_ranges([]) == []


# --- Distributions (distributions.py against mpmath literals) ---------------------------------------------------


@pytest.mark.parametrize(
    ("df", "quantile"),
    [(10, 2.2281388519862742), (7.5, 2.3330396268649740), (1, 12.706204736174693), (math.inf, Z)],
)
def test_t_quantiles(df: float, quantile: float):
    assert t_quantile(0.975, df) == pytest.approx(quantile, rel=1e-12)
    assert t_quantile(0.025, df) == pytest.approx(-quantile, rel=1e-12)


def test_t_and_chi_square_tails():
    assert t_sf(2.1, 7.5) == pytest.approx(0.035618535729039080, rel=1e-11)
    assert t_sf(1.3, 3) == pytest.approx(0.14223375436394869, rel=1e-11)
    assert t_sf(-1.3, 3) == pytest.approx(1 - 0.14223375436394869, rel=1e-11)
    assert chi2_sf(3.2, 2) == pytest.approx(0.20189651799465539, rel=1e-11)
    assert chi2_sf(11.07, 5) == pytest.approx(0.050009618622405482, rel=1e-11)
    assert chi2_sf(0.7, 1) == pytest.approx(0.40278369424647570, rel=1e-11)
    assert chi2_sf(0, 3) == 1
