"""Where a scheduled job left off: one item per job under the CCC (`T#ccc#JOB` / `{job}`), with its last report.

A job bounded per run walks a long list over several runs; this keeps its cursor between them. The item is
written without a version: two runs that overlap check the same items, which every job here tolerates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from chalicelib.shared.clock import iso
from chalicelib.shared.permissions import CENTRAL_TENANT

from .dynamo import BaseItem, tenant_key, translated


class JobStateItem(BaseItem, discriminator="JobState"):
    """A scheduled job's cursor and what its last run did."""

    cursor = UnicodeAttribute(null=True)
    ran_at = UnicodeAttribute()
    report = JSONAttribute(null=True)


class JobState:
    """Reads and writes the jobs' cursors."""

    def cursor(self, *, job: str) -> str | None:
        """Where the job's last run stopped (None: from the start)."""
        with translated():
            try:
                return JobStateItem.get(tenant_key(CENTRAL_TENANT, "JOB"), job).cursor
            except JobStateItem.DoesNotExist:
                return None

    def save(self, *, job: str, cursor: str | None, at: datetime, report: dict[str, Any]) -> None:
        """Remember where this run stopped and what it did."""
        item = JobStateItem(
            tenant_key(CENTRAL_TENANT, "JOB"), job, tenant=CENTRAL_TENANT, cursor=cursor, ran_at=iso(at), report=report
        )
        with translated():
            item.save(add_version_condition=False)
