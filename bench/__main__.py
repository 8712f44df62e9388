"""Run every benchmark (or the ones named on the command line) and write bench/results.md when all ran.

`--scale` re-measures the request lists at 1,000 and 100,000 requests (about 18 min on 2 cores); without it,
`requests_scale` reports the run recorded in bench/requests_scale.json (or measures when there is none).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import cold_start, dynamo_calls, local_concurrency, requests_calls, requests_scale
from .report import Section, machine_facts

BENCHMARKS: dict[str, Callable[[], Section]] = {
    "cold_start": cold_start.run,
    "dynamo_calls": dynamo_calls.run,
    "requests_calls": requests_calls.run,
    "requests_scale": requests_scale.run,
    "local_concurrency": local_concurrency.run,
}
FLAGS = ("--scale",)
RESULTS = Path(__file__).resolve().parent / "results.md"


def main(argv: list[str]) -> int:
    """Run, print, write; the exit status is 0 even when a finding failed (these are measurements, not tests)."""
    flags = [a for a in argv if a.startswith("--")]
    names = [a for a in argv if not a.startswith("--")] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS] + [f for f in flags if f not in FLAGS]
    if unknown:
        print(
            f"unknown benchmark(s) or flag(s): {', '.join(unknown)}; choose from {', '.join([*BENCHMARKS, *FLAGS])}",
            file=sys.stderr,
        )
        return 2
    benchmarks = dict(BENCHMARKS)
    if "--scale" in flags:
        benchmarks["requests_scale"] = lambda: requests_scale.run(measure_now=True)
    started = time.perf_counter()
    facts = machine_facts()
    sections = []
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        sections.append(benchmarks[name]())
    failures = [f for s in sections for f in s.failures]
    total = time.perf_counter() - started
    parts = [
        "# Benchmark results",
        "",
        "Written by `python -m bench` (run from the repository root with `.venv/bin/python`); do not edit by hand.",
        "",
        *facts,
        "",
        "## Findings",
        "",
        *([f"- {f.removeprefix('- ')}" for f in failures] or ["- None: every check passed."]),
        "",
        *(s.markdown() for s in sections),
        f"_All benchmarks ran in {total:.1f} s._",
        "",
    ]
    text = "\n".join(parts)
    print(text)
    if names == list(BENCHMARKS):
        RESULTS.write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS}", file=sys.stderr)
    else:
        print("(subset run: bench/results.md left unchanged)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
