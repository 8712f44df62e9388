"""The named Athena queries run on a local export of requests written by the request store (DuckDB, analytics/)."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analytics import engine, files
from analytics.dialect import to_duckdb
from analytics.export import export_local
from chalicelib.requests.domain import Category, Channel, Escalation, Kind, Rating, Request, Status, Transfer, reference_of
from chalicelib.requests.ports import Change
from chalicelib.shared.ids import new_id
from infra.definitions import ANALYTICS

SNAPSHOT = date(2025, 2, 1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _request(
    tenant: str, channel: Channel, received: str, subject: str, category: Category = Category.POLICY, **state: Any
) -> Request:
    request = Request(
        id=new_id(),
        reference="",
        tenant=tenant,
        channel=channel,
        kind=Kind.INFORMATION,
        category=category,
        subject=subject,
        question="Tôi sinh con tháng 10, được hưởng chế độ gì?",
        customer_id="c1",
        customer_name="Nguyễn Thị Mai",
        received_at=at(received),
        recorded_at=at(received),
        created_by=f"{tenant}.agent",
    )
    request.reference = reference_of(request)
    request.record_intake(at(received))
    answered = state.pop("answered", None)
    if answered:
        request.status, request.answered_at, request.answer = Status.ANSWERED, at(answered), "Chị được hưởng 6 tháng."
    for name, value in state.items():
        setattr(request, name, value)
    return request


def _rating(satisfied: bool, when: str) -> Rating:
    return Rating(satisfied, "" if satisfied else "Chờ lâu", "", at(when), "agent")


@pytest.fixture(scope="module")
def tenants() -> dict[str, str]:
    suffix = new_id()[:6].lower()
    return {name: f"{name}{suffix}" for name in ("hanoi", "hcm", "haiphong", "ccc")}


def _requests(t: dict[str, str]) -> list[Request]:
    hn, hcm, hp, ccc = t["hanoi"], t["hcm"], t["haiphong"], t["ccc"]
    escalation = Escalation("e1", "unit-policy", at("2024-11-22T10:00:00"), "answered", "", at("2024-11-24T01:00:00"), "u")
    transfers = [
        Transfer("t1", hn, None, at("2024-11-15T10:00:00"), "r1", "reported", "", at("2024-11-14T03:00:00")),  # in time
        Transfer("t2", hp, None, at("2024-11-15T10:00:00"), "r2", "reported", "", at("2024-11-18T03:00:00")),  # late
        Transfer("t3", hcm, None, at("2024-12-20T10:00:00"), "r3"),  # never reported: overdue at the export
    ]
    return [
        # Hà Nội, November: two answered at once (the hotline in 10 minutes, an e-mail the same afternoon), one escalated.
        _request(
            hn,
            Channel.HOTLINE,
            "2024-11-04T02:00:00",
            "Chế độ thai sản",
            answered="2024-11-04T02:10:00",
            rating=_rating(True, "2024-11-04T02:11:00"),
        ),
        _request(hn, Channel.EMAIL, "2024-11-12T03:00:00", "  chế độ THAI SẢN ", answered="2024-11-12T09:00:00"),
        _request(hn, Channel.EMAIL, "2024-11-20T01:00:00", "Lương hưu", answered="2024-11-25T01:00:00", escalations=[escalation]),
        # Hà Nội, January: still open, due on 15/01, so overdue when the export of 01/02 ran.
        _request(
            hn,
            Channel.HOTLINE,
            "2025-01-10T02:00:00",
            "Cấp lại sổ BHXH",
            Category.PROCEDURE_EXECUTION,
            due_at=at("2025-01-15T10:00:00"),
        ),
        # TP HCM: the hotline answered in 2 hours; the fanpage at 22:00 answered at 01:00 the next (local) day: not at once.
        _request(
            hcm,
            Channel.HOTLINE,
            "2024-11-05T02:00:00",
            "Chế độ thai sản",
            answered="2024-11-05T04:00:00",
            rating=_rating(False, "2024-11-05T04:05:00"),
        ),
        _request(
            hcm,
            Channel.FANPAGE,
            "2024-11-06T15:00:00",
            "Lương hưu",
            answered="2024-11-06T18:00:00",
            rating=_rating(True, "2024-11-06T18:05:00"),
        ),
        # Hải Phòng: 18:00 UTC on 30/11 is 01:00 on 01/12 in Vietnam: a December request.
        _request(hp, Channel.HOTLINE, "2024-11-30T18:00:00", "Thẻ BHYT", Category.PUBLIC_SERVICE, answered="2024-11-30T18:20:00"),
        # The CCC handed one request to the three offices.
        _request(
            ccc,
            Channel.HOTLINE,
            "2024-11-08T02:00:00",
            "Bảo hiểm y tế",
            Category.PUBLIC_SERVICE,
            status=Status.TRANSFERRED,
            transfers=transfers,
            due_at=at("2024-12-20T10:00:00"),
        ),
    ]


@pytest.fixture(scope="module")
def exported(stack: Any, tenants: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The requests written by the request store into a table of their own on moto, exported as DynamoDB does."""
    import boto3

    from chalicelib.adapters import dynamo
    from chalicelib.audit.store import AuditStore
    from chalicelib.customers.store import CustomerStore
    from chalicelib.notifications.store import OutboxStore
    from chalicelib.requests.store import DynamoRequestStore
    from chalicelib.shared.clock import FixedClock
    from chalicelib.shared.tenancy import whole_table
    from local import aws

    client = boto3.client("dynamodb", endpoint_url=stack.endpoint, region_name=stack.region)
    table = aws.create_table(client, name=f"analytics-{tenants['ccc']}")
    dynamo.bind(table_name=table, region=stack.region, host=stack.endpoint)
    try:
        audit = AuditStore()
        store = DynamoRequestStore(
            outbox=OutboxStore(clock=FixedClock(at("2025-02-01T00:00:00"))), journal=audit, customers=CustomerStore(journal=audit)
        )
        with whole_table():
            for request in _requests(tenants):
                store.commit(Change([request]))
    finally:
        dynamo.bind(table_name=stack.table_name, region=stack.region, host=stack.endpoint)
    root = tmp_path_factory.mktemp("state") / "analytics"  # where `python -m analytics` keeps them
    export_local(client, table, root=root, day=SNAPSHOT - timedelta(days=1))  # yesterday's export: the view reads the newest
    export_local(client, table, root=root, day=SNAPSHOT)
    yield root
    client.delete_table(TableName=table)


@pytest.fixture(scope="module")
def con(exported: Path) -> Any:
    return engine.connect(exported)


def rows(con: Any, name: str, tenants: dict[str, str], key: str = "province") -> list[dict[str, Any]]:
    """The query's rows, the offices named by their role in this test (hanoi, hcm…) rather than by their code."""
    names = {code: role for role, code in tenants.items()}
    out = []
    for row in engine.run(con, name).as_dicts():
        if key in row:
            row[key] = names.get(row[key], row[key])
        out.append(row)
    return out


def test_every_query_file_is_exercised_here() -> None:
    exercised = {name.removeprefix("test_") for name, value in globals().items() if callable(value) and name.startswith("test_")}
    assert {q.name for q in files.queries()} <= exercised


def test_requests_per_province_month(con: Any, tenants: dict[str, str]) -> None:
    got = {
        (r["province"], r["year"], r["month"]): (r["received"], r["answered"], r["still_open"], r["overdue"])
        for r in rows(con, "requests_per_province_month", tenants)
    }
    assert got == {
        ("hanoi", 2024, 11): (3, 3, 0, 0),
        ("hanoi", 2025, 1): (1, 0, 1, 1),
        ("hcm", 2024, 11): (2, 2, 0, 0),
        ("haiphong", 2024, 12): (1, 1, 0, 0),  # received on 01/12 in Vietnam (30/11 in UTC)
        ("ccc", 2024, 11): (1, 0, 1, 1),
    }


def test_instant_support_per_province_quarter(con: Any, tenants: dict[str, str]) -> None:
    got = {
        (r["province"], r["year"], r["quarter"]): (r["received"], r["instant"], r["instant_percent"])
        for r in rows(con, "instant_support_per_province_quarter", tenants)
    }
    assert got == {
        ("hanoi", 2024, 4): (3, 2, 66.7),  # the escalated one is not "at once"
        ("hanoi", 2025, 1): (1, 0, 0.0),
        ("hcm", 2024, 4): (2, 1, 50.0),  # 01:00 the next day in Vietnam, though the same day in UTC
        ("haiphong", 2024, 4): (1, 1, 100.0),
        ("ccc", 2024, 4): (1, 0, 0.0),  # transferred
    }


def test_satisfaction_per_province_quarter(con: Any, tenants: dict[str, str]) -> None:
    got = {
        (r["province"], r["year"], r["quarter"]): (r["rated"], r["satisfied"], r["satisfied_percent"])
        for r in rows(con, "satisfaction_per_province_quarter", tenants)
    }
    assert got[("hanoi", 2024, 4)] == (1, 1, 100.0)
    assert got[("hcm", 2024, 4)] == (2, 1, 50.0)
    assert got[("haiphong", 2024, 4)] == (0, 0, None), "no rating given: no rate, rather than 0 %"


def test_typical_questions_per_category_quarter(con: Any, tenants: dict[str, str]) -> None:
    got = [
        (r["year"], r["quarter"], r["category"], r["place"], r["subject"], r["requests"], r["provinces"])
        for r in rows(con, "typical_questions_per_category_quarter", tenants)
    ]
    assert got == [
        (2024, 4, "policy", 1, "chế độ thai sản", 3, 2),  # case and spaces do not split a subject
        (2024, 4, "policy", 2, "lương hưu", 2, 2),
        (2024, 4, "public_service", 1, "bảo hiểm y tế", 1, 1),
        (2024, 4, "public_service", 2, "thẻ bhyt", 1, 1),
        (2025, 1, "procedure_execution", 1, "cấp lại sổ bhxh", 1, 1),
    ]


def test_answer_time_per_channel(con: Any, tenants: dict[str, str]) -> None:
    got = {
        (r["channel"], r["answered_within"]): (r["requests"], r["percent_of_channel"])
        for r in rows(con, "answer_time_per_channel", tenants)
    }
    assert got == {
        ("hotline", "trong 1 giờ"): (2, 66.7),
        ("hotline", "từ 1 đến 8 giờ"): (1, 33.3),
        ("email", "từ 1 đến 8 giờ"): (1, 50.0),
        ("email", "từ 3 đến 7 ngày"): (1, 50.0),
        ("fanpage", "từ 1 đến 8 giờ"): (1, 100.0),
    }


def test_late_transfers_per_province(con: Any, tenants: dict[str, str]) -> None:
    got = {
        r["province"]: (r["transfers"], r["reported"], r["reported_late"], r["overdue_unreported"], r["in_time_percent"])
        for r in rows(con, "late_transfers_per_province", tenants)
    }
    assert got == {"hanoi": (1, 1, 0, 0, 100.0), "haiphong": (1, 1, 1, 0, 0.0), "hcm": (1, 0, 0, 1, 0.0)}


def test_the_export_has_dynamodbs_layout(exported: Path) -> None:
    (folder,) = (exported / ANALYTICS.export_prefix / SNAPSHOT.isoformat() / "AWSDynamoDB").iterdir()
    assert re.fullmatch(r"\d{14}-[0-9a-f]{8}", folder.name)
    assert {p.name for p in folder.iterdir()} == {
        "_started",
        "data",
        "manifest-files.json",
        "manifest-files.checksum",
        "manifest-summary.json",
        "manifest-summary.checksum",
    }
    lines = [
        json.loads(line) for f in (folder / "data").glob("*.json.gz") for line in gzip.decompress(f.read_bytes()).splitlines()
    ]
    summary = json.loads((folder / "manifest-summary.json").read_text())
    assert summary["itemCount"] == len(lines) and summary["outputFormat"] == "DYNAMODB_JSON"
    assert all(set(line) == {"Item"} for line in lines)
    request = next(line["Item"] for line in lines if line["Item"]["SK"] == {"S": "REQ"})
    assert request["type"] == {"S": "Request"} and set(request["body"]) == {"S"} and "N" in request["version"]


def test_a_second_export_of_the_day_replaces_the_first(exported: Path, con: Any, tenants: dict[str, str]) -> None:
    days = sorted(p.name for p in (exported / ANALYTICS.export_prefix).iterdir())
    assert days == [(SNAPSHOT - timedelta(days=1)).isoformat(), SNAPSHOT.isoformat()]
    # Two snapshots on disk, yet each request once: the views read the newest only.
    assert con.execute("SELECT count(*) FROM requests WHERE tenant = ?", [tenants["hanoi"]]).fetchall() == [(4,)]


def test_the_views_read_no_personal_field() -> None:
    personal = {"customer_name", "customer_id", "question", "answer", "reason", "remedy", "result", "answered_by", "callback"}
    for view in files.views():
        paths = set(re.findall(r"'\$\.([a-z_.]+)'", view.text))
        assert paths and not {part for p in paths for part in p.split(".")} & personal, view.name
    assert not set(ANALYTICS.item_attributes) & {"customer_id", "search", "assignee", "reference"}


def test_the_rewrite_turns_trinos_type_syntax_into_duckdbs() -> None:
    assert to_duckdb("CAST(json_extract(b, '$.t') AS ARRAY(JSON))") == "CAST(json_extract(b, '$.t') AS JSON[])"
    assert to_duckdb("cast(x as array ( json ))") == "cast(x as JSON[])"
    assert to_duckdb("SELECT 'ARRAY' AS a") == "SELECT 'ARRAY' AS a"


def test_the_macros_mean_what_trino_means(con: Any) -> None:
    # json_extract_scalar: the scalar as text, NULL for JSON null and for a missing path; from_iso8601_timestamp keeps
    # the offset, so AT TIME ZONE gives Vietnam's wall clock.
    (got,) = con.execute(
        """SELECT json_extract_scalar('{"a": 1, "b": null, "c": true}', '$.a'), json_extract_scalar('{"b": null}', '$.b'),
        json_extract_scalar('{}', '$.x'), json_extract_scalar('{"c": true}', '$.c'),
        CAST(from_iso8601_timestamp('2024-11-30T18:00:00.000000Z') AT TIME ZONE 'Asia/Ho_Chi_Minh' AS timestamp)"""
    ).fetchall()
    assert got == ("1", None, None, "true", datetime(2024, 12, 1, 1, 0))


def test_the_command_prints_a_querys_table(exported: Path, tenants: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    from analytics.__main__ import main

    assert main(["run", "instant_support_per_province_quarter", "--no-export", "--state-dir", str(exported.parent)]) == 0
    out = capsys.readouterr().out
    assert "Instant-support rate per province and quarter" in out
    (line,) = [line.split() for line in out.splitlines() if line.startswith(tenants["hanoi"]) and " 2024 " in line]
    assert line == [tenants["hanoi"], "2024", "4", "3", "2", "66,7"]  # the Vietnamese decimal comma
