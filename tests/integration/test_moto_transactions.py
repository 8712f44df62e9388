"""local/moto_transactions.py: TransactWriteItems backs up only the items it touches and still rolls back exactly."""

from __future__ import annotations

import copy
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def dynamodb(stack: Any) -> Any:
    """A low-level client on the session's moto server."""
    return boto3.client("dynamodb", endpoint_url=stack.endpoint, region_name=stack.region)


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _item(pk: str, sk: str, **attributes: str) -> dict[str, Any]:
    return {"PK": _s(pk), "SK": _s(sk), **{name: _s(value) for name, value in attributes.items()}}


def _index(dynamodb: Any, table: str, pk: str) -> list[str]:
    """The table keys of the items under one GSI1 partition."""
    found = dynamodb.query(
        TableName=table, IndexName="GSI1", KeyConditionExpression="GSI1PK = :pk", ExpressionAttributeValues={":pk": _s(pk)}
    )["Items"]
    return sorted(f"{i['PK']['S']}|{i['SK']['S']}" for i in found)


def _get(dynamodb: Any, table: str, pk: str, sk: str) -> dict[str, Any] | None:
    return dynamodb.get_item(TableName=table, Key={"PK": _s(pk), "SK": _s(sk)}, ConsistentRead=True).get("Item")


def _note(dynamodb: Any, table: str, pk: str, sk: str) -> Any:
    """The item's `note` attribute (the item must exist)."""
    item = _get(dynamodb, table, pk, sk)
    assert item is not None, f"{pk}/{sk} is missing"
    return item["note"]


def _transaction(table: str, tag: str, *, guard: str) -> list[dict[str, Any]]:
    """Put a new item, update one (moving it to another GSI1 partition), delete one, then check a guard item."""
    return [
        {
            "Put": {
                "TableName": table,
                "Item": _item(f"TX#{tag}#new", "A", GSI1PK=f"TX#{tag}#blue", GSI1SK="1", note="new"),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        {
            "Update": {
                "TableName": table,
                "Key": {"PK": _s(f"TX#{tag}#kept"), "SK": _s("A")},
                "UpdateExpression": "SET GSI1PK = :red, note = :note",
                "ExpressionAttributeValues": {":red": _s(f"TX#{tag}#red"), ":note": _s("updated")},
            }
        },
        {"Delete": {"TableName": table, "Key": {"PK": _s(f"TX#{tag}#gone"), "SK": _s("A")}}},
        {
            "ConditionCheck": {
                "TableName": table,
                "Key": {"PK": _s(f"TX#{tag}#guard"), "SK": _s("A")},
                "ConditionExpression": "note = :ok",
                "ExpressionAttributeValues": {":ok": _s(guard)},
            }
        },
    ]


@pytest.fixture
def seeded(dynamodb: Any, stack: Any, unique: str) -> str:
    """Three existing items: one to update, one to delete (both in GSI1 partition blue), the guard."""
    table = stack.table_name
    dynamodb.put_item(TableName=table, Item=_item(f"TX#{unique}#kept", "A", GSI1PK=f"TX#{unique}#blue", GSI1SK="2", note="old"))
    dynamodb.put_item(TableName=table, Item=_item(f"TX#{unique}#gone", "A", GSI1PK=f"TX#{unique}#blue", GSI1SK="3", note="old"))
    dynamodb.put_item(TableName=table, Item=_item(f"TX#{unique}#guard", "A", note="open"))
    return unique


def test_the_local_stack_runs_the_patched_transaction(stack):
    from moto.dynamodb.models import DynamoDBBackend

    from local import moto_transactions

    assert DynamoDBBackend.transact_write_items is moto_transactions.transact_write_items


def test_a_failed_last_check_leaves_every_item_and_index_as_it_was(dynamodb, stack, seeded):
    table, tag = stack.table_name, seeded
    before = {name: _get(dynamodb, table, f"TX#{tag}#{name}", "A") for name in ("kept", "gone", "guard")}
    with mock.patch("copy.deepcopy", wraps=copy.deepcopy) as deepcopy, pytest.raises(ClientError) as failed:
        dynamodb.transact_write_items(TransactItems=_transaction(table, tag, guard="closed"))
    assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in failed.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert not any(type(call.args[0]).__name__ == "Table" for call in deepcopy.call_args_list), "no copy of the table"

    assert _get(dynamodb, table, f"TX#{tag}#new", "A") is None
    assert {name: _get(dynamodb, table, f"TX#{tag}#{name}", "A") for name in ("kept", "gone", "guard")} == before
    assert _index(dynamodb, table, f"TX#{tag}#blue") == [f"TX#{tag}#gone|A", f"TX#{tag}#kept|A"]
    assert _index(dynamodb, table, f"TX#{tag}#red") == []


def test_a_successful_transaction_applies_every_operation_and_the_indexes_follow(dynamodb, stack, seeded):
    table, tag = stack.table_name, seeded
    dynamodb.transact_write_items(TransactItems=_transaction(table, tag, guard="open"))

    assert _note(dynamodb, table, f"TX#{tag}#new", "A") == _s("new")
    assert _note(dynamodb, table, f"TX#{tag}#kept", "A") == _s("updated")
    assert _get(dynamodb, table, f"TX#{tag}#gone", "A") is None
    assert _index(dynamodb, table, f"TX#{tag}#blue") == [f"TX#{tag}#new|A"]
    assert _index(dynamodb, table, f"TX#{tag}#red") == [f"TX#{tag}#kept|A"]


def test_a_rejected_transaction_rolls_back_what_it_had_done(dynamodb, stack, seeded):
    """Two operations on one item are refused after the first ran: that first one is undone too."""
    table, tag = stack.table_name, seeded
    operations = _transaction(table, tag, guard="open")[:2]
    operations.append({"Delete": {"TableName": table, "Key": {"PK": _s(f"TX#{tag}#new"), "SK": _s("A")}}})
    with pytest.raises(ClientError) as failed:
        dynamodb.transact_write_items(TransactItems=operations)
    assert failed.value.response["Error"]["Code"] == "ValidationException"
    assert _get(dynamodb, table, f"TX#{tag}#new", "A") is None
    assert _note(dynamodb, table, f"TX#{tag}#kept", "A") == _s("old")
    assert _index(dynamodb, table, f"TX#{tag}#blue") == [f"TX#{tag}#gone|A", f"TX#{tag}#kept|A"]
