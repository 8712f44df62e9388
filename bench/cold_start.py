"""Cold start: what `import app` costs in a fresh interpreter, next to the floor of `import boto3, chalice`.

(a) `import app`. Each measurement is a fresh subprocess with the environment the Lambda has (settings from
.chalice/config.json and the stack's variable names, X-Ray on as the stages configure it, no AWS endpoint). Two kinds
of runs, interleaved:

* wall: `time.perf_counter()` around the import statement inside `-c` (no `-X importtime`, so no tracing overhead),
  plus the whole process's wall time as seen from the parent (interpreter start-up included);
* importtime: `-X importtime`, summing the cumulative column of the top-level entries imported by the statement.

Markers written to stderr around the statement keep interpreter start-up imports (site, encodings…) out of the sums.

(b) Up to the first answer (bench/first_request.py): a fresh process that imports the app and serves one
authenticated `GET /api/requests`, against one that imports boto3 and chalice and makes the same DynamoDB Query,
both against moto's server — so work moved from the import to the first request is still counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import first_request, package
from .report import PYTHON, ROOT, Section, median, table

REPEATS = 5
TARGET = 1.5  # issue 6 §5: (a) and (b) at most 1.5× their floor
FORBIDDEN = ("moto", "aws_cdk", "pytest", "playwright", "werkzeug", "flask")
WATCH = ("boto3", "botocore", "aws_xray_sdk", "requests", "jinja2", "holidays", "pydantic", "jwt", "cryptography")
# The API's first request needs none of these: pages (Jinja2), the in-process X-Ray SDK, or the working-day calendar.
NOT_ON_API_PATH = ("jinja2", "aws_xray_sdk", "holidays")
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
        # Set in every Lambda; the X-Ray SDK reads it to know it runs in Lambda (without it, it sets up a sampler).
        "LAMBDA_TASK_ROOT": str(ROOT),
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


def _run(label: str, *, importtime: bool, statement: str | None = None) -> Run:
    statement = statement or COMMANDS[label]
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
    if not any("aws_xray_sdk" in r.modules for runs in (app_runs, untraced_runs) for r in runs["wall"]):
        return (
            "The X-Ray SDK is not imported, with tracing on or off: the AWS calls are traced by "
            "`chalicelib/shared/tracing.py` (botocore's own modules, a UDP socket), on top of the Lambda's active tracing."
        )
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


# What one Lambda per entry point would import (each with app.py's garbage-collector handling), to see whether
# splitting the function could reach the target: the API's routes, the outbox worker, the composition root alone.
_GC = "import gc; gc.disable(); {} ; gc.freeze(); gc.enable()"
ENTRIES = {
    "`import app` (API, pages and worker)": "import app",
    "API routes only (no pages, no worker)": _GC.format(
        "import chalice, chalicelib.shared.openapi, "
        + ", ".join(
            f"chalicelib.{c}.routes" for c in ("identity", "tenancy", "audit", "customers", "sla", "requests", "notifications")
        )
    ),
    "`GET /api/requests`'s route module only": _GC.format("import chalice, chalicelib.requests.routes"),
    "outbox worker only": _GC.format("import chalice, chalicelib.entrypoints.queue"),
    "`chalicelib.bootstrap` only (the composition root every entry uses)": _GC.format("import chalice, chalicelib.bootstrap"),
}


def measure_entries(repeats: int = REPEATS) -> dict[str, list[Run]]:
    """Wall and CPU of each entry's imports, interleaved with the floor (wall runs only, after one untimed run each)."""
    labels = {**ENTRIES, "`import boto3, chalice`": "import boto3, chalice"}
    for label, statement in labels.items():
        _run(label, importtime=False, statement=statement)
    runs: dict[str, list[Run]] = {label: [] for label in labels}
    for _ in range(repeats):
        for label, statement in labels.items():
            runs[label].append(_run(label, importtime=False, statement=statement))
    return runs


def entry_lines(section: Section, runs: dict[str, list[Run]]) -> None:
    """Describe what splitting the function per entry point would give."""
    floor = median([r.import_us for r in runs["`import boto3, chalice`"]])
    floor_cpu = median([r.cpu_us for r in runs["`import boto3, chalice`"]])
    rows = []
    for label in ENTRIES:
        wall, cpu = median([r.import_us for r in runs[label]]), median([r.cpu_us for r in runs[label]])
        rows.append((label, _ms(wall), f"{wall / floor:.2f}×", _ms(cpu), f"{cpu / floor_cpu:.2f}×"))
    section.add(
        "",
        "### Would one function per entry point get there? What each would import",
        "",
        f"As (a), {REPEATS} interleaved runs each with the floor, medians; each statement turns the garbage collector off",
        "around its imports as app.py does. Every entry reaches the services through `chalicelib.bootstrap`, which",
        "imports what the hotline's requests need (their services, stores and adapters, so PynamoDB and pydantic) and",
        "the other capabilities on first use: that alone is the last row.",
        "",
        *table(
            ["Imports (median)", "wall, ms", "/ floor", "CPU, ms", "/ floor"],
            [*rows, ("`import boto3, chalice` (the floor)", _ms(floor), "1.00×", _ms(floor_cpu), "1.00×")],
            ["l", "r", "r", "r", "r"],
        ),
    )


def verdict(ratio: float) -> str:
    """PASS or OVER TARGET against TARGET."""
    return "PASS" if ratio <= TARGET else "**OVER TARGET**"


def deployed_lines(section: Section, runs: dict[str, list[first_request.Child]]) -> None:
    """Describe measurement (c): the same first request, imported from the deployment package."""
    sources, bytecode = runs["package, sources only"], runs["package, with bytecode"]

    def row(title: str, attr: str) -> tuple[str, ...]:
        a, b = median([getattr(r, attr) for r in sources]), median([getattr(r, attr) for r in bytecode])
        return (title, _ms(a), _ms(b), _ms(a - b))

    section.add(
        "",
        "### (c) As deployed: the same first request, imported from the deployment package",
        "",
        "`chalice package` of the `dev` stage, extracted, and run as Lambda runs it: only that directory and the",
        "standard library on the path (`-I -S`), no bytecode written (`-B`; /var/task is read-only), the environment",
        f'and event of (b); {first_request.REPEATS} interleaved runs each, medians. "Sources only" is the zip as Chalice',
        'makes it (wheels carry no `.pyc`, so every cold start compiles what it imports); "with bytecode" is the zip',
        "the stack deploys (infra/stacks/bytecode.py adds an unchecked-hash `.pyc` for every module). The package",
        "vendors its own botocore (the newest release its requirements allow), so its times differ a little from (b).",
        "",
        *table(
            ["Measure (median)", "package, sources only", "package, with bytecode", "Saved"],
            [
                row("import + first answer, wall, ms", "total_us"),
                row("… of which `import app`, ms", "import_us"),
                row("… of which the first request, ms", "first_us"),
                row("whole process, ms", "process_us"),
            ],
            ["l", "r", "r", "r"],
        ),
    )


def first_request_lines(section: Section, setup: first_request.Setup, runs: dict[str, list[first_request.Child]]) -> float:
    """Describe measurement (b) into the section; returns the ratio of the in-process totals."""
    app, floor = runs["app"], runs["floor"]

    def row(title: str, attr: str) -> tuple[str, ...]:
        a, f = median([getattr(r, attr) for r in app]), median([getattr(r, attr) for r in floor])
        return (title, _ms(a), _ms(f), f"**{a / f:.2f}×**")

    ratio = median([r.total_us for r in app]) / median([r.total_us for r in floor])
    fetched = median([r.total_us for r in runs["app, keys fetched"]])
    fetched_row = (
        "keys fetched: import + first answer, wall, ms",
        _ms(fetched),
        _ms(median([r.total_us for r in floor])),
        f"{fetched / median([r.total_us for r in floor]):.2f}×",
    )
    traces = Counter({name: median([float(r.traces[name]) for r in app]) for r in app for name in r.traces})
    sent = ", ".join(f"{n:g} × `{name}`" for name, n in sorted(traces.items())) or "none"
    app_modules = {m for r in app for m in r.modules}
    loaded = [name for name in NOT_ON_API_PATH if name in {m.split(".")[0] for m in app_modules}]
    section.add(
        "",
        "### (b) Up to the first answer: `import app` + the first authenticated `GET /api/requests` vs `import boto3, "
        "chalice` + one DynamoDB Query",
        "",
        f"Fresh subprocess per run; {first_request.REPEATS} runs of each, interleaved, after one untimed run of each;",
        "medians. moto's server runs in the benchmark's process with tenant `hanoi` seeded and "
        f"{first_request.REQUESTS} requests created by its agent, who is signed in once (the ID token is handed to the child).",
        "The app's child gets the Lambda's environment as in (a), pointed at moto, tracing on as deployed (a sampled",
        "`_X_AMZN_TRACE_ID`, the X-Ray daemon address on a UDP socket of the benchmark) and metrics on; it imports the app",
        "and hands it an API Gateway proxy event for `GET /api/requests` with the agent's bearer token, as the Lambda",
        "runtime would: the container is built, the token verified, the session checked (GetItem) and the list",
        'queried. The pool\'s keys are in `COGNITO_JWKS`, as the stack writes them at deploy (the row "keys fetched"',
        "is the app without them: its first request fetches the JWKS from the pool's URL, here moto's, over plain",
        "HTTP — from Cognito it is an HTTPS request). The floor's child imports boto3 and chalice, creates a DynamoDB client and",
        "makes the very Query the list makes (recorded from the app: "
        f"`{setup.query.get('IndexName', 'table')}`, `{setup.query.get('KeyConditionExpression', '')}`). Times are from",
        "before the first import to the answer, inside the child; the last row is the whole process seen from outside.",
        "",
        *table(
            ["Measure (median)", "app: import + first `GET /api/requests`", "boto3 + chalice: import + one Query", "Ratio"],
            [
                row("import + first answer, wall, ms", "total_us"),
                row("… of which the import, ms", "import_us"),
                row("… of which the first request (app) / client + Query (floor), ms", "first_us"),
                row("import + first answer, CPU, ms", "cpu_us"),
                row("whole process (interpreter start to exit), ms", "process_us"),
                fetched_row,
                (
                    "modules in `sys.modules` at the end",
                    f"{median([float(len(r.modules)) for r in app]):.0f}",
                    f"{median([float(len(r.modules)) for r in floor]):.0f}",
                    "",
                ),
            ],
            ["l", "r", "r", "r"],
        ),
        "",
        "Raw runs, import + first answer ms: "
        + "; ".join(f"{kind}: " + ", ".join(_ms(r.total_us) for r in runs[kind]) for kind in ("app", "floor"))
        + ".",
        "",
        f"Every run answered 200 with {app[0].items} requests (the floor's Query: {floor[0].items} items). Trace documents "
        f"the app's child sent to the X-Ray daemon address during its first request (median): {sent}.",
        "",
        f"- {verdict(ratio)}: import + first answer is {ratio:.2f}× the floor (target ≤ {TARGET}×).",
    )
    if loaded:
        line = f"- **FAIL**: the first `GET /api/requests` loaded {', '.join(f'`{n}`' for n in loaded)}, which the API path does not need"
        section.failures.append(line)
        section.add(line)
    else:
        section.add(f"- PASS: the first `GET /api/requests` loads none of {', '.join(f'`{n}`' for n in NOT_ON_API_PATH)}")
    if ratio > TARGET:
        section.failures.append(
            f"- Cold start (b), import + first `GET /api/requests`: OVER TARGET, {ratio:.2f}× the floor (≤ {TARGET}×)"
        )
    return ratio


def run() -> Section:
    """Measure and describe."""
    section = Section("Cold start: `import app` and the first request vs `import boto3, chalice`")
    started = time.perf_counter()
    results = measure()
    app_runs, floor_runs, untraced_runs = results["app"], results["boto3+chalice"], results["app, X-Ray off"]

    def row(title: str, pick: Callable[[dict[str, list[Run]]], list[float]], fmt: Callable[[float], str]) -> tuple[str, ...]:
        app, floor, untraced = (median(pick(r)) for r in (app_runs, floor_runs, untraced_runs))
        return (title, fmt(app), fmt(floor), f"**{app / floor:.2f}×**", fmt(untraced))

    def ms(runs: list[Run], attr: str) -> list[float]:
        return [getattr(r, attr) for r in runs]

    section.add(
        "### (a) `import app` vs `import boto3, chalice`",
        "",
        f"Fresh subprocess per run; {REPEATS} runs of each kind per command, interleaved, after one untimed run per",
        "command that writes the bytecode caches; medians. Environment as the deployed Lambda has it: the",
        "`.chalice/config.json` variables and the stack's variable names, `AWS_LAMBDA_FUNCTION_NAME` and",
        "`LAMBDA_TASK_ROOT` set (so tracing is on, as `xray: true` in the stages implies), no `AWS_ENDPOINT_URL`, no",
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
    ratio = median([r.import_us for r in app_runs["wall"]]) / median([r.import_us for r in floor_runs["wall"]])
    section.add("", f"- {verdict(ratio)}: (a) `import app` is {ratio:.2f}× the floor, wall (target ≤ {TARGET}×).")
    if ratio > TARGET:
        section.failures.append(f"- Cold start (a), `import app`: OVER TARGET, {ratio:.2f}× the floor (≤ {TARGET}×)")
    with tempfile.TemporaryDirectory(prefix="cskh-package-") as work:
        packages = package.build(Path(work))
        variants = {
            **first_request.VARIANTS,
            "package, sources only": first_request.Variant("app", packages["sources"]),
            "package, with bytecode": first_request.Variant("app", packages["bytecode"]),
        }
        setup, first_runs = first_request.measure(lambda_environment(), variants=variants)
    first_request_lines(section, setup, first_runs)
    deployed_lines(section, first_runs)
    entry_lines(section, measure_entries())
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    print(run().markdown())
