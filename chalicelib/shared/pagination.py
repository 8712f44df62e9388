"""Opaque cursors for lists: a query's last evaluated key, bound to the partition it was read from."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.shared.errors import MalformedError

MAX_KEY_BYTES = 1024  # DynamoDB's limit for a sort key (a partition key may have 2048); ours are far shorter


def encode(last_key: dict[str, Any] | None) -> str | None:
    """The cursor for the next page, or None when there is none."""
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, *, partition_attr: str, partition_value: str) -> dict[str, Any] | None:
    """Read a cursor; one made for another partition (another tenant, another list), or edited, is refused.

    A cursor is a last evaluated key: the table's key (PK, SK) and, for an index, its own (`GSInPK`, `GSInSK`), each a
    non-empty string. Anything else would reach DynamoDB as a start key it refuses (a 5xx), so it is a 400 here.
    """
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MalformedError("Con trỏ phân trang không hợp lệ.", code="invalid_cursor") from None
    if not _well_formed(key, partition_attr):
        raise MalformedError("Con trỏ phân trang không hợp lệ.", code="invalid_cursor")
    if key[partition_attr]["S"] != partition_value:
        raise MalformedError("Con trỏ phân trang không thuộc danh sách này.", code="invalid_cursor")
    return dict(key)


def _well_formed(key: Any, partition_attr: str) -> bool:
    names = {"PK", "SK", partition_attr, partition_attr.removesuffix("PK") + "SK"}
    return (
        isinstance(key, dict)
        and set(key) == names
        and all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
        and all(0 < len(v["S"].encode("utf-8", "replace")) <= MAX_KEY_BYTES for v in key.values())
    )
