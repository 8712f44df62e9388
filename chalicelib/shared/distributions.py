"""Student's t and χ² tails for the survey statistics, in pure Python (no scipy at runtime).

The t survival function is the regularized incomplete beta, sf(t; ν) = ½·I_{ν/(ν+t²)}(ν/2, ½), and the χ² one the
regularized upper incomplete gamma, sf(x; k) = Q(k/2, x/2); both by the continued fractions of Numerical Recipes
(Press et al., 3rd ed. 2007, §6.2 and §6.4, modified Lentz). The t quantile solves sf(t) = α by safeguarded
Newton steps. Accuracy is ~1e-12 relative; tests/unit/test_stats.py compares against mpmath and scipy values
written as literals. Measured against the alternatives in README ("Survey statistics").
"""

from __future__ import annotations

import math
from statistics import NormalDist

_NORMAL = NormalDist()
_EPS = 1e-15
_TINY = 1e-300
_MAX_ITERATIONS = 10_000
_NORMAL_DF = 1e9  # beyond this the t is the normal to well under 1e-9


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def normal_quantile(q: float) -> float:
    """The z with P(Z ≤ z) = q."""
    return _NORMAL.inv_cdf(q)


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with df (fractional allowed, math.inf is the normal) degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if df >= _NORMAL_DF:
        return normal_sf(t)
    if math.isinf(t):
        return 0.0 if t > 0 else 1.0
    tail = 0.5 * _beta_regularized(df / (df + t * t), t * t / (df + t * t), df / 2.0, 0.5)
    return tail if t >= 0 else 1.0 - tail


def t_quantile(q: float, df: float) -> float:
    """The t with P(T ≤ t) = q for Student's t with df degrees of freedom."""
    if not 0.0 < q < 1.0:
        raise ValueError("a quantile needs 0 < q < 1")
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if df >= _NORMAL_DF:
        return normal_quantile(q)
    if q < 0.5:
        return -t_quantile(1.0 - q, df)
    alpha = 1.0 - q
    low, high = 0.0, max(1.0, normal_quantile(q))
    while t_sf(high, df) > alpha:  # bracket the root: sf falls from ½ at 0
        low, high = high, high * 2.0
    x = min(max(normal_quantile(q), low), high)
    for _ in range(200):
        gap = t_sf(x, df) - alpha  # decreasing in x
        if gap > 0:
            low = x
        else:
            high = x
        step = gap / _t_pdf(x, df)
        candidate = x + step
        if not low < candidate < high:  # Newton left the bracket: bisect
            candidate = (low + high) / 2.0
        if abs(candidate - x) <= 1e-14 * max(1.0, abs(x)):
            return candidate
        x = candidate
    return x


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for a χ² variable with df degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if x <= 0:
        return 1.0
    return _gamma_upper_regularized(df / 2.0, x / 2.0)


def _t_pdf(t: float, df: float) -> float:
    log_density = (
        math.lgamma((df + 1.0) / 2.0)
        - math.lgamma(df / 2.0)
        - 0.5 * math.log(df * math.pi)
        - (df + 1.0) / 2.0 * math.log1p(t * t / df)
    )
    return math.exp(log_density)


def _beta_regularized(x: float, y: float, a: float, b: float) -> float:
    """I_x(a, b) with y = 1 − x given exactly, Numerical Recipes' betai: the fraction on the side that converges."""
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log(y) - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(y, b, a) / b


def _log_beta(a: float, b: float) -> float:
    """ln B(a, b); for a large t's df the lgamma difference is taken by Stirling's series, which does not cancel."""
    small, large = min(a, b), max(a, b)
    if large < 10.0:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    # lgamma(L) − lgamma(L + s) = −(L − ½)·ln(1 + s/L) − s·ln(L + s) + s + δ(L) − δ(L + s)
    difference = -(large - 0.5) * math.log1p(small / large) - small * math.log(large + small) + small
    return math.lgamma(small) + difference + _stirling_remainder(large) - _stirling_remainder(large + small)


def _stirling_remainder(x: float) -> float:
    """δ(x) = lgamma(x) − ((x − ½)·ln x − x + ½·ln 2π), by its asymptotic series (error < 1e-16 for x ≥ 10)."""
    inverse = 1.0 / x
    square = inverse * inverse
    return inverse * (1 / 12 - square * (1 / 360 - square * (1 / 1260 - square / 1680)))


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of the incomplete beta (modified Lentz)."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    fraction = d
    for m in range(1, _MAX_ITERATIONS + 1):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + numerator / c
            c = c if abs(c) > _TINY else _TINY
            delta = c * d
            fraction *= delta
        if abs(delta - 1.0) < _EPS:
            return fraction
    raise ArithmeticError("incomplete beta did not converge")


def _gamma_upper_regularized(a: float, x: float) -> float:
    """Q(a, x) = 1 − P(a, x): the series below a + 1, the continued fraction above (Numerical Recipes' gammq)."""
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        for n in range(1, _MAX_ITERATIONS + 1):
            term *= x / (a + n)
            total += term
            if abs(term) < abs(total) * _EPS:
                return 1.0 - total * math.exp(log_front)
        raise ArithmeticError("incomplete gamma series did not converge")
    b = x + 1.0 - a
    c, d = 1.0 / _TINY, 1.0 / b
    fraction = d
    for i in range(1, _MAX_ITERATIONS + 1):
        numerator = -i * (i - a)
        b += 2.0
        d = numerator * d + b
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + numerator / c
        c = c if abs(c) > _TINY else _TINY
        delta = c * d
        fraction *= delta
        if abs(delta - 1.0) < _EPS:
            return math.exp(log_front) * fraction
    raise ArithmeticError("incomplete gamma fraction did not converge")
