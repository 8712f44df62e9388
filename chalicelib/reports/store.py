"""The statistics' counter items in the single table (docs/data-model.md "Report counters") — their only module.

One partition per tenant, `T#{tenant}#KPI`: a pair of items per period — its totals (SK `D#2026-12-01`, `M#2026-12`,
`Q#2026-4`, `Y#2026`) and its dimension values (the same SK + `#DIMS`) — and the "now" gauge (SK `NOW`). Their
attributes have dynamic names (facts.py: `received`, `wd:3`, `due:2026-12-05`, `corr|answered` in the totals;
`received|channel=hotline`, `escalated|unit=…` in the dimensions' item), added to with ADD in the request step's own
transaction (requests/store.py `commit`), one update per item — at most nine items a tenant — and read with the
low-level connection (PynamoDB ignores undeclared attributes), as the survey result cells are (surveys/store.py).

Why two items a period: the league table, the trend and the dashboard read totals only, and a totals item holds a
few dozen attributes whatever the volume (the measures, `wd:0`…`wd:30+`, a province's transfers), while the
dimensions' item grows with the units and categories that saw a request — ~1,000 attributes in a busy office's
month, which cost a read by its size (DynamoDB charges per 4 KB; moto copied them at 3.7× the time). A reader
of one period (`values`) gets both, summed per name — so an item written before the split still reads right.
Equal values share one placeholder, so an update stays far under DynamoDB's 4 KB expression limit (a request step
touches at most ~120 attributes of an item: ~1.6 KB). A page reads O(tenants × periods) items, never the requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action

from chalicelib.adapters.counters import adds
from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated

from .facts import NOW_KEY, sliced

Key = tuple[str, str]  # (tenant, item sort key)
Values = dict[str, int]
BATCH = 100  # keys a BatchGetItem may ask for
DIMS = "#DIMS"  # the sort key suffix of a period's dimension values


class KpiItem(BaseItem, discriminator="KpiCounters"):
    """A counter item: its counters are attributes with dynamic names (facts.py), written and read unmodelled."""


def _pk(tenant: str) -> str:
    return tenant_key(tenant, "KPI")


def _adds(values: Mapping[str, int], tenant: str) -> list[Action]:
    """ADD each counter (a list path: a name's dots and pipes are not split), with the item's type and tenant set."""
    return adds(dict(sorted(values.items()))) + [KpiItem.type.set(KpiItem), KpiItem.tenant.set(tenant)]


def _numbers(raw: Mapping[str, Any]) -> Values:
    return {k: int(v["N"]) for k, v in raw.items() if "N" in v and k != "version"}


def _split(key: str, values: Mapping[str, int]) -> list[tuple[str, dict[str, int]]]:
    """The item sort keys a period's counters live in, each with its part (the totals first; parts not empty)."""
    totals = {n: v for n, v in values.items() if not sliced(n)}
    dims = {n: v for n, v in values.items() if sliced(n)}
    return [(sk, part) for sk, part in ((key, totals), (key + DIMS, dims)) if part]


class DynamoCounterStore:
    """Counter items: ADDs for a step's transaction or on their own; BatchGets to read."""

    def parts(self, *, tenant: str, key: str, values: Mapping[str, int]) -> list[tuple[BaseItem, list[Action]]]:
        """Each item and its ADD actions for a transaction's `tx.update(item, actions=…)` (one or two a period)."""
        return [(KpiItem(_pk(tenant), sk, tenant=tenant), _adds(part, tenant)) for sk, part in _split(key, values)]

    def adjust(self, *, tenant: str, deltas: Mapping[str, Mapping[str, int]]) -> None:
        """ADD a difference to each item, one UpdateItem each (a step's ADD landing meanwhile commutes with it)."""
        for key, values in deltas.items():
            for item, actions in self.parts(tenant=tenant, key=key, values=values):
                with translated():
                    item.update(actions=actions, add_version_condition=False)

    def values(self, *, tenant: str, key: str, consistent: bool = False) -> Values:
        """One period's counters, totals and dimensions ({} when never written): one BatchGetItem of its two items."""
        return self.many([(tenant, key)], consistent=consistent)[(tenant, key)]

    def many(
        self, keys: Iterable[Key], *, dimensions: bool = True, consistent: bool = False, names: Sequence[str] | None = None
    ) -> dict[Key, Values]:
        """Many periods, of one tenant or many, by BatchGetItem (100 keys a call, unprocessed keys asked again);
        `dimensions=False` reads their totals only (the trend, the dashboard), `names` only those totals (the
        league table: what its indicator reads)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[Key, Values] = {key: {} for key in wanted}
        dims = dimensions and names is None
        items = [(t, sk) for t, k in wanted for sk in ((k, k + DIMS) if dims and k != NOW_KEY else (k,))]
        projection = None if names is None else [Path([n]) for n in ("PK", "SK", *names)]
        table = KpiItem._get_connection()
        for start in range(0, len(items), BATCH):
            pending: Sequence[Any] = [{"PK": _pk(t), "SK": k} for t, k in items[start : start + BATCH]]
            while pending:
                with translated():
                    page = table.batch_get_item(pending, consistent_read=consistent, attributes_to_get=projection)
                for raw in page.get("Responses", {}).get(table.table_name, []):
                    period = found[(raw["PK"]["S"].split("#")[1], raw["SK"]["S"].removesuffix(DIMS))]
                    for name, n in _numbers(raw).items():
                        period[name] = period.get(name, 0) + n
                pending = page.get("UnprocessedKeys", {}).get(table.table_name, {}).get("Keys", [])
        return found
