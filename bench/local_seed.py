"""`make run`'s first start: how long the seed takes, with moto's own UpdateItem and with the plain-update fast path.

Each run is a fresh subprocess doing what `python -m local` does before it serves: moto in-process (patched), the
resources, then the seed's steps — offices and users (`seed`), the demo requests, the demo surveys
(`seed_surveys`), the demo year (`seed_and_check`, 1,500 requests) and the first full snapshot — for every tenant,
at the demo's full size and at `--small-demo`'s. "moto's own" turns off local/moto_updates.py's fast path and the
remembered update-expression trees (every other patch of local/moto_patches.py stays on, as before this change).
Wall and CPU seconds per step (CPU: every thread of the process, moto's server included); wall time depends on the
machine's other load (see the load average above), CPU time much less.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .report import ROOT, Section, table

STEPS = ("seed", "requests", "surveys", "year", "save")
RUNS = (("full", False), ("small", False), ("full", True), ("small", True))  # (demo size, moto's own updates)


def _child(size: str, own: bool) -> dict[str, Any]:
    """In the subprocess: seed as `python -m local` does and time each step."""
    for name in [k for k in os.environ if k.startswith(("AWS_", "TABLE_", "USER_POOL", "MOTO_"))]:
        del os.environ[name]
    os.environ.update(POWERTOOLS_LOG_LEVEL="WARNING", POWERTOOLS_METRICS_DISABLED="true", POWERTOOLS_TRACE_DISABLED="true")
    from chalicelib.tenancy.catalog import TENANTS
    from infra.definitions import DEFAULT_REGION
    from local import aws, moto_patches, moto_updates, snapshot
    from local.demo_requests import DEMO_TENANTS, seed_requests
    from local.demo_year import seed_and_check
    from local.seed import seed
    from local.survey_seed import Sizes, seed_surveys

    tenants = tuple(t.code for t in TENANTS)
    port = aws.free_port()
    moto = aws.start_moto(port)
    if own:
        from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

        moto_updates.plan = lambda expression: None  # type: ignore[assignment]  # every update to moto's code
        UpdateExpressionParser.make = moto_patches.ORIGINAL["update_expression_make"]
    resources = aws.provision(f"http://127.0.0.1:{port}", DEFAULT_REGION)
    os.environ.update(resources.app_environment(base_domain="localhost"))
    os.environ["PUBLIC_URL_TEMPLATE"] = "http://{tenant}.localhost:8000"
    from chalicelib.bootstrap import container

    container()
    out: dict[str, Any] = {}

    def step(name: str, run: Any) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        out[name] = (round(time.perf_counter() - wall, 1), round(time.process_time() - cpu, 1))

    with tempfile.TemporaryDirectory() as folder:
        step("seed", lambda: seed(resources, tenants))
        step("requests", lambda: seed_requests(container(), tuple(t for t in DEMO_TENANTS if t in tenants)))
        step("surveys", lambda: seed_surveys(tenants, Sizes.small() if size == "small" else Sizes()))
        step("year", lambda: seed_and_check(container().sla, list(tenants)))
        step("save", lambda: snapshot.Snapshot(resources, Path(folder) / "state.json").save(full=True))
    moto.stop()
    return out


def _measure(size: str, own: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        found = Path(folder) / "times.json"
        command = [sys.executable, "-m", "bench.local_seed", size, "own" if own else "fast", str(found)]
        subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        return dict(json.loads(found.read_text()))


def run() -> Section:
    """Seed four times (full and small demo, each way) and tabulate the steps."""
    started = time.perf_counter()
    section = Section("`make run`'s first start: the seed with moto's own UpdateItem and with the plain-update fast path")
    section.add(*[line.strip() for line in (__doc__ or "").strip().splitlines()[2:] if line.strip()], "")
    rows = []
    totals: dict[tuple[str, bool], tuple[float, float]] = {}
    for size, own in RUNS:
        print(f"  seeding ({size} demo, {'moto' if own else 'fast path'}) …", file=sys.stderr, flush=True)
        out = _measure(size, own)
        wall, cpu = sum(out[s][0] for s in STEPS), sum(out[s][1] for s in STEPS)
        totals[size, own] = wall, cpu
        rows.append(
            [
                f"{'--small-demo' if size == 'small' else 'full demo'}",
                "moto's own" if own else "fast path",
                *[f"{out[s][0]:.1f} / {out[s][1]:.1f}" for s in STEPS],
                f"{wall:.1f} / {cpu:.1f}",
            ]
        )
    section.add(
        *table(
            ["Demo", "UpdateItem", "offices+users", "requests", "surveys", "demo year", "snapshot", "total"],
            rows,
            ["l", "l", "r", "r", "r", "r", "r", "r"],
        ),
        "",
        "Seconds, wall / CPU, 35 tenants. "
        + "; ".join(
            f"{'--small-demo' if size == 'small' else 'full demo'}: {totals[size, True][1] / totals[size, False][1]:.1f}× less CPU"
            for size in ("full", "small")
        )
        + ".",
    )
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    Path(sys.argv[3]).write_text(json.dumps(_child(sys.argv[1], sys.argv[2] == "own")))
