"""local/moto_patches.py answers exactly as moto does: the same JSON documents, the same Query results."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest


@pytest.fixture
def dynamodb(stack: Any) -> Any:
    """A low-level client on the session's moto server."""
    return boto3.client("dynamodb", endpoint_url=stack.endpoint, region_name=stack.region)


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _item(tag: str, n: int) -> dict[str, Any]:
    """Every attribute type the app stores, and GSI keys on some items only (sparse indexes)."""
    item: dict[str, Any] = {
        "PK": _s(f"PATCH#{tag}#{n % 3}"),
        "SK": _s(f"{n:04d}"),
        "n": {"N": str(n * 1.5)},
        "flag": {"BOOL": n % 2 == 0},
        "nothing": {"NULL": True},
        "body": _s(json.dumps({"text": f"Chế độ {n}", "list": [1, 2]}, ensure_ascii=False)),
        "map": {"M": {"a": _s("x"), "b": {"L": [{"N": "1"}, _s("y"), {"M": {}}]}}},
        "tags": {"SS": ["b", "a"]},
    }
    if n % 4:
        item |= {"GSI1PK": _s(f"PATCH#{tag}#status#{n % 2}"), "GSI1SK": _s(f"2026-11-{n % 28 + 1:02d}#{n:04d}")}
    return item


@pytest.fixture
def filled(dynamodb: Any, stack: Any, unique: str) -> str:
    """Thirty items over three partitions, most of them in two GSI1 partitions."""
    for start in range(0, 30, 10):
        dynamodb.batch_write_item(
            RequestItems={stack.table_name: [{"PutRequest": {"Item": _item(unique, n)}} for n in range(start, start + 10)]}
        )
    return unique


def _queries(table: str, tag: str) -> list[dict[str, Any]]:
    partition = {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": _s(f"PATCH#{tag}#1")}}
    index = {
        "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :pk",
        "ExpressionAttributeValues": {":pk": _s(f"PATCH#{tag}#status#1")},
    }
    return [
        {"TableName": table, **partition},
        {"TableName": table, **partition, "ScanIndexForward": False, "Limit": 4},
        {
            "TableName": table,
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :a AND :b",
            "ExpressionAttributeValues": {":pk": _s(f"PATCH#{tag}#2"), ":a": _s("0005"), ":b": _s("0020")},
        },
        {"TableName": table, **index},
        {"TableName": table, **index, "Limit": 3},
        {
            "TableName": table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK < :d",
            "ExpressionAttributeValues": {":pk": _s(f"PATCH#{tag}#status#0"), ":d": _s("2026-11-10")},
            "ScanIndexForward": False,
        },
        {
            "TableName": table,
            **index,
            "FilterExpression": "flag = :f",
            "ExpressionAttributeValues": {":pk": _s(f"PATCH#{tag}#status#1"), ":f": {"BOOL": False}},
        },
        {
            "TableName": table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": _s(f"PATCH#{tag}#nobody")},
        },
        {"TableName": table, "KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": _s(f"PATCH#{tag}#9")}},
    ]


def _all_pages(dynamodb: Any, query: dict[str, Any]) -> list[list[dict[str, Any]]]:
    pages, kwargs = [], dict(query)
    for _ in range(50):
        page = dynamodb.query(**kwargs)
        pages.append(page["Items"])
        if "LastEvaluatedKey" not in page:
            return pages
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    raise AssertionError("more than 50 pages")


def test_a_query_sees_what_moto_alone_sees_through_writes_and_updates(dynamodb, stack, filled, monkeypatch):
    from moto.dynamodb.models.table import Table

    from local import moto_patches

    table, tag = stack.table_name, filled
    # Move items between index partitions, out of the index and back, and delete some, before comparing.
    dynamodb.update_item(
        TableName=table,
        Key={"PK": _s(f"PATCH#{tag}#1"), "SK": _s("0001")},
        UpdateExpression="SET GSI1PK = :pk",
        ExpressionAttributeValues={":pk": _s(f"PATCH#{tag}#status#0")},
    )
    dynamodb.update_item(TableName=table, Key={"PK": _s(f"PATCH#{tag}#1"), "SK": _s("0007")}, UpdateExpression="REMOVE GSI1PK")
    dynamodb.delete_item(TableName=table, Key={"PK": _s(f"PATCH#{tag}#2"), "SK": _s("0005")})
    dynamodb.put_item(TableName=table, Item=_item(tag, 13) | {"GSI1PK": _s(f"PATCH#{tag}#status#1")})
    patched = [_all_pages(dynamodb, q) for q in _queries(table, tag)]
    monkeypatch.setattr(Table, "all_items", moto_patches.ORIGINAL["all_items"])
    assert patched == [_all_pages(dynamodb, q) for q in _queries(table, tag)]
    assert patched[3] and patched[0], "the queries found something"


@pytest.fixture
def both_serializers(monkeypatch: Any) -> list[tuple[str, Any, Any]]:
    """Every data-plane answer made both ways while the test runs: (operation, moto's document, plain JSON's)."""
    from moto.dynamodb.responses import DynamoHandler

    from local import moto_patches

    seen: list[tuple[str, Any, Any]] = []
    patched = DynamoHandler.serialized

    def compare(self: Any, action_result: Any) -> Any:
        reply = patched(self, action_result)
        if self._get_action() in moto_patches.PLAIN_JSON and not isinstance(action_result.result, Exception):
            original = moto_patches.ORIGINAL["serialized"](self, action_result)
            seen.append((self._get_action(), json.loads(original[2] or "{}"), json.loads(reply[2] or "{}")))
        return reply

    monkeypatch.setattr(DynamoHandler, "serialized", compare)
    return seen


def test_plain_json_answers_are_the_documents_moto_would_send(dynamodb, stack, unique, both_serializers):
    table = stack.table_name
    key = {"PK": _s(f"PATCH#{unique}#0"), "SK": _s("0000")}
    dynamodb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": _item(unique, n)}} for n in range(6)]})
    dynamodb.put_item(TableName=table, Item=_item(unique, 0), ReturnValues="ALL_OLD")
    dynamodb.get_item(TableName=table, Key=key)
    dynamodb.get_item(TableName=table, Key={"PK": _s("PATCH#none"), "SK": _s("x")})
    dynamodb.get_item(TableName=table, Key=key, ProjectionExpression="#m.b, n", ExpressionAttributeNames={"#m": "map"})
    for query in _queries(table, unique):
        _all_pages(dynamodb, query)
    dynamodb.query(
        TableName=table, KeyConditionExpression="PK = :pk", ExpressionAttributeValues={":pk": key["PK"]}, Select="COUNT"
    )
    dynamodb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET n = n + :one, #l = :l",
        ReturnValues="ALL_NEW",
        ExpressionAttributeNames={"#l": "list"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":l": {"L": []}},
    )
    dynamodb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET flag = :t",
        ReturnValues="UPDATED_OLD",
        ExpressionAttributeValues={":t": {"BOOL": True}},
        ReturnConsumedCapacity="TOTAL",
    )
    dynamodb.batch_get_item(RequestItems={table: {"Keys": [key, {"PK": _s(f"PATCH#{unique}#1"), "SK": _s("0001")}]}})
    dynamodb.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": key}}])
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": _item(unique, 99)}}])
    dynamodb.scan(
        TableName=table, Limit=5, FilterExpression="begins_with(PK, :p)", ExpressionAttributeValues={":p": _s("PATCH#")}
    )
    dynamodb.delete_item(TableName=table, Key=key, ReturnValues="ALL_OLD")

    operations = {operation for operation, _, _ in both_serializers}
    assert {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    } <= operations
    differing = [(op, moto, plain) for op, moto, plain in both_serializers if moto != plain]
    assert not differing, differing[:2]


def test_the_item_size_limit_still_holds(dynamodb, stack, unique):
    from botocore.exceptions import ClientError

    table = stack.table_name
    dynamodb.put_item(TableName=table, Item={"PK": _s(f"PATCH#{unique}#big"), "SK": _s("A"), "blob": _s("x" * 390_000)})
    with pytest.raises(ClientError) as refused:
        dynamodb.put_item(
            TableName=table,
            Item={"PK": _s(f"PATCH#{unique}#big"), "SK": _s("B"), **{f"part{i}": _s("x" * 100_000) for i in range(5)}},
        )
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"PK": _s(f"PATCH#{unique}#big"), "SK": _s("B")})


def test_a_projection_answers_what_moto_alone_answers(dynamodb, stack, filled, monkeypatch):
    """Top-level names (the fast path), a nested path and a list index (moto's own code), a name not there."""
    from moto.dynamodb.models.dynamo_type import Item

    from local import moto_patches

    keys = [{"PK": _s(f"PATCH#{filled}#{n % 3}"), "SK": _s(f"{n:04d}")} for n in range(6)]
    projections = [
        ("#a, #b, #c, #d, #e", {"#a": "PK", "#b": "n", "#c": "map", "#d": "tags", "#e": "missing"}),
        ("#a, #b.#c, #b.b[1]", {"#a": "SK", "#b": "map", "#c": "a"}),
        ("#a, #b", {"#a": "flag", "#b": "nothing"}),
    ]

    def read(expression: str, names: dict[str, str]) -> list[Any]:
        got = dynamodb.batch_get_item(
            RequestItems={stack.table_name: {"Keys": keys, "ProjectionExpression": expression, "ExpressionAttributeNames": names}}
        )
        single = dynamodb.get_item(TableName=stack.table_name, Key=keys[0], ProjectionExpression=expression,
                                   ExpressionAttributeNames=names)["Item"]  # fmt: skip
        return [sorted(got["Responses"][stack.table_name], key=lambda i: (i["PK"]["S"] if "PK" in i else "", str(i))), single]

    patched = [_unordered_sets(read(e, n)) for e, n in projections]
    monkeypatch.setattr(Item, "project", moto_patches.ORIGINAL["item_project"])
    assert patched == [_unordered_sets(read(e, n)) for e, n in projections]
    assert patched[0][1]["map"]["M"]["b"]["L"][1] == _s("y") and "missing" not in patched[0][1]


def _unordered_sets(value: Any) -> Any:
    """A DynamoDB document with its sets sorted: a set has no order (moto's own path returns a Python set's)."""
    if isinstance(value, dict):
        return {k: sorted(v) if k in ("SS", "NS", "BS") else _unordered_sets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unordered_sets(v) for v in value]
    return value
