"""Scheduled jobs: each has its EventBridge rule in app.py and a timer in the local stack, which call these.

- `reconcile` (every 5 minutes): restart lost timers, queue again notices and background jobs whose message was
  lost, fail background jobs whose worker died.
- `run_retention` (every night, Decree 13/2023 Art. 3.6): visit every office in turn until its time runs out,
  anonymising and deleting what is past its retention; the next night goes on from there.

- `knowledge_daily` (every morning, 1218 Art. 2.7): each office's quarterly-review digests, then a fresh build of
  the knowledge search index (catching a rebuild message that was lost).

None has a tenant of its own: reconcile reads as the CCC's national view and sweeps each office in its scope,
the retention job enters each office's scope in turn (adapters/tenant_scope.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.entrypoints import container
from chalicelib.shared.observability import count, logger
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.tenancy import acting_for, allow_national_reads
from chalicelib.tenancy.catalog import TENANTS

# 02:00 in Vietnam (UTC+7 all year): 19:00 UTC the evening before, when the offices are closed.
RETENTION_CRON = "cron(0 19 * * ? *)"
RETENTION_LOCAL_HOUR = 2
RETENTION_TIMEOUT_SECONDS = 900  # the function's own timeout (.chalice/config.json `lambda_functions.retention`)
MARGIN_SECONDS = 60  # stop this long before the Lambda would be cut off, so the last visit and the run's record finish
RECONCILE_LIMIT = 500  # open requests checked per run: ~500 DescribeExecution calls, well inside one invocation


def reconcile(limit: int = RECONCILE_LIMIT) -> dict[str, int]:
    """Restart lost timers and queue notices whose message was lost; log and count what was done."""
    logger.clear_state()
    c = container()
    with acting_for(CENTRAL_TENANT):  # the national list of open requests (GSI4) and the job's cursor are the CCC's;
        allow_national_reads()  # each request's deadline reads its office's SLA policy; timers are Step Functions'
        report = c.reconciler.run(limit=limit).counts()
    for tenant in TENANTS:
        with acting_for(tenant.code):  # each office's unsettled notices, in its own scope
            requeued, abandoned = c.notifications.sweep(tenant=tenant.code)
            jobs_requeued, jobs_failed = c.jobs.sweep(tenant=tenant.code)
        report["notices_requeued"] = report.get("notices_requeued", 0) + requeued
        report["notices_abandoned"] = report.get("notices_abandoned", 0) + abandoned
        report["jobs_requeued"] = report.get("jobs_requeued", 0) + jobs_requeued
        report["jobs_failed"] = report.get("jobs_failed", 0) + jobs_failed
    logger.info("reconciled", extra=report)
    for name in ("restarted", "refused", "gave_up", "notices_requeued", "notices_abandoned"):
        if report[name]:  # a run that found everything in order emits nothing (the alarm treats missing data as fine)
            count(f"Reconcile_{name}", report[name])
    return report


def tenants_from(day: date) -> list[str]:
    """Every tenant, starting each night with another one, so no office waits behind the others night after night."""
    codes = [t.code for t in TENANTS]
    start = day.toordinal() % len(codes)
    return codes[start:] + codes[:start]


def run_retention(*, seconds: float | None) -> dict[str, dict[str, Any]]:
    """Run the job over every tenant within `seconds` (None: until done); what each run did, counts only."""
    from chalicelib.shared.clock import stop_after

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


KNOWLEDGE_CRON = "cron(0 0 * * ? *)"  # 07:00 in Vietnam: the digests arrive as the offices open


def knowledge_daily() -> dict[str, int]:
    """Send each office's review digests (in its own scope), then build the search index (the CCC's national view)."""
    logger.clear_state()
    c = container()
    sent = 0
    for tenant in TENANTS:
        with acting_for(tenant.code):
            sent += c.knowledge_reviews.run(tenant=tenant.code)
    with acting_for(CENTRAL_TENANT):
        allow_national_reads()
        build = c.knowledge_index.rebuild()
    report = {"digests": sent, "generation": build.number, "entries": build.entries}
    logger.info("knowledge daily job", extra=report)
    return report
