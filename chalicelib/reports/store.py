"""The statistics' counter items in the single table (docs/data-model.md "Report counters") — their only module.

One partition per tenant, `T#{tenant}#KPI`: an item per period (SK `D#2026-12-01`, `M#2026-12`, `Q#2026-4`,
`Y#2026`) and the "now" gauge (SK `NOW`). Their attributes have dynamic names (facts.py: `received`,
`received|channel=hotline`, `wd:3`, `due:2026-12-05`, `corr|answered`…), added to with ADD in the request step's own
transaction (requests/store.py `commit`), one update per item — at most five items a tenant — and read with the
low-level connection (PynamoDB ignores undeclared attributes), as the survey result cells are
(surveys/store.py). Equal values share one placeholder, so an update stays far under DynamoDB's 4 KB expression
limit (a request step touches at most ~120 attributes of an item: ~1.6 KB). A page reads O(tenants × periods)
items, never the requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib.adapters.counters import adds
from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated

Key = tuple[str, str]  # (tenant, item sort key)
Values = dict[str, int]
BATCH = 100  # keys a BatchGetItem may ask for


class KpiItem(BaseItem, discriminator="KpiCounters"):
    """A counter item: its counters are attributes with dynamic names (facts.py), written and read unmodelled."""


def _pk(tenant: str) -> str:
    return tenant_key(tenant, "KPI")


def _adds(values: Mapping[str, int], tenant: str) -> list[Action]:
    """ADD each counter (a list path: a name's dots and pipes are not split), with the item's type and tenant set."""
    return adds(dict(sorted(values.items()))) + [KpiItem.type.set(KpiItem), KpiItem.tenant.set(tenant)]


def _numbers(raw: Mapping[str, Any]) -> Values:
    return {k: int(v["N"]) for k, v in raw.items() if "N" in v and k != "version"}


class DynamoCounterStore:
    """Counter items: ADDs for a step's transaction or on their own; one GetItem or BatchGets to read."""

    def update(self, *, tenant: str, key: str, values: Mapping[str, int]) -> tuple[BaseItem, list[Action]]:
        """The item and the ADD actions for a transaction's `tx.update(item, actions=…)`."""
        return KpiItem(_pk(tenant), key, tenant=tenant), _adds(values, tenant)

    def adjust(self, *, tenant: str, deltas: Mapping[str, Mapping[str, int]]) -> None:
        """ADD a difference to each item, one UpdateItem each (a step's ADD landing meanwhile commutes with it)."""
        for key, values in deltas.items():
            if values:
                item, actions = self.update(tenant=tenant, key=key, values=values)
                with translated():
                    item.update(actions=actions, add_version_condition=False)

    def values(self, *, tenant: str, key: str, consistent: bool = False) -> Values:
        """One item's counters ({} when it was never written): one GetItem."""
        with translated():
            raw = KpiItem._get_connection().get_item(_pk(tenant), range_key=key, consistent_read=consistent)
        return _numbers(raw.get("Item", {}))

    def many(self, keys: Iterable[Key]) -> dict[Key, Values]:
        """Many items, of one tenant or many, by BatchGetItem (100 keys a call, unprocessed keys asked again)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[Key, Values] = {key: {} for key in wanted}
        table = KpiItem._get_connection()
        for start in range(0, len(wanted), BATCH):
            pending: Sequence[Any] = [{"PK": _pk(t), "SK": k} for t, k in wanted[start : start + BATCH]]
            while pending:
                with translated():
                    page = table.batch_get_item(pending)
                for raw in page.get("Responses", {}).get(table.table_name, []):
                    tenant = raw["PK"]["S"].split("#")[1]
                    found[(tenant, raw["SK"]["S"])] = _numbers(raw)
                pending = page.get("UnprocessedKeys", {}).get(table.table_name, {}).get("Keys", [])
        return found
