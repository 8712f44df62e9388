"""What a request's timers wait for, from its deadline and the time now (pure): the service starts them after a
change commits, the reconcile job again when one was lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .domain import Request
from .ports import Deadlines

APPROVAL_DEFAULT_WINDOW = timedelta(days=1)  # a request without a deadline gives the leader half a day


@dataclass(frozen=True)
class DeadlineTimer:
    """The reminder points still ahead (None for one already passed) and the moment of the deadline check."""

    reminders: tuple[datetime | None, ...]
    due: datetime


def deadline_timer(request: Request, *, deadlines: Deadlines, now: datetime) -> DeadlineTimer | None:
    """The open request's deadline timer, or None when it has none.

    A point already passed gets no reminder (a backdated letter, or a timer restarted late); the deadline check
    still comes, at once if the deadline has gone by, and that tells the leaders.
    """
    if not request.is_open or request.due_at is None or request.timer_id is None:
        return None
    points = deadlines.reminder_points(start=request.due_from or now, due=request.due_at)
    return DeadlineTimer(tuple(point if point > now else None for point in points), max(request.due_at, now))


def approval_timeout(*, due: datetime | None, drafted_at: datetime, now: datetime, minimum_seconds: int) -> int:
    """Seconds the leader still has (Art. 6.2 steps 3–4): half the time from the draft to the deadline, at least
    `minimum_seconds`, counted from the draft — so a wait started again later ends when the first would have."""
    window = ((due or drafted_at + APPROVAL_DEFAULT_WINDOW) - drafted_at).total_seconds() * 0.5
    ends = drafted_at + timedelta(seconds=max(window, minimum_seconds))
    return max(int((ends - now).total_seconds()), 1)
