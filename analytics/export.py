"""The local table exported the way DynamoDB's export to S3 writes it, so the SQL reads the same files in both places.

DynamoDB's full export in DYNAMODB_JSON writes, under the prefix it is given (`exports/{date}`):
`AWSDynamoDB/{export id}/data/{file}.json.gz`, gzip'd JSON lines `{"Item": {<attribute>: {"S": …}, …}}`, and
beside `data/` the `manifest-summary.json` and `manifest-files.json` with their checksums and an empty `_started`.
The low-level Scan returns items in that same typed JSON; only binary values need base64, as the export has them.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from infra.definitions import ANALYTICS

ITEMS_PER_FILE = 1000  # AWS writes one file or more per table partition; the readers glob them all alike


def export_local(client: Any, table_name: str, *, root: Path, day: date, now: datetime | None = None) -> Path:
    """Scan `table_name` and write it as a full export of `day` under `root`; returns the export's folder."""
    started = now or datetime.now(UTC)
    export_id = f"{int(started.timestamp() * 1000):014d}-{secrets.token_hex(4)}"
    snapshot = root / ANALYTICS.export_prefix / day.isoformat()
    # The day's partition names one export (AWS: the machine points it at the newest): an earlier one of the day goes.
    shutil.rmtree(snapshot, ignore_errors=True)
    folder = snapshot / "AWSDynamoDB" / export_id
    data = folder / "data"
    data.mkdir(parents=True)
    (folder / "_started").write_bytes(b"")
    manifest: list[dict[str, Any]] = []
    count = 0
    for chunk in _chunks(_scan(client, table_name), ITEMS_PER_FILE):
        name = f"{secrets.token_hex(13)}.json.gz"
        body = gzip.compress("".join(json.dumps({"Item": _exported(item)}, ensure_ascii=False) + "\n" for item in chunk).encode())
        (data / name).write_bytes(body)
        key = f"{ANALYTICS.export_prefix}/{day.isoformat()}/AWSDynamoDB/{export_id}/data/{name}"
        manifest.append({"itemCount": len(chunk), "md5Checksum": _md5(body), "dataFileS3Key": key})
        count += len(chunk)
    files = "".join(json.dumps(entry) + "\n" for entry in manifest).encode()
    prefix = f"{ANALYTICS.export_prefix}/{day.isoformat()}"
    summary = {
        "version": "2020-06-30",
        "exportArn": f"arn:aws:dynamodb:local:000000000000:table/{table_name}/export/{export_id}",
        "startTime": started.isoformat(),
        "exportTime": started.isoformat(),
        "tableArn": f"arn:aws:dynamodb:local:000000000000:table/{table_name}",
        "s3Bucket": ANALYTICS.bucket,
        "s3Prefix": prefix,
        "s3SseAlgorithm": "AES256",
        "manifestFilesS3Key": f"{prefix}/AWSDynamoDB/{export_id}/manifest-files.json",
        "itemCount": count,
        "outputFormat": "DYNAMODB_JSON",
        "exportType": "FULL_EXPORT",
    }
    for name, body in (("manifest-files", files), ("manifest-summary", json.dumps(summary).encode())):
        (folder / f"{name}.json").write_bytes(body)
        (folder / f"{name}.checksum").write_text(_md5(body), encoding="ascii")
    return folder


def _scan(client: Any, table_name: str) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator("scan").paginate(TableName=table_name, ConsistentRead=True):
        yield from page["Items"]


def _chunks(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _exported(value: Any) -> Any:
    """boto3's typed value as the export's JSON: bytes (B, BS) as base64 text, everything else as it is."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {k: _exported(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exported(v) for v in value]
    return value


def _md5(body: bytes) -> str:
    return hashlib.md5(body, usedforsecurity=False).hexdigest()
