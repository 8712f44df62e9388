"""Reminders of the quarterly review (1218 Art. 2.7): a daily job reads each office's review dates (one Query of
the sparse index, due within two weeks or overdue) and, on a reminder day of any of a unit's entries, sends that
unit's editors and the office's leaders one digest e-mail through the outbox.

A daily scan instead of one Step Functions timer per entry: 2,000 entries would hold 2,000 executions waiting up to
three months each, and a review or a retirement would have to stop one; the scan costs one Query per office a day,
and a digest per unit is what a unit acts on. The digest's notice id is the unit and the day, written only if new,
so a job run twice in a day sends nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.notifications.domain import Notice
from chalicelib.shared.clock import Clock, to_local
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.permissions import Permission, permissions_of

from .domain import REMIND_SOON_DAYS, Entry, reminder_due
from .ports import EntryStore

TEMPLATE = "knowledge-review"
MAX_LISTED = 20


class ReviewReminders:
    """The daily review digest of one office."""

    def __init__(
        self,
        *,
        store: EntryStore,
        staff: Callable[[str], list[Any]],
        entries: Any,
        outbox: Any,
        clock: Clock,
        console_url: Callable[[str], str],
    ) -> None:
        self._store = store
        self._staff = staff
        self._entries = entries  # notifications.store.OutboxStore: the outbox item of a notice
        self._outbox = outbox  # notifications.service.NotificationService: enqueue after the write
        self._clock = clock
        self._console_url = console_url

    def digests(self, *, tenant: str) -> list[Notice]:
        """The notices today's reminders call for (pure reading; `run` sends them)."""
        today = to_local(self._clock.now()).date()
        soon = self._store.review_queue(
            tenant=tenant, unit_id=None, before=today + timedelta(days=REMIND_SOON_DAYS + 1), limit=1000
        )
        by_unit: dict[str, list[Entry]] = {}
        for entry in soon:
            by_unit.setdefault(entry.content.owner_unit, []).append(entry)
        people = self._staff(tenant)
        notices: list[Notice] = []
        for unit, entries in sorted(by_unit.items()):
            if not any(e.review_due and reminder_due(e.review_due, today) for e in entries):
                continue
            overdue = [e for e in entries if e.review_overdue(today)]
            listed = "\n".join(
                f"- {e.content.question[:120]} (hạn {e.review_due.strftime('%d/%m/%Y') if e.review_due else ''})"
                for e in entries[:MAX_LISTED]
            )
            data = {
                "unit": unit,
                "count": str(len(entries)),
                "overdue": str(len(overdue)),
                "items": listed,
                "url": f"{self._console_url(tenant)}/knowledge/reviews?unit={unit}",
            }
            for email in sorted(_recipients(people, tenant, unit)):
                key = f"kbreview-{unit}-{today.strftime('%Y%m%d')}-{hashlib.sha256(email.encode()).hexdigest()[:12]}"
                notices.append(Notice("email", email, TEMPLATE, dict(data), unit, id=key))
        return notices

    def run(self, *, tenant: str) -> int:
        """Write today's digests to the outbox (each once) and enqueue them; returns how many were new."""
        from chalicelib.adapters.unit_of_work import commit
        from chalicelib.notifications.store import OutboxItem

        sent: list[Notice] = []
        for notice in self.digests(tenant=tenant):
            item = self._entries.entry(tenant=tenant, notice=notice)

            def build(tx: TransactWrite, item: Any = item) -> None:
                tx.save(item, condition=OutboxItem.SK.does_not_exist())

            try:
                commit(build)
            except ConflictError:
                continue  # already written today
            sent.append(notice)
        if sent:
            self._outbox.enqueue(tenant=tenant, notices=sent)
        return len(sent)


def _recipients(people: list[Any], tenant: str, unit: str) -> set[str]:
    """The unit's editors and the office's leaders, with an address."""
    found: set[str] = set()
    for person in people:
        if not person.enabled or not person.email:
            continue
        granted = permissions_of(frozenset(person.roles), tenant)
        if Permission.KNOWLEDGE_PUBLISH in granted or (Permission.KNOWLEDGE_WRITE in granted and person.unit_id == unit):
            found.add(person.email)
    return found
