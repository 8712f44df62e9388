"""The retention job on the local stack: the nightly timer that stands in for the EventBridge schedule, and
`python -m local.retention` to run it now against a running `make run` (its .local/stack.json).

python -m local.retention [--tenants hanoi,hcm] [--state-dir .local]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

from chalicelib.shared.clock import to_local

ROOT = Path(__file__).resolve().parent.parent


def seconds_until(hour: int, now: datetime) -> float:
    """Seconds from `now` to the next `hour`:00 in Vietnam's time."""
    local = to_local(now)
    target = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    return (target - local).total_seconds()


def start(stop: threading.Event) -> threading.Thread:
    """Run the job every night at the schedule's hour until `stop` is set (a failed run waits for the next night)."""
    from chalicelib.entrypoints import container
    from chalicelib.entrypoints.jobs import RETENTION_LOCAL_HOUR, run_retention
    from chalicelib.shared.observability import logger

    def loop() -> None:
        while not stop.wait(seconds_until(RETENTION_LOCAL_HOUR, container().clock.now())):
            try:
                run_retention(seconds=None)
            except Exception:  # noqa: BLE001 - like the scheduled Lambda: the next night goes on
                logger.exception("retention run failed; the next night goes on")

    thread = threading.Thread(target=loop, name="retention-job", daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    """Attach to the running stack and run the job now, for every tenant or the ones named; print what it did."""
    parser = argparse.ArgumentParser(prog="python -m local.retention", description=__doc__)
    parser.add_argument("--tenants", help="comma-separated tenant codes (default: all 35)")
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".local")
    args = parser.parse_args(argv)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    stack = args.state_dir / "stack.json"
    if not stack.is_file():
        sys.exit(f"No running stack described in {stack}: start `make run` first.")
    from .aws import Resources

    os.environ.update(Resources(**json.loads(stack.read_text(encoding="utf-8"))).app_environment(base_domain="localhost"))
    from chalicelib.entrypoints import container
    from chalicelib.entrypoints.jobs import run_retention

    if args.tenants:
        runs = {t: container().privacy.run(tenant=t) for t in args.tenants.split(",") if t}
        done = {
            t: {"customers_anonymised": r.customers_anonymised, "requests_redacted": r.requests_redacted} for t, r in runs.items()
        }
    else:
        done = run_retention(seconds=None)
    print(json.dumps(done, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
