"""The edge's field types (chalicelib/shared/fields.py): what the contract accepts, read as JSON and as a query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import Field, ValidationError

from chalicelib.shared.fields import Identifier, Instant, Line, QueryFlag, QueryInstant, QueryInt, Text, Version
from chalicelib.shared.schema import Input


class Body(Input):
    at: Instant | None = None
    who: Identifier | None = Field(default=None, max_length=40)
    name: Line = ""
    text: Text = Field(default="", max_length=20)
    version: Version = 0


class Query(Input):
    before: QueryInstant | None = None
    limit: QueryInt = Field(default=25, ge=1, le=100)
    overdue: QueryFlag = False


def body(raw: str) -> Body:
    return Body.model_validate_json(raw, strict=True)


def query(**params: str) -> Query:
    return Query.model_validate(params, strict=True)


def problem(call, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return str(caught.value.errors()[0]["type"])


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1899-12-31T23:59:59Z", "2200-01-01T00:00:00Z"]
)
def test_instants_outside_the_contract_range_are_refused_without_overflow(text):
    assert problem(body, f'{{"at": "{text}"}}') == "instant_out_of_range"
    assert problem(query, before=text) == "instant_out_of_range"


def test_the_range_is_the_instant_in_utc_whatever_the_offset():
    assert body('{"at": "1900-01-01T08:00:00+07:00"}').at == datetime(1900, 1, 1, 1, 0, tzinfo=UTC)
    assert problem(body, '{"at": "1900-01-01T06:59:59+07:00"}') == "instant_out_of_range"
    assert body('{"at": "2199-12-31T23:59:59.999999Z"}').at is not None


@pytest.mark.parametrize(
    "raw",
    [
        '"1700000000"',
        "1700000000",
        "0.5",
        '"2026-03-01"',
        '"2026-03-01T08:30:00"',
        '"2026-03-01 08:30:00+07:00"',
        '"2026-02-30T08:30:00Z"',
        "true",
    ],
)
def test_an_instant_is_iso_8601_with_an_offset_and_nothing_else(raw):
    assert problem(body, f'{{"at": {raw}}}') == "instant_format"


def test_instants_keep_their_offset_and_accept_z():
    at = body('{"at": "2026-03-01T08:30:00+07:00"}').at
    assert at is not None and at.utcoffset() == timedelta(hours=7)
    assert body('{"at": "2026-03-01T01:30Z"}').at == at


def test_a_query_instant_gets_back_the_plus_that_arrived_as_a_space():
    assert query(before="2026-03-01T08:30:00 07:00").before == datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=7)))
    assert problem(query, before="0.5") == "instant_format"


@pytest.mark.parametrize("raw", ['""', '"   "', '"a#b"', '"-lead"', '"tên"', '"a b"', '"a\\u0000"', "1", '"' + "x" * 41 + '"'])
def test_blank_or_odd_identifiers_are_refused(raw):
    with pytest.raises(ValidationError):
        body(f'{{"who": {raw}}}')


def test_identifiers_lose_surrounding_spaces():
    assert body('{"who": "  agent-2.b_c  "}').who == "agent-2.b_c"


@pytest.mark.parametrize("char", ["\\u0000", "\\u0007", "\\u001b", "\\u007f", "\\u0085", "\\u2028", "\\n", "\\t"])
def test_a_line_refuses_control_characters(char):
    assert problem(body, f'{{"name": "Nguyễn{char}An"}}') == "control_character"


@pytest.mark.parametrize("char", ["\\u0000", "\\u0007", "\\u001b", "\\u007f", "\\u2029"])
def test_text_refuses_control_characters_but_keeps_line_breaks_and_tabs(char):
    assert problem(body, f'{{"text": "a{char}b"}}') == "control_character"
    assert body('{"text": "dòng 1\\r\\ndòng 2\\rdòng\\t3"}').text == "dòng 1\ndòng 2\ndòng\t3"


@pytest.mark.parametrize(
    "mark", ["\\u202a", "\\u202b", "\\u202c", "\\u202d", "\\u202e", "\\u2066", "\\u2067", "\\u2068", "\\u2069"]
)
def test_bidi_overrides_and_isolates_are_removed(mark):
    assert body(f'{{"name": "Trần{mark} Văn A", "text": "{mark}Đã duyệt"}}').model_dump(include={"name", "text"}) == {
        "name": "Trần Văn A",
        "text": "Đã duyệt",
    }


def test_lengths_count_what_is_left():
    assert body('{"text": "' + "\\u202e" * 30 + 'ngắn"}').text == "ngắn"


@pytest.mark.parametrize("raw", ['"1"', "1.0", "true", "null", "-1", str(2**31)])
def test_a_version_is_a_json_integer_from_0_below_2_to_the_31(raw):
    with pytest.raises(ValidationError):
        body(f'{{"version": {raw}}}')
    assert body('{"version": 2147483647}').version == 2**31 - 1


@pytest.mark.parametrize("text", ["1.0", "+5", " 5", "1_0", "0x10", "", "５", "1234567890"])
def test_query_integers_are_digits_only(text):
    assert problem(query, limit=text) == "query_int"
    assert query(limit="7").limit == 7


@pytest.mark.parametrize("text", ["1", "0", "True", "yes", ""])
def test_query_flags_are_true_or_false(text):
    assert problem(query, overdue=text) == "query_flag"
    assert query(overdue="true").overdue is True and query(overdue="false").overdue is False


def test_python_callers_such_as_the_pages_still_pass_typed_values():
    assert Body.model_validate({"version": "3", "at": datetime(2026, 3, 1, tzinfo=UTC)}).version == 3
    with pytest.raises(ValidationError):
        Body.model_validate({"at": datetime(2026, 3, 1)})  # no offset
