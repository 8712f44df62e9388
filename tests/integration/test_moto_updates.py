"""local/moto_updates.py: a plain update gives the item moto's own UpdateItem gives, and fails where moto fails."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local import aws, moto_patches, moto_updates

BIG = "x" * 250_000  # two of these are over moto's 405 KB item limit


@pytest.fixture
def dynamodb(stack: Any) -> Any:
    """A low-level client on the session's moto server."""
    return boto3.client("dynamodb", endpoint_url=stack.endpoint, region_name=stack.region)


@pytest.fixture
def tables(dynamodb: Any, stack: Any, unique: str) -> tuple[Any, Any, Any]:
    """moto's backend and two empty tables shaped as the app's (GSIs, stream): one for each path."""
    from moto.dynamodb.models import dynamodb_backends

    fast, moto = aws.create_table(dynamodb, f"upd-fast-{unique}"), aws.create_table(dynamodb, f"upd-moto-{unique}")
    backend = dynamodb_backends[aws.ACCOUNT_ID][stack.region]
    return backend, fast, moto


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: str) -> dict[str, str]:
    return {"N": value}


def _fell_back(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a plain update went to moto's own code")


def _run(backend: Any, table: str, fallback: Any, sk: str, expression: str, names: dict, values: dict, **kw: Any) -> Any:
    """The update's outcome on one table: the item's attributes, or the error moto would answer with."""
    key = {"PK": _s("U"), "SK": _s(sk)}
    try:
        moto_updates.update_item(fallback, backend, table, key, expression, names, values, **kw)
    except Exception as error:  # noqa: BLE001 - the outcome compared is the error itself
        return type(error).__name__, str(error), getattr(error, "description", None)
    return "ok"


def _state(backend: Any, table: str) -> tuple[list[Any], list[Any]]:
    """Every item, and every stream record's event and images."""
    t = backend.get_table(table)
    items = sorted((i.to_json() for i in t.all_items()), key=lambda i: i["Attributes"]["SK"]["S"])
    records = [
        (r.record["eventName"], r.record["dynamodb"].get("OldImage"), r.record["dynamodb"].get("NewImage"))
        for r in t.stream_shard.items
    ]
    return items, records


NAMES = {"#a": "title", "#b": "body", "#c": "tags", "#n": "hits", "#d": "score", "#g": "GSI1PK", "#t": "created"}
VALUES = {
    ":s": _s("Hồ sơ chốt sổ"),
    ":m": {"M": {"a": _s("x"), "b": {"L": [_n("1"), _s("y"), {"M": {}}]}}},
    ":l": {"L": [_n("1.50"), {"BOOL": True}, {"NULL": True}]},
    ":one": _n("1"),
    ":five": _n("5"),
    ":neg": _n("-3"),
    ":dec": _n("1.50"),
    ":dec2": _n("2.25"),
    ":ss": {"SS": ["b", "a"]},
    ":empty": _s(""),
    ":big": _s(BIG),
}

# (item, expression, names, values, extra arguments, taken by the fast path)
STEPS: list[tuple[str, str, dict, dict, dict, bool]] = [
    ("1", "SET #a = :s, #b = :m, #c = :l ADD #n :one, #d :dec", NAMES, VALUES, {}, True),  # creates the item
    ("1", "ADD #n :five, #d :dec2 SET #t = :s", NAMES, VALUES, {}, True),  # 6, and 1.50 + 2.25
    ("1", "ADD #d :neg", NAMES, VALUES, {}, True),
    ("1", "set #a = :s, #b = :s remove #c, #t", NAMES, VALUES, {}, True),  # one value twice; keywords in any case
    ("1", "REMOVE #c", NAMES, VALUES, {}, True),  # already gone: nothing to do
    ("1", "SET #g = :empty", NAMES, VALUES, {}, True),  # an index key set to "" through a placeholder: moto lets it
    ("2", "ADD #n :dec", NAMES, VALUES, {}, True),  # a new item's counter starts at 0 (moto formats 0 + 1.50 as 1.50)
    ("1", "SET #a = :five", NAMES, VALUES, {"condition_expression": "attribute_exists(#n) AND #n = :n6"}, True),
    ("1", "SET #a = :one", NAMES, VALUES, {"condition_expression": "#n = :n6"}, True),  # the condition fails now
    (
        "1",
        "SET #a = :one",
        NAMES,
        VALUES,
        {"condition_expression": "#n = :n6", "return_values_on_condition_check_failure": "ALL_OLD"},
        True,
    ),
    ("3", "ADD #n :one", NAMES, VALUES, {"condition_expression": "attribute_exists(#n)"}, True),  # fails: no item made
    ("1", "SET #b = :big", NAMES, VALUES, {}, True),
    ("1", "SET #a = :big", NAMES, VALUES, {}, False),  # over the item limit: moto's error, where moto raises it
    # moto's own refusals, answered by moto's code
    ("1", "SET #zz = :s", NAMES, VALUES, {}, False),  # a name not defined
    ("1", "SET #a = :zz", NAMES, VALUES, {}, False),  # a value not defined
    ("1", "SET #k = :s", {**NAMES, "#k": "SK"}, VALUES, {}, False),  # a key attribute
    ("1", "SET #a = :s, #x = :one", {**NAMES, "#x": "title"}, VALUES, {}, False),  # one attribute twice
    ("1", "ADD #a :one", NAMES, VALUES, {}, False),  # a number added to a string
    ("1", "ADD #n :s", NAMES, VALUES, {}, False),  # a string added
    ("1", "SET #a = :s SET #t = :s", NAMES, VALUES, {}, False),  # a clause twice
    # other shapes: moto's code
    ("1", "ADD #c :ss", NAMES, VALUES, {}, False),
    ("1", "SET #n = #n + :one", NAMES, VALUES, {}, False),
    ("1", "SET #t = if_not_exists(#t, :s)", NAMES, VALUES, {}, False),
    ("1", "SET #b = :s, title = :one", NAMES, VALUES, {}, False),
]


def test_a_plain_update_leaves_the_item_and_stream_moto_would_and_fails_as_moto_fails(tables):
    backend, fast, moto = tables
    original = moto_patches.ORIGINAL["update_item"]
    values = {**VALUES, ":n6": _n("6")}
    for sk, expression, names, _, extra, plain in STEPS:
        mine = _run(backend, fast, _fell_back if plain else original, sk, expression, names, values, **extra)
        theirs = _run(backend, moto, original, sk, expression, names, values, **extra)
        assert mine == theirs, expression
        assert _state(backend, fast) == _state(backend, moto), expression
    items, records = _state(backend, fast)
    first = items[0]["Attributes"]
    assert first["hits"] == _n("7") and first["score"] == _n("0.75"), "the steps did happen (1 + 5, then + 1 by moto)"
    assert first["tags"] == {"SS": ["b", "a"]} and first["created"] == _s("Hồ sơ chốt sổ") and first["title"] == _n("1")
    assert [sk["Attributes"]["SK"]["S"] for sk in items] == ["1", "2"], "a failed condition made no item"
    assert {event for event, _, _ in records} == {"INSERT", "MODIFY"}, "the stream has its records"


def test_only_plain_shapes_are_read_by_the_fast_path():
    assert moto_updates.plan("SET #0 = :0, #1 = :1 ADD #2 :2 REMOVE #3, #4") == (
        ("SET", "#0", ":0"),
        ("SET", "#1", ":1"),
        ("ADD", "#2", ":2"),
        ("REMOVE", "#3", None),
        ("REMOVE", "#4", None),
    )
    for other in ("SET #a.#b = :v", "SET #a[0] = :v", "SET a = :v", "DELETE #s :v", "SET #a = list_append(#a, :v)", "ADD #a"):
        assert moto_updates.plan(other) is None, other


def test_a_plain_update_in_a_cancelled_transaction_writes_nothing(dynamodb, stack, unique):
    table = stack.table_name
    key = {"PK": _s(f"UPD#{unique}"), "SK": _s("A")}
    dynamodb.put_item(TableName=table, Item={**key, "hits": _n("1"), "GSI1PK": _s(f"UPD#{unique}#open"), "GSI1SK": _s("1")})
    update = {
        "TableName": table,
        "Key": key,
        "UpdateExpression": "SET #0 = :0 ADD #1 :1",
        "ExpressionAttributeNames": {"#0": "GSI1PK", "#1": "hits"},
        "ExpressionAttributeValues": {":0": _s(f"UPD#{unique}#closed"), ":1": _n("5")},
    }
    created = {**update, "Key": {"PK": _s(f"UPD#{unique}"), "SK": _s("B")}}
    guard = {"PK": _s(f"UPD#{unique}"), "SK": _s("guard")}
    dynamodb.put_item(TableName=table, Item=guard)
    check = {"TableName": table, "Key": guard, "ConditionExpression": "attribute_not_exists(PK)"}
    with pytest.raises(ClientError) as failed:
        dynamodb.transact_write_items(TransactItems=[{"Update": created}, {"Update": update}, {"ConditionCheck": check}])
    assert failed.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert dynamodb.get_item(TableName=table, Key=key)["Item"] == {
        **key,
        "hits": _n("1"),
        "GSI1PK": _s(f"UPD#{unique}#open"),
        "GSI1SK": _s("1"),
    }
    assert "Item" not in dynamodb.get_item(TableName=table, Key=created["Key"]), "the item the update made is gone"
    closed = dynamodb.query(
        TableName=table,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues={":pk": _s(f"UPD#{unique}#closed")},
    )
    assert closed["Items"] == [], "the index is as it was"
