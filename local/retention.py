"""`python -m local.retention`: run the retention job now against a running `make run` (its .local/stack.json);
the nightly run itself is local/schedules.py's.

python -m local.retention [--tenants hanoi,hcm] [--state-dir .local]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
