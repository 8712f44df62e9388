"""Cursors: a page's last evaluated key, refused when it is another list's or was edited."""

from __future__ import annotations

import base64
import json

import pytest

from chalicelib.shared.errors import MalformedError
from chalicelib.shared.pagination import decode, encode

KEY = {
    "PK": {"S": "T#hanoi#REQ#01ABC"},
    "SK": {"S": "REQ"},
    "GSI2PK": {"S": "T#hanoi#DUE"},
    "GSI2SK": {"S": "2026-12-08T10:00:00.000000Z#01ABC"},
}


def _cursor(key: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def test_a_cursor_reads_back_as_the_key_it_was_made_from():
    assert decode(encode(KEY), partition_attr="GSI2PK", partition_value="T#hanoi#DUE") == KEY
    table_key = {"PK": KEY["PK"], "SK": KEY["SK"]}
    assert decode(encode(table_key), partition_attr="PK", partition_value="T#hanoi#REQ#01ABC") == table_key


@pytest.mark.parametrize(
    "edited",
    [
        {**KEY, "SK": {"N": "1"}},
        {**KEY, "SK": {"S": ""}},
        {**KEY, "GSI2SK": {"S": "x" * 1025}},
        {**KEY, "PK": "plain"},
        {**KEY, "extra": {"S": "1"}},
        {k: v for k, v in KEY.items() if k != "GSI2SK"},
        {**KEY, "GSI2PK": {"S": "T#hcm#DUE"}},
        [KEY],
        "text",
    ],
)
def test_an_edited_or_foreign_cursor_is_refused(edited):
    with pytest.raises(MalformedError) as refused:
        decode(_cursor(edited), partition_attr="GSI2PK", partition_value="T#hanoi#DUE")
    assert refused.value.code == "invalid_cursor"


@pytest.mark.parametrize("cursor", ["!!!", "e30", "W1tbW1tbW1s"])
def test_a_cursor_that_is_not_a_key_is_refused(cursor):
    with pytest.raises(MalformedError):
        decode(cursor, partition_attr="GSI2PK", partition_value="T#hanoi#DUE")
