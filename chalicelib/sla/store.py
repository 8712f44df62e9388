"""Calendar overrides (national, under the CCC: PK T#ccc#CALENDAR, SK {year}) and SLA policies (PK T#{tenant}#SLA, SK policy)."""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.tenant_scope import share_for_reading
from chalicelib.adapters.unit_of_work import Journal, write
from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.permissions import CENTRAL_TENANT

from .domain import CalendarOverrides
from .law import SOURCE_DECREE, MarkedDay
from .policy import SlaPolicy

POLICY_SK = "policy"
CALENDAR_PK = tenant_key(CENTRAL_TENANT, "CALENDAR")
share_for_reading(CALENDAR_PK)  # every tenant's deadlines count the national calendar; only the CCC writes it


class DayAttribute(MapAttribute[str, str]):
    """One overridden date with its name."""

    day = UnicodeAttribute()
    name = UnicodeAttribute()


class LimitAttribute(MapAttribute[str, object]):
    """One limit the tenant shortened."""

    key = UnicodeAttribute()
    amount = NumberAttribute()


class CalendarItem(BaseItem, discriminator="CalendarOverrides"):
    """The government's substitutions for one year."""

    days_off = ListAttribute(of=DayAttribute, default=list)
    working_days = ListAttribute(of=DayAttribute, default=list)


class SlaPolicyItem(BaseItem, discriminator="SlaPolicy"):
    """A tenant's shortened limits (absent keys are Annex 2's)."""

    limits = ListAttribute(of=LimitAttribute, default=list)


def _days(attributes: list[DayAttribute]) -> tuple[MarkedDay, ...]:
    return tuple(MarkedDay(date.fromisoformat(a.day), a.name, SOURCE_DECREE) for a in attributes or [])


def _attributes(days: tuple[MarkedDay, ...]) -> list[DayAttribute]:
    return [DayAttribute(day=d.day.isoformat(), name=d.name) for d in days]


def _version(item: BaseItem, version: int) -> None:
    """Version 0 means "never saved": left unset, the write then requires that the item does not exist yet."""
    if version:
        item.version = version


class SlaStore:
    """Repository of calendar overrides and SLA policies; each is one GetItem to read, one transaction to write."""

    def __init__(self, *, journal: Journal) -> None:
        self._journal = journal

    def overrides(self, *, year: int) -> CalendarOverrides:
        """The year's overrides (empty, version 0, when none were entered)."""
        with translated():
            try:
                item = CalendarItem.get(CALENDAR_PK, str(year))
            except CalendarItem.DoesNotExist:
                return CalendarOverrides(year)
        return CalendarOverrides(year, _days(item.days_off), _days(item.working_days), item.version or 0)

    def save_overrides(self, *, overrides: CalendarOverrides, event: AuditEvent) -> CalendarOverrides:
        """Replace the year's overrides if still at `overrides.version`, with the audit entry in the same transaction."""
        item = CalendarItem(
            CALENDAR_PK,
            str(overrides.year),
            tenant=CENTRAL_TENANT,
            days_off=_attributes(overrides.days_off),
            working_days=_attributes(overrides.working_days),
        )
        _version(item, overrides.version)
        write(item, journal=self._journal, tenant=CENTRAL_TENANT, event=event)
        return CalendarOverrides(overrides.year, overrides.days_off, overrides.working_days, item.version or 0)

    def policy(self, *, tenant: str) -> SlaPolicy:
        """The tenant's policy (Annex 2 as it stands, version 0, when never changed)."""
        with translated():
            try:
                item = SlaPolicyItem.get(tenant_key(tenant, "SLA"), POLICY_SK)
            except SlaPolicyItem.DoesNotExist:
                return SlaPolicy(tenant)
        custom = {str(a.key): int(a.amount) for a in item.limits or []}
        return SlaPolicy(tenant, custom, item.version or 0)

    def save_policy(self, *, policy: SlaPolicy, event: AuditEvent) -> SlaPolicy:
        """Replace the tenant's policy if still at `policy.version`, with the audit entry in the same transaction."""
        item = SlaPolicyItem(
            tenant_key(policy.tenant, "SLA"),
            POLICY_SK,
            tenant=policy.tenant,
            limits=[LimitAttribute(key=k, amount=v) for k, v in sorted(policy.custom.items())],
        )
        _version(item, policy.version)
        write(item, journal=self._journal, tenant=policy.tenant, event=event)
        return SlaPolicy(policy.tenant, dict(policy.custom), item.version or 0)
