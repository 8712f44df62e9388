"""Run every benchmark (or the ones named on the command line) and write bench/results.md when all ran.

`--scale` re-measures the request lists at 1,000 and 100,000 requests (about 18 min on 2 cores); without it,
`requests_scale` reports the run recorded in bench/requests_scale.json (or measures when there is none).

`--knowledge-1m` measures knowledge search at 1,000,000 texts besides 112,000 (about 15 min); without it,
`knowledge_search` reports the 1,000,000 run recorded in bench/knowledge_search.json.

`--only name[,name…]` re-runs just those benchmarks and puts their sections (and their findings) into
bench/results.md in place of the recorded ones, keeping the others as they were. Names given without `--only`
are run and printed, and results.md is left alone.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from . import (
    cold_start,
    documents,
    dynamo_calls,
    fuzz,
    jobs_export,
    knowledge_search,
    kpi_scale,
    local_concurrency,
    local_seed,
    rate_limits,
    requests_calls,
    requests_scale,
    survey_exports,
    survey_frames,
    survey_invitations,
    survey_results,
    survey_stats,
    survey_tally,
    tenant_scope,
)
from .report import Section, cpu_model, machine_facts

BENCHMARKS: dict[str, Callable[[], Section]] = {
    "cold_start": cold_start.run,
    "dynamo_calls": dynamo_calls.run,
    "requests_calls": requests_calls.run,
    "requests_scale": requests_scale.run,
    "local_concurrency": local_concurrency.run,
    "rate_limits": rate_limits.run,
    "tenant_scope": tenant_scope.run,
    "fuzz": fuzz.run,
    "knowledge_search": knowledge_search.run,
    "jobs_export": jobs_export.run,
    "survey_frames": survey_frames.run,
    "survey_tally": survey_tally.run,
    "survey_exports": survey_exports.run,
    "survey_invitations": survey_invitations.run,
    "survey_stats": survey_stats.run,
    "documents": documents.run,
    "survey_results": survey_results.run,
    "kpi_scale": kpi_scale.run,
    "local_seed": local_seed.run,
}
FLAGS = ("--scale", "--only", "--knowledge-1m")
RESULTS = Path(__file__).resolve().parent / "results.md"
TITLE = "# Benchmark results"
INTRO = "Written by `python -m bench` (run from the repository root with `.venv/bin/python`); do not edit by hand."
# results.md marks each section and each finding with the benchmark that wrote it, so `--only` can replace them.
SECTION_MARK = "<!-- bench:section {name} {date} -->"
_SECTION = re.compile(r"^<!-- bench:section (\w+) ([^>]*?) ?-->$", re.MULTILINE)
_FINDING = re.compile(r"^- (.*) <!-- bench:(\w+) -->$")
_END = re.compile(r"\n_(?:All benchmarks ran in|The benchmarks re-run now ran in)")  # the footer of either kind of run


def recorded(text: str) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """The sections of a results.md by benchmark, its findings by benchmark, and when each section was measured."""
    marks = list(_SECTION.finditer(text))
    sections: dict[str, str] = {}
    dates: dict[str, str] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        footer = _END.search(text, mark.end(), end)  # a run's footer is no part of the section before it
        end = footer.start() if footer else end
        sections[mark.group(1)] = text[mark.end() : end].strip("\n")
        dates[mark.group(1)] = mark.group(2).strip() or "an earlier run"
    findings: dict[str, list[str]] = {}
    for line in text[: marks[0].start() if marks else len(text)].splitlines():
        if found := _FINDING.match(line):
            findings.setdefault(found.group(2), []).append(found.group(1))
    return sections, findings, dates


def document(
    facts: list[str], sections: dict[str, str], findings: dict[str, list[str]], dates: dict[str, str], footer: list[str]
) -> str:
    """results.md from sections and findings by benchmark (in BENCHMARKS order)."""
    names = [n for n in BENCHMARKS if n in sections]
    listed = [f"- {f.removeprefix('- ')} <!-- bench:{n} -->" for n in names for f in findings.get(n, [])]
    parts = [TITLE, "", INTRO, "", *facts, "", "## Findings", "", *(listed or ["- None: every check passed."]), ""]
    for name in names:
        parts += [SECTION_MARK.format(name=name, date=dates[name]), sections[name], ""]
    return "\n".join([*parts, *footer, ""])


def main(argv: list[str]) -> int:
    """Run, print, write; the exit status is 0 even when a finding failed (these are measurements, not tests)."""
    only: list[str] = []
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--only" or arg.startswith("--only="):
            value = arg.partition("=")[2] or next(args, "")
            only += [n for n in value.split(",") if n]
        else:
            rest.append(arg)
    flags = [a for a in rest if a.startswith("--")]
    names = only or [a for a in rest if not a.startswith("--")] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS] + [f for f in flags if f not in FLAGS]
    if unknown or ("--only" in argv and not only):
        print(
            f"unknown benchmark(s) or flag(s): {', '.join(unknown) or '--only without names'}; "
            f"choose from {', '.join([*BENCHMARKS, *FLAGS])}",
            file=sys.stderr,
        )
        return 2
    benchmarks = dict(BENCHMARKS)
    if "--scale" in flags:
        benchmarks["requests_scale"] = lambda: requests_scale.run(measure_now=True)
    if "--knowledge-1m" in flags:
        benchmarks["knowledge_search"] = lambda: knowledge_search.run(measure_large=True)
    started = time.perf_counter()
    now = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {cpu_model()}"  # each section's marker: when, and on what
    facts = machine_facts()
    ran: dict[str, Section] = {}
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        ran[name] = benchmarks[name]()
    total = time.perf_counter() - started
    sections = {name: s.markdown().strip("\n") for name, s in ran.items()}
    findings = {name: s.failures for name, s in ran.items()}
    dates = dict.fromkeys(ran, now)
    footer = [f"_All benchmarks ran in {total:.1f} s._"]
    if only:
        old_sections, old_findings, old_dates = recorded(RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "")
        kept = [n for n in BENCHMARKS if n in old_sections and n not in ran]
        for name in kept:
            sections[name], findings[name], dates[name] = old_sections[name], old_findings.get(name, []), old_dates[name]
        if kept:
            facts = [
                *facts,
                "",
                f"The facts above are of this run, which re-ran {', '.join(f'`{n}`' for n in ran)}; kept as "
                "recorded: " + ", ".join(f"`{n}` ({dates[n]})" for n in kept) + ".",
            ]
        footer = [f"_The benchmarks re-run now ran in {total:.1f} s._"]
    text = document(facts, sections, findings, dates, footer)
    print(text)
    if only or names == list(BENCHMARKS):
        RESULTS.write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS}", file=sys.stderr)
    else:
        print("(subset run: bench/results.md left unchanged; use --only to update its sections)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
