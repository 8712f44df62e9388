"""local/snapshot.py: a save writes only what changed since the last one, and nothing when nothing did."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.adapters.cognito import CognitoDirectory


@pytest.fixture
def dynamodb(stack: Any) -> Any:
    """A low-level client on the session's moto server."""
    return boto3.client("dynamodb", endpoint_url=stack.endpoint, region_name=stack.region)


def _item(pk: str, note: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": "A"}, "note": {"S": note}}


def _table_now(dynamodb: Any, table: str) -> dict[tuple[str, str], Any]:
    items: dict[tuple[str, str], Any] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        items.update({(i["PK"]["S"], i["SK"]["S"]): i for i in page["Items"]})
    return items


def test_saves_write_the_changes_only_and_loading_replays_them(stack, dynamodb, tmp_path, unique):
    from local.snapshot import Snapshot

    table = stack.table_name
    dynamodb.put_item(TableName=table, Item=_item(f"SNAP#{unique}#kept", "one"))
    dynamodb.put_item(TableName=table, Item=_item(f"SNAP#{unique}#gone", "one"))
    saved = Snapshot(stack, tmp_path / "state.json")
    assert saved.save() == "full"
    base = saved.path.read_bytes()

    assert saved.save() == "unchanged"
    assert not saved.journal.exists() and saved.path.read_bytes() == base

    dynamodb.put_item(TableName=table, Item=_item(f"SNAP#{unique}#new", "two"))
    dynamodb.update_item(
        TableName=table,
        Key={"PK": {"S": f"SNAP#{unique}#kept"}, "SK": {"S": "A"}},
        UpdateExpression="SET note = :n",
        ExpressionAttributeValues={":n": {"S": "changed"}},
    )
    dynamodb.delete_item(TableName=table, Key={"PK": {"S": f"SNAP#{unique}#gone"}, "SK": {"S": "A"}})
    assert saved.save() == "journal"
    assert saved.path.read_bytes() == base, "state.json is not rewritten"
    lines = [json.loads(line) for line in saved.journal.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"base": json.loads(base)["id"]}
    assert [next(iter(entry)) for entry in lines[1:]] == ["put", "put", "delete"]
    assert saved.save() == "unchanged"

    loaded = Snapshot(stack, saved.path).load()
    assert loaded is not None
    items, users = loaded
    assert {(i["PK"]["S"], i["SK"]["S"]): i for i in items} == _table_now(dynamodb, table)
    assert {u["username"] for u in users} >= {"hanoi.agent", "ccc.leader"}


def test_an_account_change_is_saved_and_a_journal_of_another_base_is_ignored(stack, tmp_path, unique):
    from local.snapshot import Snapshot

    saved = Snapshot(stack, tmp_path / "state.json")
    assert saved.save() == "full"
    directory = CognitoDirectory(
        boto3.client("cognito-idp", endpoint_url=stack.endpoint, region_name=stack.region),
        pool_id=stack.user_pool_id,
        client_id=stack.user_pool_client_id,
    )
    directory.create_user(
        username=f"hanoi.snap-{unique}",
        tenant="hanoi",
        full_name="Người mới",
        email=None,
        unit_id=None,
        roles=["agent"],
        temporary_password="Tam@123456",
    )
    assert saved.save() == "journal"
    loaded = Snapshot(stack, saved.path).load()
    assert loaded is not None and f"hanoi.snap-{unique}" in {u["username"] for u in loaded[1]}

    saved.journal.write_text(
        json.dumps({"base": "another"}) + "\n" + json.dumps({"delete": {"PK": {"S": "x"}, "SK": {"S": "y"}}}) + "\n"
    )
    assert Snapshot(stack, saved.path).load() is not None
    assert not saved.journal.exists(), "a journal left from before the last full save is dropped"
