"""Survey statistics: stratified estimates with 95 % intervals, tests between groups, changes and ranks.

Method (surveys, issue 10; reports and KPIs, issue 11):

- Estimate. Hájek's weighted estimate over strata, ȳ = Σ w_h t_h / Σ w_h n_h, with t_h the total of y over the
  n_h valid answers in stratum h and w_h = N_h / r_h (the frame's people over everyone who answered in the
  stratum) when every stratum's N_h is known, else w_h = 1 (Cochran 1977, ch. 5, stratified random sampling). With
  one stratum this is the plain mean or share. A domain (a channel inside province strata) uses the same formula
  with its own n_h, and its size in the stratum is estimated as N̂_h = w_h n_h.
- Variance (Cochran 1977, ch. 5): v = Σ W_h² (1 − f_h) s_h² / n_h with W_h = N̂_h / Σ N̂, s_h² the stratum's
  sample variance (n_h − 1 denominator) and f_h = r_h / N_h the stratum's sampling fraction (0 when N_h is
  unknown). That is n_h / N̂_h, and n_h / N_h when everyone in the stratum answered the item. Approximation: the
  domain sizes N̂_h are treated as known. That is exact for the whole population when everyone answered the item;
  for a domain it leaves out the variance of the estimated sizes (the ratio-estimator term), so a domain spread
  unevenly over the strata gets a slightly narrow interval. A stratum with n_h = 1 has no variance of its own and
  contributes 0; a stratum with n_h = 0 contributes nothing. A census (r_h = N_h in every stratum) has v = 0: its
  interval is the point itself.
- Proportion interval: Wilson's score interval (Wilson 1927) on Kish's effective sample size (Kish 1965, the design
  effect) n_eff = p(1 − p) / v, which is (n − 1) / (1 − f) for one stratum; when p is 0 or 1 or v is 0,
  n_eff = n / (1 − f̄) with f̄ = Σ W_h f_h (infinite for a census). Degrees of freedom: math.inf (a z interval).
- Mean interval: ȳ ± t_df √v with Satterthwaite's effective degrees of freedom for a stratified mean (Satterthwaite
  1946; Cochran 1977, ch. 5, confidence limits), chosen over Σ (n_h − 1) because strata of unequal variance and
  weight carry fewer degrees of freedom than their answers: df = (Σ a_h s_h²)² / Σ (a_h s_h²)² / (n_h − 1) with
  a_h = W_h² (1 − f_h) / n_h. It is n − 1 for one stratum and lies between the smallest n_h − 1 and Σ (n_h − 1);
  it falls back to Σ (n_h − 1) when v is 0 (then the interval is the point anyway).
- Tests: Pearson's χ² on the unweighted counts of a groups × options table (no design correction: a Rao–Scott
  adjustment would be the next step for strongly weighted tables); the z test of two proportions on the two design
  standard errors (unpooled); Welch's t with the Welch–Satterthwaite df from each estimate's se and df (Welch 1947).
- Change between two rounds: for shares Newcombe's hybrid score interval (Newcombe 1998, method 10) from the two
  Wilson intervals, for means Welch's interval. Both estimates must have been computed at the same confidence.
- Ranks: a unit's best rank counts the others whose interval lies wholly above its own, its worst rank the others
  not wholly below; a unit is called last only when its range is (len, len). Cells under MIN_CELL answers are
  suppressed (the value is still computed, the page hides it).

The t and χ² tails are in distributions.py (pure Python; README "Survey statistics" has the measurements).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from chalicelib.shared.distributions import chi2_sf, normal_quantile, normal_sf, t_quantile, t_sf

CONFIDENCE = 0.95
MIN_CELL = 5  # fewer respondents than this: the figure is suppressed
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Stratum:
    """One stratum's data for one estimate (a domain within the stratum)."""

    population: int | None  # N_h, people in the stratum's frame; None = unknown (no FPC, weight by n)
    respondents: int  # r_h: everyone who answered in the stratum (the weight is N_h / r_h)
    n: int  # valid answers to this item in the domain within the stratum
    total: float  # Σ y over those n (y ∈ {0,1} for a proportion, any number for a mean)
    squares: float  # Σ y²


@dataclass(frozen=True)
class Estimate:
    """A weighted share or mean with its interval (khoảng tin cậy) and design standard error."""

    kind: Literal["proportion", "mean"]
    value: float  # the weighted estimate (a share 0–1, or a mean)
    low: float
    high: float
    se: float  # design standard error (with the FPC)
    n: int  # valid answers behind it (Σ n_h)
    df: float  # degrees of freedom of the t interval (math.inf when z)

    @property
    def margin(self) -> float:
        """Half the interval's width: the "sai số" shown beside the figure."""
        return (self.high - self.low) / 2.0

    @property
    def suppressed(self) -> bool:
        """Too few answers to show (fewer than MIN_CELL)."""
        return self.n < MIN_CELL


@dataclass(frozen=True)
class Test:
    """A test's result as a footnote shows it (kiểm định)."""

    name: str
    statistic: float
    df: float
    p_value: float

    @property
    def significant(self) -> bool:
        """The difference is significant at 5 %."""
        return self.p_value < SIGNIFICANCE


def wilson(successes: float, n: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson's score interval for successes out of n (n may be fractional, e.g. an effective n; n = 0 gives (0, 1))."""
    if not 0 <= successes <= n < math.inf:
        raise ValueError("Wilson needs 0 ≤ successes ≤ n < ∞")
    if n == 0:
        return 0.0, 1.0
    z = _z(confidence)
    share = successes / n
    spread = z * z / n
    centre = (share + spread / 2.0) / (1.0 + spread)
    half = z / (1.0 + spread) * math.sqrt(share * (1.0 - share) / n + spread / (4.0 * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(strata: Sequence[Stratum], confidence: float = CONFIDENCE) -> Estimate:
    """The weighted share with its Wilson interval on Kish's effective sample size."""
    design = _Design(strata, proportion=True)
    share, v = design.value, design.variance
    if v > 0 and 0.0 < share < 1.0:
        effective = share * (1.0 - share) / v
    else:
        effective = math.inf if design.fraction >= 1.0 else design.n / (1.0 - design.fraction)
    low, high = (share, share) if math.isinf(effective) else wilson(share * effective, effective, confidence)
    return Estimate("proportion", share, low, high, math.sqrt(v), design.n, math.inf)


def mean(strata: Sequence[Stratum], confidence: float = CONFIDENCE) -> Estimate:
    """The weighted mean with its t interval on Satterthwaite's degrees of freedom."""
    design = _Design(strata, proportion=False)
    se, df = math.sqrt(design.variance), design.df
    half = t_quantile(_upper(confidence), df) * se if se > 0 and df > 0 else 0.0
    return Estimate("mean", design.value, design.value - half, design.value + half, se, design.n, df)


def simple_proportion(successes: int, n: int, population: int | None = None) -> Estimate:
    """The share of one simple random sample (one stratum, everyone sampled answered)."""
    return proportion([Stratum(population, n, n, successes, successes)])


def simple_mean(n: int, total: float, squares: float, population: int | None = None) -> Estimate:
    """The mean of one simple random sample (one stratum, everyone sampled answered)."""
    return mean([Stratum(population, n, n, total, squares)])


def chi_square(table: Sequence[Sequence[int]]) -> Test | None:
    """Pearson's χ² of independence for groups (rows) × options (columns); None when under 2×2 after empties go."""
    if any(cell < 0 for row in table for cell in row) or len({len(row) for row in table}) > 1:
        raise ValueError("a χ² table needs rows of the same length and counts ≥ 0")
    rows = [list(row) for row in table if sum(row) > 0]
    kept = [j for j in range(len(rows[0])) if sum(row[j] for row in rows) > 0] if rows else []
    rows = [[row[j] for j in kept] for row in rows]
    if len(rows) < 2 or len(kept) < 2:
        return None
    grand = sum(map(sum, rows))
    columns = [sum(row[j] for row in rows) for j in range(len(kept))]
    statistic = sum(
        (cell - sum(row) * columns[j] / grand) ** 2 / (sum(row) * columns[j] / grand)
        for row in rows
        for j, cell in enumerate(row)
    )
    df = (len(rows) - 1) * (len(kept) - 1)
    return Test("Kiểm định χ² (Pearson)", statistic, df, chi2_sf(statistic, df))


def two_proportions(a: Estimate, b: Estimate) -> Test | None:
    """The z test of two independent shares on their design standard errors; None if either is suppressed."""
    _require_kind("proportion", a, b)
    if a.suppressed or b.suppressed:
        return None
    z = _ratio(a.value - b.value, math.hypot(a.se, b.se))
    return Test("Kiểm định z hai tỷ lệ", z, math.inf, min(1.0, 2.0 * normal_sf(abs(z))))


def welch(a: Estimate, b: Estimate) -> Test | None:
    """Welch's t of two independent means from each se and df; None if either is suppressed."""
    _require_kind("mean", a, b)
    if a.suppressed or b.suppressed:
        return None
    df = _welch_df(a, b)
    t = _ratio(a.value - b.value, math.hypot(a.se, b.se))
    return Test("Kiểm định t Welch", t, df, min(1.0, 2.0 * t_sf(abs(t), df)) if df > 0 else 1.0)


def difference(before: Estimate, after: Estimate, confidence: float = CONFIDENCE) -> Estimate:
    """after − before with its interval (shares: Newcombe's method 10 on the estimates' own intervals; means: Welch)."""
    if before.kind != after.kind:
        raise ValueError("a change compares two estimates of the same kind")
    change, se, n = after.value - before.value, math.hypot(before.se, after.se), min(before.n, after.n)
    if after.kind == "proportion":
        low = change - math.hypot(after.value - after.low, before.high - before.value)
        high = change + math.hypot(after.high - after.value, before.value - before.low)
        return Estimate("proportion", change, low, high, se, n, math.inf)
    df = _welch_df(before, after)
    half = t_quantile(_upper(confidence), df) * se if se > 0 and df > 0 else 0.0
    return Estimate("mean", change, change - half, change + half, se, n, df)


def rank_ranges(estimates: Sequence[Estimate]) -> list[tuple[int, int]]:
    """For each estimate the best and worst rank (1 = highest value) its interval allows."""
    ranges = []
    for i, unit in enumerate(estimates):
        others = [other for j, other in enumerate(estimates) if j != i]
        above = sum(1 for other in others if other.low > unit.high)
        below = sum(1 for other in others if other.high < unit.low)
        ranges.append((1 + above, len(estimates) - below))
    return ranges


def points(change: float) -> str:
    """A change of a share in percentage points the agency's way: 0.0203 → "tăng 2,03 điểm"."""
    rounded = Decimal(repr(change * 100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded == 0:
        return "không đổi"
    return f"{'tăng' if rounded > 0 else 'giảm'} {str(abs(rounded)).replace('.', ',')} điểm"


class _Design:
    """The weighted estimate, its variance, sampling fraction and df over the strata (see the module docstring)."""

    def __init__(self, strata: Sequence[Stratum], *, proportion: bool) -> None:
        for stratum in strata:
            _check(stratum, proportion=proportion)
        weighted = all(s.population is not None for s in strata)
        weights = [_weight(s) if weighted else 1.0 for s in strata]
        sizes = [w * s.n for w, s in zip(weights, strata, strict=True)]  # N̂_h
        size = sum(sizes)
        self.n = sum(s.n for s in strata)
        self.value = sum(w * s.total for w, s in zip(weights, strata, strict=True)) / size if size else 0.0
        self.fraction = 0.0  # f̄ = Σ W_h f_h
        parts: list[float] = []
        denominators: list[float] = []
        pooled_df = 0
        for stratum, stratum_size in zip(strata, sizes, strict=True):
            if stratum.n == 0:
                continue
            share = stratum_size / size
            fraction = stratum.respondents / stratum.population if stratum.population else 0.0
            self.fraction += share * fraction
            if stratum.n < 2:
                continue  # no variance of its own: contributes 0
            part = share * share * (1.0 - fraction) * _sample_variance(stratum, proportion=proportion) / stratum.n
            parts.append(part)
            denominators.append(part * part / (stratum.n - 1))
            pooled_df += stratum.n - 1
        self.variance = sum(parts)
        self.df = self.variance**2 / sum(denominators) if self.variance > 0 else float(pooled_df)


def _check(stratum: Stratum, *, proportion: bool) -> None:
    if not 0 <= stratum.n <= stratum.respondents:
        raise ValueError("a stratum needs 0 ≤ n ≤ respondents")
    if stratum.population is not None and stratum.respondents > stratum.population:
        raise ValueError("a stratum cannot have more respondents than people in its frame")
    if proportion and not 0 <= stratum.total <= stratum.n:
        raise ValueError("a share needs 0 ≤ total ≤ n")


def _weight(stratum: Stratum) -> float:
    return stratum.population / stratum.respondents if stratum.population and stratum.respondents else 0.0


def _sample_variance(stratum: Stratum, *, proportion: bool) -> float:
    squares = stratum.total if proportion else stratum.squares  # y ∈ {0, 1}: Σ y² = Σ y
    deviations = squares - stratum.total * stratum.total / stratum.n
    return max(0.0, deviations / (stratum.n - 1))  # max: rounding can leave −1e-17 for constant answers


def _welch_df(a: Estimate, b: Estimate) -> float:
    va, vb = a.se * a.se, b.se * b.se
    denominator = (va * va / a.df if a.df > 0 else 0.0) + (vb * vb / b.df if b.df > 0 else 0.0)
    return (va + vb) ** 2 / denominator if denominator > 0 else a.df + b.df


def _ratio(difference: float, se: float) -> float:
    if se > 0:
        return difference / se
    return 0.0 if difference == 0 else math.copysign(math.inf, difference)  # no sampling error: exact


def _require_kind(kind: str, *estimates: Estimate) -> None:
    if any(e.kind != kind for e in estimates):
        raise ValueError(f"this test compares two estimates of kind {kind}")


def _upper(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1")
    return 1.0 - (1.0 - confidence) / 2.0


def _z(confidence: float) -> float:
    return normal_quantile(_upper(confidence))
