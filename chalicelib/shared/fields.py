"""The edge's field types: every schema writes its identifiers, text, instants and numbers with these.

One module decides what the contract accepts (API.md "Input rules"), so a route added later inherits it:

- `Identifier`: ids, codes and logins — 1 to 64 of `A–Z a–z 0–9 . _ -`, starting with a letter or a digit, never
  blank (surrounding spaces are dropped first). Nothing else can reach a key.
- `Line` and `Text`: free text. Control characters are refused (400); `Text` is multi-line and keeps line breaks
  and tabs (CR LF and CR become LF). Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) are
  removed, so a name or an answer cannot be made to display reversed to the leader who reads it.
- `Instant`: ISO 8601 with a time-zone offset (`Z` or `±hh:mm`), from 1900-01-01T00:00:00Z up to (not including)
  2200-01-01T00:00:00Z; no Unix times, no dates alone. The working-day calendar, and so every deadline, covers
  2000–2099 (a domain rule: 422 `year_out_of_range`); the wider edge range only keeps the conversions safe.
- `Version`: a non-negative integer below 2^31.
- `QueryInt`, `QueryFlag`, `QueryInstant`: what a query string's text means — integers are ASCII digits only,
  flags are `true` or `false`, instants as above (a `+` sent unencoded arrives as a space and is put back).

JSON bodies are read strictly (shared/http.py): a string is never taken for a number or a boolean, nor the reverse.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

IDENTIFIER_MAX = 64
IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)  # excluded
VERSION_MAX = 2**31 - 1
QUERY_DIGITS_MAX = 9

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONTROL_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?")
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})", re.ASCII)
_PLUS_AS_SPACE = re.compile(r" (\d{2}:\d{2})$")
_DIGITS = re.compile(rf"\d{{1,{QUERY_DIGITS_MAX}}}", re.ASCII)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def clean_line(value: Any) -> Any:
    """One line of text: bidi controls removed, control characters refused; non-text is left to the type check."""
    if not isinstance(value, str):
        return value
    value = _BIDI.sub("", value)
    if _CONTROL_IN_LINE.search(value):
        raise PydanticCustomError("control_character", "Text must not contain control characters or line breaks")
    return value


def clean_text(value: Any) -> Any:
    """Multi-line text: line ends made LF, bidi controls removed, control characters other than LF and tab refused."""
    if not isinstance(value, str):
        return value
    value = _BIDI.sub("", _NEWLINES.sub("\n", value))
    if _CONTROL_IN_TEXT.search(value):
        raise PydanticCustomError("control_character", "Text must not contain control characters")
    return value


def to_instant(value: Any) -> Any:
    """An ISO 8601 text with an offset (or an aware datetime) inside the contract's range; anything else is refused."""
    if isinstance(value, str):
        text = value.strip().upper()
        if not _INSTANT.fullmatch(text):
            raise _not_an_instant()
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise _not_an_instant() from None
    if not isinstance(value, datetime):
        raise _not_an_instant()
    if value.tzinfo is None or value.utcoffset() is None:
        raise _not_an_instant()
    # The year test first: comparing an instant of year 1 or 9999 with another offset must not be what overflows.
    if not (EARLIEST.year <= value.year < LATEST.year and EARLIEST <= value < LATEST):
        raise PydanticCustomError(
            "instant_out_of_range",
            "Instant must be from {earliest} up to {latest}",
            {"earliest": "1900-01-01T00:00:00Z", "latest": "2200-01-01T00:00:00Z"},
        )
    return value


def _not_an_instant() -> PydanticCustomError:
    return PydanticCustomError("instant_format", "Instant must be ISO 8601 with an offset, e.g. 2026-03-01T08:30:00+07:00")


def _plus_restored(value: Any) -> Any:
    """An unencoded '+07:00' arrives as ' 07:00' in a query string; put the plus back."""
    return _PLUS_AS_SPACE.sub(r"+\1", value.strip()) if isinstance(value, str) else value


def query_int(value: Any) -> Any:
    """ASCII digits only: no sign, point, exponent, spaces or underscores."""
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise PydanticCustomError("query_int", "Must be a whole number written with digits only")
        return int(value)
    return value


def query_flag(value: Any) -> Any:
    """`true` or `false`, nothing else."""
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise PydanticCustomError("query_flag", "Must be true or false")
        return value == "true"
    return value


def to_day(value: Any) -> Any:
    """A calendar day written yyyy-mm-dd (ISO 8601), 1900-01-01 to 2199-12-31."""
    if isinstance(value, str):
        if not _DAY.fullmatch(value.strip()):
            raise PydanticCustomError("day_format", "Day must be written yyyy-mm-dd")
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("day_format", "Day must be written yyyy-mm-dd") from None
    if isinstance(value, date) and not isinstance(value, datetime) and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise PydanticCustomError("day_out_of_range", "Day must be from 1900-01-01 to 2199-12-31")
    return value


Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=IDENTIFIER_MAX, pattern=IDENTIFIER_PATTERN)
]
Line = Annotated[str, BeforeValidator(clean_line), Field(description="One line: no control characters; bidi overrides removed")]
Text = Annotated[
    str,
    BeforeValidator(clean_text),
    Field(description="Text: line breaks and tabs, no other control characters; bidi overrides removed"),
]
Instant = Annotated[
    datetime,
    BeforeValidator(to_instant),
    Field(description="ISO 8601 with an offset, from 1900-01-01T00:00:00Z up to (not including) 2200-01-01T00:00:00Z"),
]
Version = Annotated[int, Field(ge=0, le=VERSION_MAX)]
Cursor = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"^[A-Za-z0-9_-]+$")]
QueryInt = Annotated[int, BeforeValidator(query_int)]
QueryFlag = Annotated[bool, BeforeValidator(query_flag)]
QueryInstant = Annotated[Instant, BeforeValidator(_plus_restored)]
# A day (a validity, a plan's period, a document's date) in a body or a query string: yyyy-mm-dd only.
Day = Annotated[date, BeforeValidator(to_day), Field(description="A day, yyyy-mm-dd")]
