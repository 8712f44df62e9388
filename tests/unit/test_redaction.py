"""Personal data never reaches a log line (Art. 3.2, 7.1, 16.1b)."""

from __future__ import annotations

import json
import logging

import pytest

from chalicelib.shared.observability import RedactingFormatter, scrub


@pytest.mark.parametrize(
    "secret",
    [
        "001203004567",
        "123456789",
        "0912345678",
        "+84 912 345 678",
        "0912.345.678",
        "0912 345 678",
        "nguyen.van.a@gmail.com",
        "7912345678",
        "DN4010123456789",
    ],
)
def test_scrub_removes_id_numbers_phones_and_emails(secret):
    assert secret not in scrub(f"customer {secret} called")


@pytest.mark.parametrize(
    "kept",
    ["request 01JD3K5Z8Q", "took 12.5 ms", "status 404", "2026-11-22T08:00:00Z", "2026-11-22 08:16:38,967+0000", "GDV-HAN01"],
)
def test_scrub_keeps_ordinary_values(kept):
    assert scrub(kept) == kept


def test_formatter_scrubs_message_and_extra_keys():
    formatter = RedactingFormatter()
    record = logging.LogRecord("cskh", logging.INFO, __file__, 1, "looked up %s", ("001203004567",), None)
    record.phone = "0987654321"
    line = formatter.format(record)
    assert "001203004567" not in line and "0987654321" not in line
    assert json.loads(line)["message"] == "looked up [redacted]"
