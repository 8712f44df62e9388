"""Run every benchmark (or the ones named on the command line) and write bench/results.md when all ran."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import cold_start, dynamo_calls
from .report import Section, machine_facts

BENCHMARKS: dict[str, Callable[[], Section]] = {"cold_start": cold_start.run, "dynamo_calls": dynamo_calls.run}
RESULTS = Path(__file__).resolve().parent / "results.md"


def main(argv: list[str]) -> int:
    """Run, print, write; the exit status is 0 even when a finding failed (these are measurements, not tests)."""
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    facts = machine_facts()
    sections = []
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        sections.append(BENCHMARKS[name]())
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
