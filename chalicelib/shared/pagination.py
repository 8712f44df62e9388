"""Opaque cursors for lists: a query's last evaluated key, bound to the partition it was read from."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.shared.errors import MalformedError


def encode(last_key: dict[str, Any] | None) -> str | None:
    """The cursor for the next page, or None when there is none."""
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, *, partition_attr: str, partition_value: str) -> dict[str, Any] | None:
    """Read a cursor; one made for another partition (another tenant, another list) is refused."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise MalformedError("Con trỏ phân trang không hợp lệ.", code="invalid_cursor") from None
    stored = key.get(partition_attr, {}) if isinstance(key, dict) else {}
    if not isinstance(stored, dict) or stored.get("S") != partition_value:
        raise MalformedError("Con trỏ phân trang không thuộc danh sách này.", code="invalid_cursor")
    return key
