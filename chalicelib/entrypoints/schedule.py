"""The retention job's entry (Decree 13/2023 Art. 3.6): the scheduled Lambda and the local stack's nightly timer both
call `run_retention`, which visits every office in turn until its time runs out; the next night goes on from there."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.entrypoints import container

# 02:00 in Vietnam (UTC+7 all year): 19:00 UTC the evening before, when the offices are closed.
RETENTION_CRON = "cron(0 19 * * ? *)"
RETENTION_LOCAL_HOUR = 2
RETENTION_TIMEOUT_SECONDS = 900  # the function's own timeout (.chalice/config.json `lambda_functions.retention`)
MARGIN_SECONDS = 60  # stop this long before the Lambda would be cut off, so the last visit and the run's record finish


def tenants_from(day: date) -> list[str]:
    """Every tenant, starting each night with another one, so no office waits behind the others night after night."""
    from chalicelib.tenancy.catalog import TENANTS

    codes = [t.code for t in TENANTS]
    start = day.toordinal() % len(codes)
    return codes[start:] + codes[:start]


def run_retention(*, seconds: float | None) -> dict[str, dict[str, Any]]:
    """Run the job over every tenant within `seconds` (None: until done); what each run did, counts only."""
    from chalicelib.customers.privacy_service import stop_after

    c = container()
    stop = stop_after(seconds - MARGIN_SECONDS) if seconds else (lambda: False)
    runs = c.privacy.run_all(tenants=tenants_from(c.clock.now().date()), should_stop=stop)
    return {
        tenant: {
            "customers_anonymised": run.customers_anonymised,
            "requests_redacted": run.requests_redacted,
            "audit_months_purged": run.audit_months_purged,
            "complete": run.complete,
        }
        for tenant, run in runs.items()
    }
