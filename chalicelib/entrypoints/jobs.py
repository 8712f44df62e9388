"""Scheduled jobs: the Lambda's EventBridge rule (app.py) and the local stack's timer both call `reconcile`."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from chalicelib.entrypoints import container
from chalicelib.shared.observability import logger, metrics
from chalicelib.tenancy.catalog import TENANTS

RECONCILE_LIMIT = 500  # open requests checked per run: ~500 DescribeExecution calls, well inside one invocation


def reconcile(limit: int = RECONCILE_LIMIT) -> dict[str, int]:
    """Restart lost timers and queue notices whose message was lost; log and count what was done."""
    logger.clear_state()
    c = container()
    report = c.reconciler.run(limit=limit).counts()
    for tenant in TENANTS:
        requeued, abandoned = c.notifications.sweep(tenant=tenant.code)
        report["notices_requeued"] = report.get("notices_requeued", 0) + requeued
        report["notices_abandoned"] = report.get("notices_abandoned", 0) + abandoned
    logger.info("reconciled", extra=report)
    for name in ("restarted", "refused", "gave_up", "notices_requeued", "notices_abandoned"):
        if report[name]:  # a run that found everything in order emits nothing (the alarm treats missing data as fine)
            with single_metric(name=f"Reconcile_{name}", unit=MetricUnit.Count, value=report[name], namespace=metrics.namespace):
                pass
    return report
