"""Sample size, allocation, the draw and replacement, against figures computed by hand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.surveys.sampling import (
    MAIN,
    RESERVE,
    YAMANE,
    Contact,
    Person,
    ReservePolicy,
    SamplingError,
    allocate,
    draw,
    margin_of_error,
    sample_size,
    stratum_key,
    z_score,
)

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


# --- size -------------------------------------------------------------------------------------------------------


def test_cochran_with_the_finite_population_correction_and_yamane_for_ten_thousand() -> None:
    # n0 = 1.959964² · 0.25 / 0.0025 = 384.15 → 385; n = 384.15 / (1 + 383.15/10000) = 369.98 → 370;
    # Yamane: 10000 / (1 + 10000 · 0.0025) = 384.6 → 385.
    size = sample_size(population=10_000, margin=0.05, confidence=95, proportion=0.5)
    assert (size.cochran_infinite, size.cochran, size.yamane) == (385, 370, 385)
    assert size.n == 370 and size.method == "cochran"
    assert sample_size(population=10_000, margin=0.05, method=YAMANE).n == 385


@pytest.mark.parametrize(
    ("confidence", "z", "n0"),
    [
        (90, 1.644854, 271),  # 1.644854² · 0.25 / 0.0025 = 270.6
        (99, 2.575829, 664),  # 2.575829² · 0.25 / 0.0025 = 663.5
    ],
)
def test_other_confidence_levels(confidence: int, z: float, n0: int) -> None:
    assert z_score(confidence) == pytest.approx(z, abs=1e-6)
    assert sample_size(population=10**9, margin=0.05, confidence=confidence).cochran_infinite == n0


def test_an_expected_proportion_away_from_a_half_needs_fewer() -> None:
    # 1.959964² · 0.2 · 0.8 / 0.03² = 682.9 → 683; FPC on N = 2000: 682.9 / (1 + 681.9/2000) = 509.3 → 510.
    size = sample_size(population=2000, margin=0.03, proportion=0.2)
    assert (size.cochran_infinite, size.cochran) == (683, 510)


def test_a_tiny_population_is_never_asked_for_more_than_it_holds() -> None:
    size = sample_size(population=20, margin=0.01)
    assert size.cochran <= 20 and size.yamane <= 20


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"population": 0, "margin": 0.05}, "population"),
        ({"population": 100, "margin": 0.5}, "margin"),
        ({"population": 100, "margin": 0.0}, "margin"),
        ({"population": 100, "margin": 0.05, "proportion": 1.0}, "proportion"),
        ({"population": 100, "margin": 0.05, "confidence": 80}, "confidence"),
    ],
)
def test_bad_inputs_name_their_field(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(SamplingError) as caught:
        sample_size(**kwargs)  # type: ignore[arg-type]
    assert field in caught.value.fields and caught.value.status == 422


def test_the_margin_a_sample_achieves_is_the_inverse_of_the_size() -> None:
    # 370 of 10,000 at 95 %: 1.959964 · √(0.25/370 · 9630/9999) = 0.04999
    assert margin_of_error(n=370, population=10_000) == pytest.approx(0.04999, abs=5e-5)
    assert margin_of_error(n=100, population=100) == 0.0  # a census has no sampling error
    with pytest.raises(SamplingError):
        margin_of_error(n=101, population=100)


# --- allocation -------------------------------------------------------------------------------------------------


def test_proportional_allocation_rounds_by_largest_remainder_to_the_exact_total() -> None:
    # shares of 10 over 500/300/200: 5, 3, 2 exactly; over 7: 3.5, 2.1, 1.4 → floors 3, 2, 1 + the largest remainder (a).
    assert allocate({"a": 500, "b": 300, "c": 200}, n=10).sizes == {"a": 5, "b": 3, "c": 2}
    assert allocate({"a": 500, "b": 300, "c": 200}, n=7).sizes == {"a": 4, "b": 2, "c": 1}


def test_a_minimum_per_stratum_is_given_before_the_rest_is_shared() -> None:
    # 100 over 9000/900/100: c's share 1 < 10 → c = 10; the 90 left over 9000/900: 81.8, 8.2 → b's 8.2 < 10 → b = 10;
    # a gets the 80 left.
    allocation = allocate({"a": 9000, "b": 900, "c": 100}, n=100, minimum=10)
    assert allocation.sizes == {"a": 80, "b": 10, "c": 10} and allocation.total == 100 and not allocation.grown


def test_a_minimum_never_exceeds_what_the_stratum_holds() -> None:
    assert allocate({"a": 1000, "small": 3}, n=50, minimum=10).sizes == {"a": 47, "small": 3}


def test_minimums_that_exceed_n_win_and_the_sample_grows() -> None:
    allocation = allocate({"a": 100, "b": 100, "c": 100, "d": 2}, n=20, minimum=10)
    assert allocation.sizes == {"a": 10, "b": 10, "c": 10, "d": 2}
    assert allocation.total == 32 and allocation.requested == 20 and allocation.grown


def test_a_sample_larger_than_the_population_is_refused() -> None:
    with pytest.raises(SamplingError) as caught:
        allocate({"a": 5}, n=6)
    assert "n" in caught.value.fields


def test_strata_are_the_joined_values_of_the_chosen_dimensions() -> None:
    attributes = {"province": "hanoi", "channel": "hotline", "group": "nld"}
    assert stratum_key(attributes, ("province", "channel", "group")) == "hanoi|hotline|nld"
    assert stratum_key(attributes, ()) == "all"
    assert stratum_key({"province": "hue"}, ("province", "group")) == "hue|unknown"


# --- the draw ---------------------------------------------------------------------------------------------------


def _frame(size: int, provinces: Sequence[str] = ("hanoi", "hue")) -> list[Person]:
    return [
        Person(f"k{i:06d}", Contact(email=f"p{i}@example.vn"), {"province": provinces[i % len(provinces)]}) for i in range(size)
    ]


def test_the_same_seed_and_frame_draw_the_same_sample_and_another_seed_another() -> None:
    frame = _frame(2000)
    sizes = {"hanoi": 30, "hue": 20}
    first = draw(seed="seed-1", rows=lambda: frame, by=["province"], allocation=sizes)
    again = draw(seed="seed-1", rows=lambda: list(reversed(frame)), by=["province"], allocation=sizes)
    other = draw(seed="seed-2", rows=lambda: frame, by=["province"], allocation=sizes)
    assert first.members == again.members, "the frame's order does not matter, only its rows and the seed"
    assert {m.person_key for m in first.members} != {m.person_key for m in other.members}


def test_each_stratum_gets_its_main_members_then_its_reserves_in_rank_order() -> None:
    sample = draw(seed="s", rows=lambda: _frame(2000), by=["province"], allocation={"hanoi": 30, "hue": 5})
    roles = Counter((m.stratum, m.role) for m in sample.members)
    # reserves: ⌈0.5 · 30⌉ = 15; ⌈0.5 · 5⌉ = 3
    assert roles == {("hanoi", MAIN): 30, ("hanoi", RESERVE): 15, ("hue", MAIN): 5, ("hue", RESERVE): 3}
    hanoi = [m for m in sample.members if m.stratum == "hanoi"]
    assert [m.rank for m in hanoi] == list(range(1, 46))
    assert all(m.attributes["province"] == "hanoi" for m in hanoi)
    assert len({m.id for m in sample.members}) == len(sample.members)


def test_a_small_stratum_gives_what_it_has_and_at_least_two_reserves_when_it_can() -> None:
    sample = draw(seed="s", rows=lambda: _frame(9), by=[], allocation={"all": 3}, reserves=ReservePolicy(ratio=0.1, minimum=2))
    assert [m.role for m in sample.members] == [MAIN] * 3 + [RESERVE] * 2
    tiny = draw(seed="s", rows=lambda: _frame(4), by=[], allocation={"all": 3})
    assert [m.role for m in tiny.members] == [MAIN] * 3 + [RESERVE]  # only one row left for a reserve


def test_the_draw_is_a_fair_lottery_over_many_seeds() -> None:
    frame = _frame(20, provinces=("x",))
    picked = Counter(
        m.person_key
        for s in range(2000)
        for m in draw(seed=f"{s}", rows=lambda: frame, by=[], allocation={"all": 5}, reserves=ReservePolicy(0, 0)).members
    )
    # each of 20 people is picked with probability 5/20: 500 times in 2000 draws, give or take ~4 standard deviations
    assert all(420 <= count <= 580 for count in picked.values()) and len(picked) == 20


class RecordingLog:
    """A contact log over a set of recently surveyed people, recording each batch it is asked."""

    def __init__(self, recent: set[str]) -> None:
        self._recent = recent
        self.batches: list[int] = []

    def recent(self, person_keys: Sequence[str], *, since: datetime) -> set[str]:
        self.batches.append(len(person_keys))
        return {k for k in person_keys if k in self._recent}


def test_people_surveyed_recently_are_left_out_counted_and_replaced_from_the_same_stratum() -> None:
    frame = _frame(1000)
    plain = draw(seed="s", rows=lambda: frame, by=["province"], allocation={"hanoi": 10, "hue": 10})
    surveyed = {m.person_key for m in plain.members if m.stratum == "hanoi"}  # every hanoi member, mains and reserves
    log = RecordingLog(surveyed)
    sample = draw(
        seed="s",
        rows=lambda: frame,
        by=["province"],
        allocation={"hanoi": 10, "hue": 10},
        contacts=log,
        since=NOW - timedelta(days=90),
    )
    hanoi = [m for m in sample.members if m.stratum == "hanoi"]
    assert len(hanoi) == 15 and not {m.person_key for m in hanoi} & surveyed
    assert sample.strata["hanoi"].excluded == 15 and sample.excluded == 15
    assert [m for m in sample.members if m.stratum == "hue"] == [m for m in plain.members if m.stratum == "hue"]
    assert max(log.batches) <= 100


def test_skips_beyond_the_first_pass_read_the_frame_again_rather_than_starve_the_stratum() -> None:
    frame = _frame(500, provinces=("x",))
    ordered = draw(seed="s", rows=lambda: frame, by=[], allocation={"all": 300}, reserves=ReservePolicy(0, 0))
    surveyed = {m.person_key for m in ordered.members[:250]}  # the 250 best priorities: more than one pass keeps
    passes = []

    def rows() -> list[Person]:
        passes.append(1)
        return frame

    sample = draw(
        seed="s",
        rows=rows,
        by=[],
        allocation={"all": 20},
        reserves=ReservePolicy(0, 0),
        contacts=RecordingLog(surveyed),
        since=NOW,
    )
    assert len(sample.members) == 20 and sample.excluded == 250 and len(passes) > 2
    assert [m.person_key for m in sample.members] == [m.person_key for m in ordered.members[250:270]]


def test_a_stratum_that_runs_out_says_how_many_it_got() -> None:
    frame = _frame(10, provinces=("x",))
    log = RecordingLog({p.person_key for p in frame[:8]})
    sample = draw(seed="s", rows=lambda: frame, by=[], allocation={"all": 5}, contacts=log, since=NOW)
    assert sample.strata["all"].main == 2 and sample.strata["all"].reserves == 0 and sample.excluded == 8


def test_an_empty_stratum_gets_nothing_and_the_total_stays_exact() -> None:
    assert allocate({"a": 10, "b": 0, "c": 30}, n=8, minimum=1).sizes == {"a": 2, "b": 0, "c": 6}


@pytest.mark.parametrize("n", [1, 7, 50, 99, 100])
def test_the_total_is_exact_whatever_the_sizes_and_minimums(n: int) -> None:
    strata = {"a": 1, "b": 2, "c": 3, "d": 44, "e": 50}
    allocation = allocate(strata, n=n, minimum=3)
    assert all(allocation.sizes[s] <= size for s, size in strata.items())
    assert allocation.total == max(n, sum(min(3, size) for size in strata.values()))
