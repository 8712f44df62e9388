"""Retention settings and the retention job's state in the single table (docs/data-model.md).

- national bounds  PK T#ccc#RETENTION        SK national   (the CCC's minimum/maximum per kind; audit under `ccc`)
- tenant policy    PK T#{tenant}#RETENTION   SK policy     (the tenant's months per kind; version → 409)
- job state        PK T#{tenant}#RETENTION   SK run        (last run and how far the audit trail was purged;
                                                            written by the job only, last writer wins)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import Journal, write
from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.permissions import CENTRAL_TENANT

from .retention import NationalBounds, RetentionPolicy

POLICY_SK, NATIONAL_SK, RUN_SK = "policy", "national", "run"


class MonthsAttribute(MapAttribute[str, object]):
    """One kind's months (a tenant's setting)."""

    key = UnicodeAttribute()
    months = NumberAttribute()


class BoundsAttribute(MapAttribute[str, object]):
    """One kind's national minimum and maximum."""

    key = UnicodeAttribute()
    minimum = NumberAttribute()
    maximum = NumberAttribute()


class RetentionPolicyItem(BaseItem, discriminator="RetentionPolicy"):
    """A tenant's retention months (absent kinds keep the default)."""

    months = ListAttribute(of=MonthsAttribute, default=list)


class RetentionBoundsItem(BaseItem, discriminator="RetentionBounds"):
    """The national bounds (absent kinds keep the product's)."""

    bounds = ListAttribute(of=BoundsAttribute, default=list)


class RetentionRunItem(BaseItem, discriminator="RetentionRun"):
    """What the last run of the retention job did in a tenant."""

    ran_at = UnicodeAttribute()
    customers_anonymised = NumberAttribute(default=0)
    requests_redacted = NumberAttribute(default=0)
    audit_months_purged = NumberAttribute(default=0)
    complete = UnicodeAttribute(default="yes")  # "no": it stopped before the end and the next run goes on
    audit_purged_through = UnicodeAttribute(null=True)  # yyyy-mm: every month up to it is gone


@dataclass(frozen=True)
class RetentionRun:
    """One run of the job in a tenant: what it did, whether it reached the end, how far the audit trail is purged."""

    ran_at: datetime
    customers_anonymised: int = 0
    requests_redacted: int = 0
    audit_months_purged: int = 0
    complete: bool = True
    audit_purged_through: str | None = None


def _version(item: BaseItem, version: int) -> None:
    """Version 0 means "never saved": left unset, the write then requires that the item does not exist yet."""
    if version:
        item.version = version


class RetentionStore:
    """Repository of retention settings and job state; one GetItem to read each, one transaction to change a setting."""

    def __init__(self, *, journal: Journal) -> None:
        self._journal = journal

    def national(self) -> NationalBounds:
        """The CCC's bounds (the product's, version 0, while never set)."""
        with translated():
            try:
                item = RetentionBoundsItem.get(tenant_key(CENTRAL_TENANT, "RETENTION"), NATIONAL_SK)
            except RetentionBoundsItem.DoesNotExist:
                return NationalBounds()
        bounds = {str(b.key): (int(b.minimum), int(b.maximum)) for b in item.bounds or []}
        return NationalBounds(bounds, item.version or 0)

    def save_national(self, *, bounds: NationalBounds, event: AuditEvent) -> NationalBounds:
        """Replace the national bounds if still at `bounds.version`, with the audit entry (under `ccc`) in one transaction."""
        item = RetentionBoundsItem(
            tenant_key(CENTRAL_TENANT, "RETENTION"),
            NATIONAL_SK,
            tenant=CENTRAL_TENANT,
            bounds=[BoundsAttribute(key=k, minimum=lo, maximum=hi) for k, (lo, hi) in sorted(bounds.bounds.items())],
        )
        _version(item, bounds.version)
        write(item, journal=self._journal, tenant=CENTRAL_TENANT, event=event)
        return NationalBounds(dict(bounds.bounds), item.version or 0)

    def policy(self, *, tenant: str, national: NationalBounds) -> RetentionPolicy:
        """The tenant's policy within `national` (the defaults, version 0, while never changed)."""
        with translated():
            try:
                item = RetentionPolicyItem.get(tenant_key(tenant, "RETENTION"), POLICY_SK)
            except RetentionPolicyItem.DoesNotExist:
                return RetentionPolicy(tenant, national=national)
        custom = {str(m.key): int(m.months) for m in item.months or []}
        return RetentionPolicy(tenant, custom, item.version or 0, national)

    def save_policy(self, *, policy: RetentionPolicy, event: AuditEvent) -> RetentionPolicy:
        """Replace the tenant's months if still at `policy.version`, with the audit entry in the same transaction."""
        item = RetentionPolicyItem(
            tenant_key(policy.tenant, "RETENTION"),
            POLICY_SK,
            tenant=policy.tenant,
            months=[MonthsAttribute(key=k, months=v) for k, v in sorted(policy.custom.items())],
        )
        _version(item, policy.version)
        write(item, journal=self._journal, tenant=policy.tenant, event=event)
        return RetentionPolicy(policy.tenant, dict(policy.custom), item.version or 0, policy.national)

    def last_run(self, *, tenant: str) -> RetentionRun | None:
        """What the job did last in the tenant, or None before its first run."""
        with translated():
            try:
                item = RetentionRunItem.get(tenant_key(tenant, "RETENTION"), RUN_SK)
            except RetentionRunItem.DoesNotExist:
                return None
        return RetentionRun(
            parse_iso(item.ran_at),
            int(item.customers_anonymised or 0),
            int(item.requests_redacted or 0),
            int(item.audit_months_purged or 0),
            item.complete != "no",
            item.audit_purged_through,
        )

    def save_run(self, *, tenant: str, run: RetentionRun) -> None:
        """Record a run (a system write: no version check, the latest run wins)."""
        item = RetentionRunItem(
            tenant_key(tenant, "RETENTION"),
            RUN_SK,
            tenant=tenant,
            ran_at=iso(run.ran_at),
            customers_anonymised=run.customers_anonymised,
            requests_redacted=run.requests_redacted,
            audit_months_purged=run.audit_months_purged,
            complete="yes" if run.complete else "no",
            audit_purged_through=run.audit_purged_through,
        )
        with translated():
            item.save(add_version_condition=False)
