"""Backup and restore drill for one tenant: export its items, restore them into an empty table, prove they match.

    python -m scripts.drill export  --tenant hanoi --out hanoi.jsonl [--table cskh-main]
    python -m scripts.drill restore --in hanoi.jsonl --table cskh-restored [--create]
    python -m scripts.drill run     --tenant hanoi [--from-pitr] [--keep]     # the whole drill, timed

Every item of a tenant has a partition key starting `T#{tenant}#` (docs/data-model.md), so the export is a Scan
with `begins_with(PK, "T#{tenant}#")`; the CCC's cross-tenant index entries (GSI4) are attributes of those items
and come along. One line per item in DynamoDB's own export format (`{"Item": {...}}`, types kept: numbers as
strings, binary as base64), the format of DynamoDB's "export to S3" and "import from S3", sorted by key so that
two exports of the same data are the same file. A restore writes into a table that holds nothing of the tenant.

Without --endpoint it talks to the stack of `make run` (.local/stack.json); with --endpoint to that URL; with
`--endpoint aws` to AWS with the usual credentials. `run --from-pitr` first restores the whole table to a point in
time (DynamoDB's point-in-time recovery, on in the CDK stack) and exports from that copy, as a real recovery would.
Operator tooling: it never runs in the Lambda and imports nothing of chalicelib.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from infra.definitions import DEFAULT_REGION, TABLE

ROOT = Path(__file__).resolve().parent.parent
BATCH = 25  # BatchWriteItem's most


def client(endpoint: str | None, region: str) -> Any:
    """A DynamoDB client: AWS for "aws", the given URL, or the running local stack."""
    if endpoint == "aws":
        return boto3.client("dynamodb", region_name=region)
    if endpoint is None:
        stack = ROOT / ".local" / "stack.json"
        if not stack.is_file():
            sys.exit("No --endpoint and no running `make run` stack (.local/stack.json).")
        endpoint = json.loads(stack.read_text(encoding="utf-8"))["endpoint"]
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


# -- DynamoDB JSON on disk (binary as base64, as DynamoDB's exports write it) --------------------------------------


def _to_disk(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": sorted(base64.b64encode(v).decode() for v in inner)}
    if kind == "M":
        return {"M": {k: _to_disk(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_to_disk(v) for v in inner]}
    if kind in ("SS", "NS"):
        return {kind: sorted(inner)}
    return value


def _from_disk(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in inner]}
    if kind == "M":
        return {"M": {k: _from_disk(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_from_disk(v) for v in inner]}
    return value


def line_of(item: dict[str, Any]) -> str:
    """One item as a line of the export."""
    return json.dumps({"Item": {k: _to_disk(v) for k, v in item.items()}}, ensure_ascii=False, sort_keys=True)


def item_of(line: str) -> dict[str, Any]:
    """One line of the export as an item for the low-level client."""
    return {k: _from_disk(v) for k, v in json.loads(line)["Item"].items()}


# -- export and restore ----------------------------------------------------------------------------------------------


def tenant_items(dynamodb: Any, table: str, tenant: str) -> Iterator[dict[str, Any]]:
    """Every item whose partition key starts with the tenant's prefix (a consistent, paginated Scan)."""
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="begins_with(PK, :prefix)",
        ExpressionAttributeValues={":prefix": {"S": f"T#{tenant}#"}},
        ConsistentRead=True,
    )
    for page in pages:
        yield from page["Items"]


@dataclass(frozen=True)
class Export:
    """What an export wrote."""

    path: Path
    items: int
    sha256: str
    seconds: float


def export(dynamodb: Any, *, table: str, tenant: str, out: Path) -> Export:
    """Write the tenant's items to `out`, one DynamoDB-JSON line each, in key order."""
    started = time.monotonic()
    lines = sorted(line_of(item) for item in tenant_items(dynamodb, table, tenant))
    text = "".join(line + "\n" for line in lines)
    out.write_text(text, encoding="utf-8")
    return Export(out, len(lines), hashlib.sha256(text.encode()).hexdigest(), time.monotonic() - started)


def _batches(lines: Iterable[str]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for line in lines:
        if line.strip():
            batch.append({"PutRequest": {"Item": item_of(line)}})
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def restore(dynamodb: Any, *, table: str, source: Path) -> tuple[int, float]:
    """Write the export's items into `table`, which must hold nothing of their tenant; returns (items, seconds)."""
    started = time.monotonic()
    lines = source.read_text(encoding="utf-8").splitlines()
    tenants = {str(item_of(line)["tenant"]["S"]) for line in lines if line.strip()}
    for tenant in tenants:
        if next(tenant_items(dynamodb, table, tenant), None) is not None:
            raise SystemExit(f"{table} already holds items of {tenant}: restore into a table without them.")
    written = 0
    for batch in _batches(lines):
        pending: dict[str, Any] = {table: batch}
        for attempt in range(8):
            unprocessed = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not unprocessed:
                break
            pending = unprocessed
            time.sleep(0.05 * 2**attempt)  # throttled: back off, then send what was left
        else:
            raise SystemExit(f"{table}: writes still throttled after 8 tries; nothing is lost, run the restore again.")
        written += len(batch)
    return written, time.monotonic() - started


def create_table(dynamodb: Any, name: str) -> None:
    """An empty table shaped as infra/definitions.py says (the same keys and indexes as the deployed one)."""
    from local.aws import create_table as create

    create(dynamodb, name)


def restore_to_point_in_time(dynamodb: Any, *, source: str, target: str, at: datetime | None) -> None:
    """DynamoDB's point-in-time recovery: the whole table as it was at `at` (latest when None), as a new table."""
    when = {"RestoreDateTime": at} if at else {"UseLatestRestorableTime": True}
    dynamodb.restore_table_to_point_in_time(SourceTableName=source, TargetTableName=target, **when)
    dynamodb.get_waiter("table_exists").wait(TableName=target)


# -- the drill -------------------------------------------------------------------------------------------------------


def drill(
    dynamodb: Any, *, table: str, tenant: str, workdir: Path, from_pitr: bool = False, keep: bool = False
) -> dict[str, Any]:
    """Export the tenant (from a point-in-time copy with `from_pitr`), restore it into a new empty table, export that
    again and compare: the same file means every item came back with every attribute and type."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    source, target = table, f"{table}-drill-{stamp}"
    report: dict[str, Any] = {"tenant": tenant, "target": target}
    if from_pitr:
        source = f"{table}-pitr-{stamp}"
        started = time.monotonic()
        restore_to_point_in_time(dynamodb, source=table, target=source, at=None)
        report["pitr_seconds"] = round(time.monotonic() - started, 2)
    exported = export(dynamodb, table=source, tenant=tenant, out=workdir / f"{tenant}-{stamp}.jsonl")
    create_table(dynamodb, target)
    written, restore_seconds = restore(dynamodb, table=target, source=exported.path)
    check = export(dynamodb, table=target, tenant=tenant, out=workdir / f"{tenant}-{stamp}-restored.jsonl")
    report.update(
        items=exported.items,
        bytes=exported.path.stat().st_size,
        export_seconds=round(exported.seconds, 2),
        restore_seconds=round(restore_seconds, 2),
        written=written,
        identical=check.sha256 == exported.sha256 and check.items == exported.items,
        file=str(exported.path),
    )
    if not keep:
        dynamodb.delete_table(TableName=target)
        report["target"] = None
    if from_pitr:
        dynamodb.delete_table(TableName=source)
    return report


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m scripts.drill", description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", help='"aws", a URL, or (default) the running `make run` stack')
    parser.add_argument("--region", default=DEFAULT_REGION)
    commands = parser.add_subparsers(dest="command", required=True)
    out = commands.add_parser("export", help="write one tenant's items to a JSON-lines file")
    out.add_argument("--tenant", required=True)
    out.add_argument("--table", default=TABLE.name)
    out.add_argument("--out", type=Path, required=True)
    back = commands.add_parser("restore", help="write an export into a table that holds nothing of its tenant")
    back.add_argument("--in", dest="source", type=Path, required=True)
    back.add_argument("--table", required=True)
    back.add_argument("--create", action="store_true", help="create the table from infra/definitions.py first")
    run = commands.add_parser("run", help="export, restore into a new table, compare, report timings")
    run.add_argument("--tenant", required=True)
    run.add_argument("--table", default=TABLE.name)
    run.add_argument("--workdir", type=Path, default=ROOT / ".local" / "drill")
    run.add_argument("--from-pitr", action="store_true", help="export from a point-in-time copy of the table")
    run.add_argument("--keep", action="store_true", help="keep the restored table")
    args = parser.parse_args(argv)
    dynamodb = client(args.endpoint, args.region)
    if args.command == "export":
        done = export(dynamodb, table=args.table, tenant=args.tenant, out=args.out)
        print(json.dumps({"items": done.items, "sha256": done.sha256, "seconds": round(done.seconds, 2)}))
    elif args.command == "restore":
        if args.create:
            create_table(dynamodb, args.table)
        written, seconds = restore(dynamodb, table=args.table, source=args.source)
        print(json.dumps({"written": written, "seconds": round(seconds, 2)}))
    else:
        args.workdir.mkdir(parents=True, exist_ok=True)
        report = drill(
            dynamodb, table=args.table, tenant=args.tenant, workdir=args.workdir, from_pitr=args.from_pitr, keep=args.keep
        )
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0 if report["identical"] else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
