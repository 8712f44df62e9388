"""Cold start: what `import app` costs in a fresh interpreter, next to the floor of `import boto3, chalice`.

Each measurement is a fresh subprocess with the environment the Lambda has (settings from .chalice/config.json and
the stack's variable names, X-Ray on as the stages configure it, no AWS endpoint). Two kinds of runs, interleaved:

* wall: `time.perf_counter()` around the import statement inside `-c` (no `-X importtime`, so no tracing overhead),
  plus the whole process's wall time as seen from the parent (interpreter start-up included);
* importtime: `-X importtime`, summing the cumulative column of the top-level entries imported by the statement.

Markers written to stderr around the statement keep interpreter start-up imports (site, encodings…) out of the sums.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .report import PYTHON, ROOT, Section, median, table

REPEATS = 5
FORBIDDEN = ("moto", "aws_cdk", "pytest", "playwright", "werkzeug", "flask")
WATCH = ("boto3", "botocore", "aws_xray_sdk", "requests", "jinja2", "holidays", "pydantic")
START, END = "@@bench-import-start@@", "@@bench-import-end@@"

COMMANDS = {"app": "import app", "boto3+chalice": "import boto3, chalice", "app, X-Ray off": "import app"}
EXTRA_ENV = {"app, X-Ray off": {"POWERTOOLS_TRACE_DISABLED": "true"}}

_SCRIPT = """\
import sys, time, json
sys.stderr.write({start!r} + "\\n"); sys.stderr.flush()
_c0, _t0 = time.process_time(), time.perf_counter()
{statement}
_t1, _c1 = time.perf_counter(), time.process_time()
sys.stderr.write({end!r} + "\\n"); sys.stderr.flush()
print(json.dumps({{"import_us": (_t1 - _t0) * 1e6, "cpu_us": (_c1 - _c0) * 1e6, "modules": sorted(sys.modules)}}))
"""


def lambda_environment() -> dict[str, str]:
    """The variables a deployed function sees: no endpoint, no credentials needed to import."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "AWS_REGION": "ap-southeast-1",
        "AWS_DEFAULT_REGION": "ap-southeast-1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "AWS_LAMBDA_FUNCTION_NAME": "cskh-dev",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "TABLE_NAME": "cskh-main",
        "USER_POOL_ID": "ap-southeast-1_bench",
        "USER_POOL_CLIENT_ID": "benchclient",
        "BASE_DOMAIN": "cskh.example.vn",
        "OUTBOX_QUEUE_URL": "https://sqs.ap-southeast-1.amazonaws.com/123456789012/cskh-outbox",
        "MAIL_SENDER": "no-reply@cskh.example.vn",
        "MAIL_CONFIGURATION_SET": "cskh-mail",
        "ALARM_TOPIC_ARN": "arn:aws:sns:ap-southeast-1:123456789012:cskh-alarms",
        "PYTHONHASHSEED": "0",
    }
    env.update({k: str(v) for k, v in config.get("environment_variables", {}).items()})
    return env


@dataclass
class Entry:
    """One line of `-X importtime`."""

    self_us: int
    cumulative_us: int
    name: str
    level: int


@dataclass
class Run:
    """One subprocess."""

    import_us: float
    cpu_us: float
    process_us: float
    modules: list[str]
    entries: list[Entry] = field(default_factory=list)


def parse_importtime(stderr: str) -> list[Entry]:
    """The importtime lines between the markers (the statement's own imports)."""
    entries: list[Entry] = []
    inside = False
    for line in stderr.splitlines():
        if line.startswith(START):
            inside = True
            continue
        if line.startswith(END):
            break
        if not inside or not line.startswith("import time:") or "self [us]" in line:
            continue
        self_part, cumulative_part, name_part = line[len("import time:") :].split("|", 2)
        name = name_part.rstrip()
        stripped = name.lstrip()
        level = (len(name) - len(stripped) - 1) // 2
        entries.append(Entry(int(self_part), int(cumulative_part), stripped, level))
    return entries


def _run(label: str, *, importtime: bool) -> Run:
    statement = COMMANDS[label]
    flags = ["-X", "importtime"] if importtime else []
    script = _SCRIPT.format(start=START, end=END, statement=statement)
    started = time.perf_counter()
    done = subprocess.run(
        [str(PYTHON), *flags, "-c", script],
        cwd=ROOT,
        env={**lambda_environment(), **EXTRA_ENV.get(label, {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    process_us = (time.perf_counter() - started) * 1e6
    if done.returncode != 0:
        raise RuntimeError(f"`{statement}` failed in a fresh interpreter:\n{done.stderr[-3000:]}")
    payload = json.loads(done.stdout.strip().splitlines()[-1])
    entries = parse_importtime(done.stderr) if importtime else []
    return Run(payload["import_us"], payload["cpu_us"], process_us, payload["modules"], entries)


def top_level_total(entries: list[Entry]) -> int:
    """Sum of the cumulative column of the entries the statement imported directly (level 0)."""
    return sum(e.cumulative_us for e in entries if e.level == 0)


def heaviest_packages(runs: list[Run], count: int = 10) -> list[tuple[str, float, int]]:
    """Top-level packages by their modules' self time (median over runs): (package, µs, modules)."""
    per_run: dict[str, list[float]] = defaultdict(list)
    modules: dict[str, int] = defaultdict(int)
    for run in runs:
        sums: dict[str, int] = defaultdict(int)
        names: dict[str, set[str]] = defaultdict(set)
        for e in run.entries:
            root = e.name.split(".")[0]
            sums[root] += e.self_us
            names[root].add(e.name)
        for root, value in sums.items():
            per_run[root].append(value)
            modules[root] = max(modules[root], len(names[root]))
    ranked = sorted(((root, median(values), modules[root]) for root, values in per_run.items()), key=lambda r: -r[1])
    return ranked[:count]


def package_cost(entries: list[Entry], package: str) -> int:
    """Cumulative µs of a package's subtrees, counted where something outside the package first imported it."""
    total = 0
    for i, e in enumerate(entries):
        if e.name.split(".")[0] != package:
            continue
        parent = next((p for p in entries[i + 1 :] if p.level < e.level), None)  # importtime lists children first
        if parent is None or parent.name.split(".")[0] != package:
            total += e.cumulative_us
    return total


def direct_imports(runs: list[Run], parent_level: int = 1, count: int = 10) -> list[tuple[str, float]]:
    """The statement's direct children (e.g. what app.py imports itself) by cumulative time, median over runs."""
    per_run: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        for e in run.entries:
            if e.level == parent_level:
                per_run[e.name].append(e.cumulative_us)
    ranked = sorted(((name, median(v)) for name, v in per_run.items()), key=lambda r: -r[1])
    return ranked[:count]


def measure() -> dict[str, dict[str, list[Run]]]:
    """Warm the bytecode caches once, then REPEATS interleaved runs of each kind for each command."""
    for label in COMMANDS:
        _run(label, importtime=False)
    results: dict[str, dict[str, list[Run]]] = {label: {"wall": [], "importtime": []} for label in COMMANDS}
    for _ in range(REPEATS):
        for kind in ("wall", "importtime"):
            for label in COMMANDS:
                results[label][kind].append(_run(label, importtime=kind == "importtime"))
    return results


def xray_sentence(app_runs: dict[str, list[Run]], untraced_runs: dict[str, list[Run]]) -> str:
    """How much of `import app` the X-Ray SDK (with what it pulls in) costs, and whether turning tracing off avoids it."""
    cost = median([float(package_cost(r.entries, "aws_xray_sdk")) for r in app_runs["importtime"]])
    total = median([float(top_level_total(r.entries)) for r in app_runs["importtime"]])
    still = all("aws_xray_sdk" in r.modules for r in untraced_runs["wall"])
    off = (
        "With `POWERTOOLS_TRACE_DISABLED=true` it is **still imported** (Powertools' `Tracer(...)` in "
        "`chalicelib/shared/observability.py` loads the SDK either way), so turning tracing off saves nothing at import."
        if still
        else "With `POWERTOOLS_TRACE_DISABLED=true` it is not imported."
    )
    return (
        f"The X-Ray SDK and what only it pulls in (`aws_xray_sdk` subtrees, `-X importtime`) cost {_ms(cost)} ms, "
        f"{cost / total:.0%} of `import app`. {off}"
    )


def _ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def run() -> Section:
    """Measure and describe."""
    section = Section("Cold start: `import app` vs `import boto3, chalice`")
    started = time.perf_counter()
    results = measure()
    app_runs, floor_runs, untraced_runs = results["app"], results["boto3+chalice"], results["app, X-Ray off"]

    def row(title: str, pick: Callable[[dict[str, list[Run]]], list[float]], fmt: Callable[[float], str]) -> tuple[str, ...]:
        app, floor, untraced = (median(pick(r)) for r in (app_runs, floor_runs, untraced_runs))
        return (title, fmt(app), fmt(floor), f"**{app / floor:.2f}×**", fmt(untraced))

    def ms(runs: list[Run], attr: str) -> list[float]:
        return [getattr(r, attr) for r in runs]

    section.add(
        f"Fresh subprocess per run; {REPEATS} runs of each kind per command, interleaved, after one untimed run per",
        "command that writes the bytecode caches; medians. Environment as the deployed Lambda has it: the",
        "`.chalice/config.json` variables and the stack's variable names, `AWS_LAMBDA_FUNCTION_NAME` set (so Powertools'",
        "Tracer is on and loads the X-Ray SDK, as `xray: true` in the stages implies), no `AWS_ENDPOINT_URL`, no",
        "credentials. The last column repeats `import app` with `POWERTOOLS_TRACE_DISABLED=true`.",
        "Wall times are sensitive to other load on the machine (see load average above); CPU time is the steadier figure.",
        "",
        *table(
            [
                "Measure (median)",
                "`import app`",
                "`import boto3, chalice`",
                "Ratio app / (boto3+chalice)",
                "`import app`, X-Ray off",
            ],
            [
                row("import, wall (`perf_counter` around it in `-c`), ms", lambda r: ms(r["wall"], "import_us"), _ms),
                row("import, CPU (`process_time` around it in `-c`), ms", lambda r: ms(r["wall"], "cpu_us"), _ms),
                row(
                    "`-X importtime`, Σ cumulative of top-level entries, µs",
                    lambda r: [float(top_level_total(x.entries)) for x in r["importtime"]],
                    lambda v: f"{v:,.0f}",
                ),
                row("whole process (interpreter start + import + exit), ms", lambda r: ms(r["wall"], "process_us"), _ms),
                row(
                    "modules in `sys.modules` after the import",
                    lambda r: [float(len(x.modules)) for x in r["wall"]],
                    lambda v: f"{v:.0f}",
                ),
            ],
            ["l", "r", "r", "r", "r"],
        ),
        "",
        "Raw runs, import wall ms: "
        + "; ".join(f"{label}: " + ", ".join(_ms(r.import_us) for r in runs["wall"]) for label, runs in results.items())
        + ".",
        "",
        xray_sentence(app_runs, untraced_runs),
        "",
        "### Heaviest packages pulled in by `import app` (self time of their modules, `-X importtime`, median)",
        "",
        *table(
            ["#", "Top-level package", "Self time, ms", "Modules"],
            [(i, f"`{name}`", _ms(us), mods) for i, (name, us, mods) in enumerate(heaviest_packages(app_runs["importtime"]), 1)],
            ["r", "l", "r", "r"],
        ),
        "",
        "### Heaviest direct imports of `app.py` (cumulative, first importer pays, median)",
        "",
        *table(
            ["#", "Module", "Cumulative, ms"],
            [(i, f"`{name}`", _ms(us)) for i, (name, us) in enumerate(direct_imports(app_runs["importtime"]), 1)],
            ["r", "l", "r"],
        ),
        "",
        "### Dependencies `import app` must not load",
        "",
    )
    loaded = {m for runs in (app_runs, untraced_runs) for r in runs["wall"] for m in r.modules}
    roots = {m.split(".")[0] for m in loaded}
    for name in FORBIDDEN:
        if name in roots:
            found = sorted(m for m in loaded if m.split(".")[0] == name)[:5]
            line = f"- **FAIL**: `{name}` is imported by `import app` ({', '.join(found)} …)"
            section.failures.append(line)
            section.add(line)
        else:
            section.add(f"- PASS: `{name}` not imported")
    watched = ", ".join(f"`{w}` {'yes' if w in roots else 'no'}" for w in WATCH)
    section.add("", f"For information, also loaded by `import app`: {watched}.")
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    print(run().markdown())
