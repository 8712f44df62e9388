"""Survey statistics: what the t and χ² tails cost to import and to call, pure Python vs mpmath vs scipy (issue 10).

Import: a fresh interpreter per run that has imported `app` already (what the function loads at cold start) and
then times `import X`, 7 runs of each after an untimed one that writes the bytecode caches, interleaved, medians.
scipy is not in the project's environment (it is no dependency); set SCIPY_PYTHON to an interpreter that has it to
measure it too (that one times it without `app`, which it cannot import). Calls: the 97.5 % t quantile at
df = 37.4 (the interval of a stratified mean) and a 63-province stratified share (`proportion`), each timed over
2,000 calls in this process; mpmath's quantile is its `findroot` on `betainc`, the way one would use it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .report import Section, median, table

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
CALLS = 2_000
MODULES = ("chalicelib.shared.stats", "mpmath", "scipy.stats")


def _import_ms(python: str, module: str) -> float:
    warm = "import app; " if python == sys.executable else ""  # what a warm Lambda has loaded already
    probe = f"{warm}import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
    done = subprocess.run([python, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _imports() -> dict[str, float | None]:
    pythons = {"chalicelib.shared.stats": sys.executable, "mpmath": sys.executable}
    pythons["scipy.stats"] = os.environ.get("SCIPY_PYTHON", sys.executable)
    runnable = {}
    for module, python in pythons.items():
        try:
            _import_ms(python, module)  # untimed: writes the bytecode caches
            runnable[module] = python
        except (subprocess.CalledProcessError, FileNotFoundError):
            continue
    times: dict[str, list[float]] = {m: [] for m in runnable}
    for _ in range(RUNS):
        for module, python in runnable.items():
            times[module].append(_import_ms(python, module))
    return {m: (median(times[m]) if m in times else None) for m in MODULES}


def _size_mb(python: str, packages: tuple[str, ...]) -> str:
    """The packages' installed size with their bundled libraries, or "not installed"."""
    probe = (
        "import importlib, pathlib, sys\n"
        "total = 0\n"
        f"for name in {packages!r}:\n"
        "    home = pathlib.Path(importlib.import_module(name).__file__).parent\n"
        "    for folder in (home, home.with_name(name + '.libs')):\n"
        "        total += sum(f.stat().st_size for f in folder.rglob('*') if f.is_file()) if folder.exists() else 0\n"
        "print(total)"
    )
    try:
        done = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    except (subprocess.CalledProcessError, FileNotFoundError):
        return "not installed"
    return f"{int(done.stdout.strip()) / 1e6:,.0f} MB"


def _per_call_us(call: object, calls: int = CALLS) -> float:
    assert callable(call)
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def run() -> Section:
    """Measure and report."""
    import mpmath

    from chalicelib.shared.distributions import t_quantile
    from chalicelib.shared.stats import Stratum, proportion

    section = Section("Survey statistics: t and χ² tails, pure Python vs mpmath vs scipy")
    started = time.perf_counter()
    imports = _imports()
    strata = [Stratum(20_000 + 500 * h, 150 + h, 140 + h, 100 + h // 2, 100 + h // 2) for h in range(63)]

    def mpmath_quantile() -> float:
        sf = lambda t: 0.5 * mpmath.betainc(18.7, 0.5, 0, 37.4 / (37.4 + t * t), regularized=True) - 0.025  # noqa: E731
        return float(mpmath.findroot(sf, 2.0))

    ours, theirs = t_quantile(0.975, 37.4), mpmath_quantile()
    if abs(ours - theirs) > 1e-9:
        section.failures.append(f"t quantile: {ours!r} here, {theirs!r} by mpmath")
    calls = {
        "`t_quantile(0.975, 37.4)`, pure Python": _per_call_us(lambda: t_quantile(0.975, 37.4)),
        "the same by mpmath (`findroot` on `betainc`)": _per_call_us(mpmath_quantile, 200),
        "`proportion` over 63 strata": _per_call_us(lambda: proportion(strata)),
    }
    rows = [[f"`import {m}`", "not installed" if ms is None else f"{ms:.1f}"] for m, ms in imports.items()]
    section.add(
        "Cold-start cost of each way to get the t and χ² tails (median import wall ms on top of `import app`):",
        "",
        *table(["Import", "ms"], rows, ["l", "r"]),
        "",
        "Cost per call in a warm process (µs, mean over the calls):",
        "",
        *table(["Call", "µs"], [[name, f"{us:,.1f}"] for name, us in calls.items()], ["l", "r"]),
        "",
        f"Installed size: mpmath {_size_mb(sys.executable, ('mpmath',))}, scipy with numpy "
        f"{_size_mb(os.environ.get('SCIPY_PYTHON', sys.executable), ('scipy', 'numpy'))} (their directories and "
        "bundled `.libs`); the pure-Python module adds nothing. The module's t quantile agrees with mpmath's to "
        f"{abs(ours - theirs):.1e}.",
    )
    section.seconds = time.perf_counter() - started
    return section
