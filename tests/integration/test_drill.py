"""The restore drill: one tenant exported from a point-in-time copy of the table, restored into an empty table,
reads the same through the API as before — its list of requests, a request with its timeline, a customer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import boto3
import pytest

from scripts import drill
from tests.api.test_requests import _act, _intake

TENANT = "hcm"


@pytest.fixture
def dynamodb(stack: Any) -> Any:
    return boto3.client("dynamodb", endpoint_url=stack.endpoint, region_name=stack.region)


def _reads(agent: Any, request_id: str, customer_id: str) -> dict[str, Any]:
    """What a person of the office sees: the default list, a status list, the request with its timeline, the customer."""
    return {
        "open": agent.get("/api/requests?limit=100").json,
        "answered": agent.get("/api/requests?status=answered&limit=100").json,
        "request": agent.get(f"/api/requests/{request_id}").json,
        "customer": agent.get(f"/api/customers/{customer_id}").json,
    }


def _on_table(name: str) -> None:
    """Point the app at another table (a fresh container, as a deployment with another TABLE_NAME would be)."""
    from chalicelib import bootstrap
    from chalicelib.config import settings

    os.environ["TABLE_NAME"] = name
    settings.cache_clear()
    bootstrap.reset()
    bootstrap.container()


def _open_in_national_view(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    pages = dynamodb.get_paginator("query").paginate(
        TableName=table,
        IndexName="GSI4",
        KeyConditionExpression="GSI4PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "T#ccc#OPEN"}},
    )
    return sorted((i for page in pages for i in page["Items"] if i["tenant"]["S"] == TENANT), key=lambda i: i["GSI4SK"]["S"])


def test_a_tenant_restored_into_an_empty_table_reads_the_same_through_the_api(api, unique, stack, dynamodb, tmp_path: Path):
    agent = api(TENANT).login("agent")
    answered = _intake(agent, unique)
    assert _act(agent, answered, "answer", text="Đã trả lời: hồ sơ thai sản nộp tại cơ quan BHXH quận.").status == 200
    still_open = _intake(agent, unique + "o")
    before = _reads(agent, answered["id"], answered["customer_id"])
    assert still_open["id"] in [r["id"] for r in before["open"]["items"]]
    assert [e["action"] for e in before["request"]["timeline"]][-1] == "answered"

    report = drill.drill(dynamodb, table=stack.table_name, tenant=TENANT, workdir=tmp_path, from_pitr=True, keep=True)
    target = report["target"]
    try:
        assert report["identical"] and report["items"] == report["written"] > 0
        restored_keys = {
            i["PK"]["S"] for page in dynamodb.get_paginator("scan").paginate(TableName=target) for i in page["Items"]
        }
        assert all(pk.startswith(f"T#{TENANT}#") for pk in restored_keys), "nothing of another tenant"
        assert _open_in_national_view(dynamodb, target) == _open_in_national_view(dynamodb, stack.table_name), (
            "the CCC's national view of the tenant came along"
        )
        _on_table(target)
        from chalicelib.adapters.dynamo import BaseItem

        assert BaseItem.Meta.table_name == target
        after = _reads(agent, answered["id"], answered["customer_id"])
        assert after == before
        with pytest.raises(SystemExit):
            drill.restore(dynamodb, table=target, source=Path(report["file"]))  # not over what is there
    finally:
        _on_table(stack.table_name)
        dynamodb.delete_table(TableName=target)


def test_the_export_keeps_every_type_and_is_the_same_file_twice(dynamodb, stack, tmp_path: Path):
    item = {
        "PK": {"S": "T#drilltypes#X"},
        "SK": {"S": "1"},
        "tenant": {"S": "drilltypes"},
        "n": {"N": "12.50"},
        "b": {"B": b"\x00\xffbinary"},
        "ok": {"BOOL": True},
        "none": {"NULL": True},
        "tags": {"SS": ["b", "a"]},
        "nested": {"M": {"list": {"L": [{"S": "Việt"}, {"N": "1"}]}}},
    }
    dynamodb.put_item(TableName=stack.table_name, Item=item)
    first = drill.export(dynamodb, table=stack.table_name, tenant="drilltypes", out=tmp_path / "a.jsonl")
    second = drill.export(dynamodb, table=stack.table_name, tenant="drilltypes", out=tmp_path / "b.jsonl")
    assert first.items == 1 and first.sha256 == second.sha256
    (line,) = first.path.read_text(encoding="utf-8").splitlines()
    back = drill.item_of(line)
    assert back["b"] == {"B": b"\x00\xffbinary"} and back["n"] == {"N": "12.50"} and back["nested"] == item["nested"]
    assert sorted(back["tags"]["SS"]) == ["a", "b"]
    dynamodb.delete_item(TableName=stack.table_name, Key={"PK": item["PK"], "SK": item["SK"]})
