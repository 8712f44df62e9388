"""A survey's tally counters in the single table (docs/data-model.md "Survey tally") — the only module that knows their keys.

One partition per survey part, under the tenant that holds the part (a national survey's province writes its own):
PK `T#{t}#STALLY#{survey_id}`, SK `S#{stratum}` (a number attribute per status of surveys/tally.py `COUNTERS`: the
events and the AAPOR dispositions) and SK `D#{yyyy-mm-dd}#S#{stratum}` (the events of that day, Vietnam's date, for
the chart). Reading a tally is one paged Query of the partition: strata × days items, never members or answers.

Counters change by ADD only. The member's change and its counters go in one transaction (`increments` gives the
parts; the member's version condition makes a retry add nothing); a system event without a member write uses `add`,
whose marker item (PK `T#{t}#STALLY#{survey_id}#EVENTS`, SK `E#{event_id}`, kept 30 days) makes a retry count once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import commit
from chalicelib.shared.errors import ConflictError

from .tally import COUNTERS, STATUSES, DayCount, SurveyTally, Tally, TallyStore, UnknownStatusError

EVENT_MARKER_SECONDS = 30 * 24 * 3600


class TallyCountItem(BaseItem, discriminator="SurveyTally"):
    """The counters of one stratum of a survey part, overall (`S#…`) or on one day (`D#…`)."""

    survey_id = UnicodeAttribute()
    stratum = UnicodeAttribute()
    day = UnicodeAttribute(null=True)
    planned = NumberAttribute(null=True)
    invited = NumberAttribute(null=True)
    delivered = NumberAttribute(null=True)
    opened = NumberAttribute(null=True)
    started = NumberAttribute(null=True)
    completed = NumberAttribute(null=True)
    refused = NumberAttribute(null=True)
    unreachable = NumberAttribute(null=True)
    replaced = NumberAttribute(null=True)
    ineligible = NumberAttribute(null=True)
    aapor_NE = NumberAttribute(null=True)
    aapor_I = NumberAttribute(null=True)
    aapor_R = NumberAttribute(null=True)
    aapor_P = NumberAttribute(null=True)
    aapor_NC = NumberAttribute(null=True)
    aapor_U = NumberAttribute(null=True)


class TallyEventItem(BaseItem, discriminator="SurveyTallyEvent"):
    """A system event already counted (`add`), so that its retry is not."""


_ATTRIBUTES: dict[str, NumberAttribute] = {name: getattr(TallyCountItem, name) for name in COUNTERS}


def tally_key(tenant: str, survey_id: str) -> str:
    """The partition of a survey part's counters."""
    return tenant_key(tenant, "STALLY", survey_id)


@dataclass(frozen=True)
class CounterUpdate:
    """One counter item's ADDs, a part of the caller's transaction: `part.add_to(tx)`."""

    item: TallyCountItem
    actions: tuple[Action, ...]

    def add_to(self, tx: TransactWrite) -> None:
        """Add this update to a PynamoDB transaction (counters carry no version)."""
        tx.update(self.item, list(self.actions), add_version_condition=False)


def add_parts(tx: TransactWrite, parts: Sequence[CounterUpdate]) -> None:
    """Add every part to the caller's transaction."""
    for part in parts:
        part.add_to(tx)


def _checked(counts: Mapping[str, int]) -> dict[str, int]:
    unknown = set(counts) - set(COUNTERS)
    if unknown:
        raise UnknownStatusError(", ".join(sorted(unknown)))
    return {name: int(value) for name, value in counts.items() if value}


def increments(*, tenant: str, survey_id: str, stratum: str, day: date, counts: Mapping[str, int]) -> list[CounterUpdate]:
    """The updates that add `counts` (surveys/tally.py `advance`) to the stratum and to its day: none when all are 0.

    DynamoDB allows one operation per item in a transaction: sum the counts of several members of one stratum first.
    """
    added = _checked(counts)
    if not added:
        return []
    pk = tally_key(tenant, survey_id)
    parts = []
    for sk, names, day_text in (
        (f"S#{stratum}", added, None),
        (f"D#{day.isoformat()}#S#{stratum}", {n: v for n, v in added.items() if n in STATUSES}, day.isoformat()),
    ):
        if not names:
            continue
        actions: list[Action] = [_ATTRIBUTES[n].add(v) for n, v in names.items()]
        actions += [
            TallyCountItem.type.set(TallyCountItem),
            TallyCountItem.tenant.set(tenant),
            TallyCountItem.survey_id.set(survey_id),
            TallyCountItem.stratum.set(stratum),
        ]
        if day_text:
            actions.append(TallyCountItem.day.set(day_text))
        parts.append(CounterUpdate(TallyCountItem(pk, sk), tuple(actions)))
    return parts


def _read(items: Sequence[TallyCountItem], survey_id: str) -> SurveyTally:
    strata, days = [], []
    for item in items:
        counts = {n: int(v) for n in COUNTERS if (v := getattr(item, n)) is not None}
        if item.SK.startswith("S#"):
            strata.append(Tally(item.stratum, counts))
        elif item.day:
            days.append(DayCount(date.fromisoformat(item.day), item.stratum, counts))
    return SurveyTally(survey_id, strata, days)


class DynamoTallyStore(TallyStore):
    """Survey tally counters in DynamoDB."""

    def increments(
        self, *, tenant: str, survey_id: str, stratum: str, day: date, counts: Mapping[str, int]
    ) -> list[CounterUpdate]:
        """Transaction parts for the caller's member change (see `increments`)."""
        return increments(tenant=tenant, survey_id=survey_id, stratum=stratum, day=day, counts=counts)

    def add(
        self, *, tenant: str, survey_id: str, stratum: str, day: date, counts: Mapping[str, int], event_id: str, at: datetime
    ) -> bool:
        """Count a system event once (one transaction with its marker); False when `event_id` was already counted."""
        parts = increments(tenant=tenant, survey_id=survey_id, stratum=stratum, day=day, counts=counts)
        marker = TallyEventItem(
            f"{tally_key(tenant, survey_id)}#EVENTS",
            f"E#{event_id}",
            tenant=tenant,
            expires_at=int(at.timestamp()) + EVENT_MARKER_SECONDS,
        )

        def build(tx: TransactWrite) -> None:
            tx.save(marker, condition=TallyEventItem.PK.does_not_exist())
            add_parts(tx, parts)

        try:
            commit(build)
        except ConflictError:
            return False
        return True

    def read(self, *, tenant: str, survey_id: str) -> SurveyTally:
        """One paged Query of the part's partition (strata × days items)."""
        with translated():
            items = [i for i in TallyCountItem.query(tally_key(tenant, survey_id)) if isinstance(i, TallyCountItem)]
        return _read(items, survey_id)
