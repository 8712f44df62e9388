"""Time: one place reads the system clock; the domain gets `now` passed in."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    """Anything that tells the current instant (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Current instant in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock for tests: stands still until moved."""

    def __init__(self, at: datetime) -> None:
        self._at = at

    def now(self) -> datetime:
        """The instant the clock was set to."""
        return self._at

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self._at += delta


def to_local(instant: datetime) -> datetime:
    """The same instant in Vietnam's time zone."""
    return instant.astimezone(VN_TZ)


def format_date(instant: datetime) -> str:
    """dd/mm/yyyy in Vietnam's time zone."""
    return to_local(instant).strftime("%d/%m/%Y")


def format_datetime(instant: datetime) -> str:
    """HH:MM dd/mm/yyyy in Vietnam's time zone."""
    return to_local(instant).strftime("%H:%M %d/%m/%Y")


def iso(instant: datetime) -> str:
    """ISO 8601 in UTC with a Z, as stored and as Step Functions' Wait states need it."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    """The inverse of `iso()`: an ISO 8601 instant (a trailing Z or an offset) as an aware datetime.

    A text without an offset is refused rather than guessed (ValueError), like any other malformed text.
    """
    value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if value.tzinfo is None:
        raise ValueError(f"instant without a time zone: {text!r}")
    return value


def stop_after(seconds: float) -> Callable[[], bool]:
    """A `should_stop` that says yes once `seconds` have passed: a run's time budget (an API call's, a Lambda's)."""
    end = time.monotonic() + seconds
    return lambda: time.monotonic() >= end
