"""The same contract for the survey tally counters in memory and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.shared.errors import ConflictError
from chalicelib.surveys.tally import UnknownStatusError, advance
from tests.fakes import FakeTallyStore

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "dynamodb"])
def tally(request: Any) -> tuple[Any, Callable[[Sequence[Any]], None]]:
    """The store and what the caller's transaction does with its parts."""
    if request.param == "memory":
        fake = FakeTallyStore()
        return fake, fake.apply
    request.getfixturevalue("stack")
    from chalicelib.adapters.unit_of_work import commit
    from chalicelib.surveys.tally_store import DynamoTallyStore, add_parts

    def in_transaction(parts: Sequence[Any]) -> None:
        commit(lambda tx: add_parts(tx, parts))

    return DynamoTallyStore(), in_transaction


def member(
    store: Any, apply: Callable[[Sequence[Any]], None], tenant: str, survey: str, stratum: str, *events: str, day: date = DAY
) -> None:
    """One member's life, each event in its own transaction as the survey store writes it."""
    reached: frozenset[str] = frozenset()
    for event in events:
        step = advance(reached, event)
        reached = step.reached
        apply(store.increments(tenant=tenant, survey_id=survey, stratum=stratum, day=day, counts=step.counts))


def test_members_events_add_up_per_stratum_and_per_day(tally: Any, unique: str) -> None:
    store, apply = tally
    tenant, survey = f"t{unique}", f"s{unique}"
    member(store, apply, tenant, survey, "hanoi|hotline", "planned", "invited", "completed")
    member(store, apply, tenant, survey, "hanoi|hotline", "planned", "invited", "delivered", day=date(2026, 3, 3))
    member(store, apply, tenant, survey, "hanoi|counter", "planned", "invited", "unreachable", "replaced")
    read = store.read(tenant=tenant, survey_id=survey)
    rows = {t.stratum: t for t in read.strata}
    assert set(rows) == {"hanoi|hotline", "hanoi|counter"}
    hotline = rows["hanoi|hotline"]
    assert (hotline["planned"], hotline["invited"], hotline["delivered"], hotline["completed"]) == (2, 2, 2, 1)
    assert (hotline["aapor_I"], hotline["aapor_NC"], hotline["aapor_U"]) == (1, 1, 0)
    assert rows["hanoi|counter"]["replaced"] == 1 and rows["hanoi|counter"]["aapor_U"] == 1
    assert read.overall.rr1 == pytest.approx(1 / 3)
    by_day = sorted((d.day, d.stratum, d.counts.get("invited", 0), d.counts.get("completed", 0)) for d in read.days)
    assert by_day == [
        (DAY, "hanoi|counter", 1, 0),
        (DAY, "hanoi|hotline", 1, 1),
        (date(2026, 3, 3), "hanoi|hotline", 1, 0),  # the second member, invited a day later
    ]
    assert all("aapor_I" not in d.counts for d in read.days), "dispositions are kept on the stratum's item only"


def test_an_event_that_adds_nothing_gives_no_part(tally: Any, unique: str) -> None:
    store, _ = tally
    assert store.increments(tenant="hanoi", survey_id=f"s{unique}", stratum="all", day=DAY, counts={"opened": 0}) == []


def test_an_unknown_counter_is_refused_before_anything_is_written(tally: Any, unique: str) -> None:
    store, _ = tally
    with pytest.raises(UnknownStatusError):
        store.increments(tenant="hanoi", survey_id=f"s{unique}", stratum="all", day=DAY, counts={"answered": 1})


def test_a_system_event_counts_once_however_often_it_is_retried(tally: Any, unique: str) -> None:
    store, _ = tally
    tenant, survey = f"t{unique}", f"s{unique}"
    args = {"tenant": tenant, "survey_id": survey, "stratum": "all", "day": DAY, "at": AT}
    assert store.add(**args, counts={"delivered": 1}, event_id="ses-1") is True
    assert store.add(**args, counts={"delivered": 1}, event_id="ses-1") is False
    assert store.add(**args, counts={"delivered": 1}, event_id="ses-2") is True
    (row,) = store.read(tenant=tenant, survey_id=survey).strata
    assert row["delivered"] == 2


def test_parts_and_tenants_are_apart(tally: Any, unique: str) -> None:
    store, apply = tally
    survey = f"s{unique}"
    member(store, apply, f"hanoi{unique}", survey, "all", "planned")
    member(store, apply, f"hue{unique}", survey, "all", "planned", "invited")
    member(store, apply, f"hue{unique}", f"other{unique}", "all", "planned")
    assert [t["invited"] for t in store.read(tenant=f"hanoi{unique}", survey_id=survey).strata] == [0]
    assert [t["invited"] for t in store.read(tenant=f"hue{unique}", survey_id=survey).strata] == [1]
    assert store.read(tenant=f"nobody{unique}", survey_id=survey).strata == []


def test_the_parts_ride_the_callers_transaction_and_a_refused_one_counts_nothing(stack: Any, unique: str) -> None:
    from chalicelib.adapters.dynamo import BaseItem
    from chalicelib.adapters.unit_of_work import Check, commit
    from chalicelib.surveys.tally_store import DynamoTallyStore, add_parts

    store, tenant, survey = DynamoTallyStore(), f"t{unique}", f"s{unique}"
    parts = store.increments(
        tenant=tenant, survey_id=survey, stratum="all", day=DAY, counts=advance(frozenset(), "invited").counts
    )
    missing = Check(BaseItem, f"T#{tenant}#SURVEY#{survey}", f"M#m{unique}", BaseItem.PK.exists(), ConflictError("stale"))
    with pytest.raises(ConflictError):
        commit(lambda tx: add_parts(tx, parts), checks=[missing])
    assert store.read(tenant=tenant, survey_id=survey).strata == []
    commit(lambda tx: add_parts(tx, parts))
    (row,) = store.read(tenant=tenant, survey_id=survey).strata
    assert (row["planned"], row["invited"], row["aapor_U"]) == (1, 1, 1)


def test_reading_a_tally_is_one_query_whatever_the_number_of_members(stack: Any, unique: str) -> None:
    from chalicelib.adapters import dynamo
    from chalicelib.surveys.tally_store import DynamoTallyStore

    store, tenant, survey = DynamoTallyStore(), f"t{unique}", f"s{unique}"
    for i in range(30):
        member(store, store_commit, tenant, survey, f"p{i % 3}", "planned", "invited", "completed")
    calls: list[str] = []
    stop = dynamo.on_call(lambda operation_name: calls.append(operation_name))
    try:
        read = store.read(tenant=tenant, survey_id=survey)
    finally:
        stop()
    assert calls == ["Query"]
    assert len(read.strata) == 3 and len(read.days) == 3
    assert read.overall["completed"] == 30


def store_commit(parts: Sequence[Any]) -> None:
    from chalicelib.adapters.unit_of_work import commit
    from chalicelib.surveys.tally_store import add_parts

    commit(lambda tx: add_parts(tx, parts))
