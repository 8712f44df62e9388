"""Policy reports in the single table (docs/data-model.md "Policy report") — the only module that knows their keys.

One item per report: PK `T#{tenant}#POLICY#{report id}`, SK `REPORT`, the content as JSON. The id is the period's
(`R-2026-12`, `R-2026-Q4`, `N-2026` for the CCC's national report, `A-{from}-{to}-{title hash}` for an ad hoc
range), so an office has one report per period and the CCC's consolidation reads the 35 offices' reports of a
period by key (one BatchGetItem), never a list. GSI1 (`T#{tenant}#POLICYS`, `{first day}#{id}`) lists an office's
reports, latest period first. A step saves the report at its version with its audit entry, and the inbox entry
(approvals/store.py) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import Journal, commit
from chalicelib.approvals.store import PendingApprovals
from chalicelib.shared.clock import iso
from chalicelib.shared.pagination import decode, encode

from . import messages as M
from .codec import report_body, report_from
from .domain import PolicyReport, ReportChange

SK = "REPORT"
BATCH = 100


class PolicyReportItem(BaseItem, discriminator="PolicyReport"):
    """A policy report: what lists show as attributes, the rest as JSON."""

    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    body = JSONAttribute()


def report_pk(tenant: str, report_id: str) -> str:
    """The report's partition."""
    return tenant_key(tenant, "POLICY", report_id)


def to_item(report: PolicyReport) -> PolicyReportItem:
    """The report as its item."""
    item = PolicyReportItem(
        report_pk(report.tenant, report.id),
        SK,
        tenant=report.tenant,
        kind=report.kind,
        status=report.approval.status,
        updated_at=iso(report.updated_at or report.created_at),
        body=report_body(report),
        GSI1PK=tenant_key(report.tenant, "POLICYS"),
        GSI1SK=f"{report.start.isoformat()}#{report.id}",
    )
    if report.version:
        item.version = report.version
    return item


def from_item(item: PolicyReportItem) -> PolicyReport:
    """The report an item holds."""
    return report_from(item.PK.split("#", 3)[3], item.tenant, item.version or 0, dict(item.body))


class DynamoPolicyStore:
    """Get, list, batch-read and save policy reports."""

    def __init__(self, *, journal: Journal, approvals: PendingApprovals) -> None:
        self._journal, self._approvals = journal, approvals

    def get(self, *, tenant: str, report_id: str) -> PolicyReport | None:
        """One GetItem."""
        with translated():
            try:
                return from_item(PolicyReportItem.get(report_pk(tenant, report_id), SK))
            except PolicyReportItem.DoesNotExist:
                return None

    def many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], PolicyReport]:
        """Reports of many offices by (tenant, id): BatchGetItem, 100 keys a call."""
        wanted = [(report_pk(t, r), SK) for t, r in dict.fromkeys(keys)]
        found: dict[tuple[str, str], PolicyReport] = {}
        with translated():
            for start in range(0, len(wanted), BATCH):
                for item in PolicyReportItem.batch_get(wanted[start : start + BATCH]):
                    report = from_item(item)
                    found[(report.tenant, report.id)] = report
        return found

    def list(self, *, tenant: str, cursor: str | None, limit: int) -> tuple[list[PolicyReport], str | None]:
        """A page of the office's reports, latest period first (one Query of GSI1)."""
        pk = tenant_key(tenant, "POLICYS")
        start = decode(cursor, partition_attr="GSI1PK", partition_value=pk)
        with translated():
            results = PolicyReportItem.gsi1.query(pk, scan_index_forward=False, limit=limit, last_evaluated_key=start)
            found = [from_item(i) for i in results if isinstance(i, PolicyReportItem)]
        return found, encode(results.last_evaluated_key) if results.last_evaluated_key else None

    def save(self, report: PolicyReport, change: ReportChange) -> None:
        """Save at its version (a new one must not exist: 409) with its audit entry and inbox entry."""
        tenant = report.tenant

        def build(tx: TransactWrite) -> None:
            tx.save(to_item(report))
            tx.save(self._journal.entry(tenant=tenant, event=change.event))
            if change.pending:
                tx.save(self._approvals.pending_item(tenant=tenant, **change.pending))
            if change.decided:
                tx.delete(self._approvals.decided_item(tenant=tenant, **change.decided), add_version_condition=False)

        commit(build, conflict=M.STALE if report.version else M.EXISTS)
        report.version += 1
