"""Use cases of the knowledge bank: write, submit, publish, retire, review, compare and restore entries; search them
as an agent mid-call; validate and count citations; propose an entry from an answered request; record the gaps."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.shared.clock import Clock, to_local
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.observability import logger
from chalicelib.shared.tenancy import Principal

from . import domain
from .domain import NATIONAL, Content, Difference, Entry, Version, diff
from .messages import NOT_CITABLE, NOT_FOUND
from .ports import Count, Counters, EntryStore, Indexes, Listing, RebuildQueue, Requests, Units
from .search import SearchFilters, SearchHit
from .text import fold

_LONG_NUMBER = re.compile(r"\d{5,}")  # an ID, a social-insurance code, a phone: never kept in the gaps
GAP_MAX = 200


@dataclass(frozen=True)
class Found:
    """One search hit with the entry as DynamoDB holds it now (the index may be a few seconds behind)."""

    hit: SearchHit
    entry: Entry
    current: bool


def month_of(now: datetime) -> str:
    """yyyy-mm in Vietnam's time."""
    return to_local(now).strftime("%Y-%m")


def gap_key(text: str) -> str:
    """The folded query a gap is counted under; long numbers (identifiers, phones) become '#'."""
    return _LONG_NUMBER.sub("#", fold(text))[:GAP_MAX].strip()


class KnowledgeService:
    """The bank of one tenant, with the national bank read by every tenant."""

    def __init__(
        self,
        *,
        store: EntryStore,
        counters: Counters,
        indexes: Indexes,
        rebuilds: RebuildQueue,
        requests: Requests,
        units: Units,
        topics: frozenset[str],
        clock: Clock,
    ) -> None:
        self._store = store
        self._counters = counters
        self._indexes = indexes
        self._rebuilds = rebuilds
        self._requests = requests
        self._units = units
        self._topics = topics
        self._clock = clock

    @property
    def topics(self) -> frozenset[str]:
        """The topic tree's codes."""
        return self._topics

    def today(self) -> date:
        """The day of validity: today in Vietnam."""
        return to_local(self._clock.now()).date()

    # -- reading ------------------------------------------------------------------------------------------------

    def get(self, *, tenant: str, entry_id: str) -> Entry:
        """An entry of the tenant's bank, or a published (or retired) national one; anything else is not found."""
        found = self._visible(tenant, entry_id)
        if found is None:
            raise NotFoundError(NOT_FOUND)
        return found

    def _visible(self, tenant: str, entry_id: str) -> Entry | None:
        found = self._store.get(tenant=tenant, entry_id=entry_id)
        if found is None and tenant != NATIONAL:
            found = self._store.get(tenant=NATIONAL, entry_id=entry_id)
        return found if found is not None and found.visible_to(tenant) else None

    def by_status(self, *, tenant: str, status: str, limit: int, cursor: str | None) -> Listing:
        """The tenant's own entries in one status, most recently changed first."""
        return self._store.by_status(tenant=tenant, status=status, limit=limit, cursor=cursor)

    def versions(self, *, tenant: str, entry_id: str) -> list[Version]:
        """The history of one of the tenant's own entries (another bank's history is its owner's)."""
        self._own(tenant, entry_id)
        return self._store.versions(tenant=tenant, entry_id=entry_id)

    def compare(self, *, tenant: str, entry_id: str, before: int, after: int) -> tuple[Version, Version, list[Difference]]:
        """Two versions of an entry and the fields that differ between them."""
        versions = {v.number: v for v in self.versions(tenant=tenant, entry_id=entry_id)}
        missing = {name: "unknown" for name, n in (("from", before), ("to", after)) if n not in versions}
        if missing:
            raise NotFoundError("Không có phiên bản này.", fields=missing)
        return versions[before], versions[after], diff(versions[before].content, versions[after].content)

    def review_queue(self, *, tenant: str, unit_id: str | None, limit: int = 100) -> list[Entry]:
        """Published entries of a unit (or the whole office) by review date, soonest first."""
        return self._store.review_queue(tenant=tenant, unit_id=unit_id, before=None, limit=limit)

    def overdue(self, *, tenant: str, limit: int = 200) -> list[Entry]:
        """The report of what is overdue for its quarterly review (1218 Art. 2.7)."""
        return self._store.review_queue(tenant=tenant, unit_id=None, before=self.today(), limit=limit)

    def gaps(self, *, tenant: str, month: str) -> list[Count]:
        """The month's searches that found nothing, most frequent first."""
        return self._counters.gaps(tenant=tenant, month=month)

    def citations(self, *, tenant: str, month: str) -> list[Count]:
        """The month's cited entries, most cited first."""
        return self._counters.citations(tenant=tenant, month=month)

    # -- searching ----------------------------------------------------------------------------------------------

    def search(
        self, *, tenant: str, text: str, filters: SearchFilters, on: date | None = None, record: bool = True
    ) -> list[Found]:
        """Up to `filters.limit` entries for what the agent typed; an empty answer to a real query is a gap."""
        day = on or self.today()
        hits = self._indexes.current().search(tenant=tenant, text=text, on=day, filters=filters)
        by_bank: dict[str, list[str]] = {}
        for hit in hits:
            by_bank.setdefault(hit.tenant, []).append(hit.entry_id)
        fresh: dict[tuple[str, str], Entry] = {}
        for bank, ids in by_bank.items():
            if bank == tenant or bank == NATIONAL:
                fresh |= {(bank, e.id): e for e in self._store.many(tenant=bank, entry_ids=ids).values()}
        found: list[Found] = []
        for hit in hits:
            entry = fresh.get((hit.tenant, hit.entry_id))
            if entry is None or not entry.visible_to(tenant):
                continue
            current = entry.is_current(day)
            if filters.current_only and filters.statuses == {"published"} and not current:
                continue  # retired since the index was built: never offered as an answer
            found.append(Found(hit, entry, current))
        if record and not found and text.strip():
            self._count_gap(tenant, text)
        return found

    def _count_gap(self, tenant: str, text: str) -> None:
        key = gap_key(text)
        if not key:
            return
        try:
            self._counters.count_gap(tenant=tenant, month=month_of(self._clock.now()), query=key, label=key)
        except Exception:  # noqa: BLE001 - a counter is not worth failing the agent's search
            logger.exception("knowledge gap not counted")

    # -- citations (the request capability's port) --------------------------------------------------------------

    def citable(self, *, tenant: str, entry_id: str, on: date) -> bool:
        """Exists, visible to this tenant, published and valid on `on`."""
        entry = self._visible(tenant, entry_id)
        return entry is not None and entry.citable(tenant=tenant, on=on)

    def require_citable(self, *, tenant: str, entry_id: str, on: date) -> None:
        """Raise 422 knowledge_not_citable unless the entry may be cited."""
        if not self.citable(tenant=tenant, entry_id=entry_id, on=on):
            raise RuleViolationError(NOT_CITABLE, code="knowledge_not_citable", fields={"knowledge_id": "not_citable"})

    def cited(self, *, tenant: str, entry_id: str, at: datetime) -> None:
        """Count a citation in an answer that was saved (a lost count is not worth failing the answer)."""
        entry = self._visible(tenant, entry_id)
        if entry is None:
            return
        try:
            self._counters.count_citation(tenant=tenant, month=month_of(at), entry=entry)
        except Exception:  # noqa: BLE001 - the answer is committed; the counter is a statistic
            logger.exception("knowledge citation not counted")

    # -- writing ------------------------------------------------------------------------------------------------

    def create(self, *, tenant: str, actor: Principal, content: Content, source_request_id: str | None = None) -> Entry:
        """A new draft in the tenant's own bank."""
        self._check_unit(tenant, content.owner_unit)
        entry = domain.create(new_id(), tenant, self._clock.now(), actor, content, topics=self._topics)
        entry.source_request_id = source_request_id
        self._save(entry)
        return entry

    def propose(
        self, *, tenant: str, actor: Principal, request_id: str, owner_unit: str | None = None, topic: str | None = None
    ) -> Entry:
        """Art. 10 step 7: an answered request becomes a draft entry (its question and answer, the request linked);
        owned by the proposer's unit and under the first topic unless they say otherwise — the editor completes it."""
        found = self._requests.answered(tenant=tenant, request_id=request_id)
        if found is None:
            raise RuleViolationError(
                "Chỉ đề xuất từ yêu cầu đã được trả lời.", code="request_not_answered", fields={"request_id": "not_answered"}
            )
        content = Content(
            topic=topic or min(self._topics),
            question=found.question,
            answer=found.answer,
            valid_from=self.today(),
            owner_unit=owner_unit or actor.unit_id or "",
        )
        return self.create(tenant=tenant, actor=actor, content=content, source_request_id=request_id)

    def update(self, *, tenant: str, actor: Principal, entry_id: str, version: int, content: Content) -> Entry:
        """Change the content (a no-op change records nothing)."""
        entry = self._load(tenant, entry_id, version)
        if content.owner_unit != entry.content.owner_unit:
            self._check_unit(tenant, content.owner_unit)
        if entry.edit(self._clock.now(), actor, content, topics=self._topics):
            self._save(entry)
        return entry

    def restore(self, *, tenant: str, actor: Principal, entry_id: str, version: int, number: int) -> Entry:
        """Bring back an earlier version's content as a new version."""
        entry = self._load(tenant, entry_id, version)
        earlier = next((v for v in self._store.versions(tenant=tenant, entry_id=entry_id) if v.number == number), None)
        if earlier is None:
            raise RuleViolationError("Không có phiên bản này.", code="unknown_version", fields={"from_version": "unknown"})
        if entry.restore(self._clock.now(), actor, earlier, topics=self._topics):
            self._save(entry)
        return entry

    def submit(self, *, tenant: str, actor: Principal, entry_id: str, version: int) -> Entry:
        """Send the draft to the leader."""
        return self._step(tenant, entry_id, version, lambda e, now: e.submit(now, actor))

    def publish(self, *, tenant: str, actor: Principal, entry_id: str, version: int) -> Entry:
        """The leader publishes; agents find it once the index is built again (seconds)."""
        return self._step(tenant, entry_id, version, lambda e, now: e.publish(now, actor, self.today()))

    def return_to_editor(self, *, tenant: str, actor: Principal, entry_id: str, version: int, note: str) -> Entry:
        """The leader returns the submission with a note."""
        return self._step(tenant, entry_id, version, lambda e, now: e.return_to_editor(now, actor, note))

    def retire(self, *, tenant: str, actor: Principal, entry_id: str, version: int, note: str) -> Entry:
        """The leader takes the entry out of use."""
        return self._step(tenant, entry_id, version, lambda e, now: e.retire(now, actor, note))

    def review(self, *, tenant: str, actor: Principal, entry_id: str, version: int, note: str) -> Entry:
        """1218 Art. 2.7: mark the quarterly review done; the next falls due three months on."""
        return self._step(tenant, entry_id, version, lambda e, now: e.review(now, actor, self.today(), note))

    def import_entries(self, *, tenant: str, entries: Iterable[Entry]) -> int:
        """For the importer: write prepared entries (each with its versions) one transaction each; returns how many.

        The importer builds each `Entry` from the columns of `domain.FIELDS` (its `new_versions` recording the import)
        and decides its own all-or-nothing policy; this only saves and asks for one index build at the end.
        """
        count = 0
        for entry in entries:
            if entry.tenant != tenant:
                raise NotFoundError(NOT_FOUND)
            self._store.save(entry)
            count += 1
        if count:
            self._rebuilds.request(at=self._clock.now())
        return count

    # -- helpers ------------------------------------------------------------------------------------------------

    def _own(self, tenant: str, entry_id: str) -> Entry:
        entry = self._store.get(tenant=tenant, entry_id=entry_id)
        if entry is None:
            if self._visible(tenant, entry_id) is not None:
                raise ForbiddenError("Chỉ đơn vị quản lý mục hỏi đáp xem được lịch sử và sửa mục này.", code="not_owner")
            raise NotFoundError(NOT_FOUND)
        return entry

    def _load(self, tenant: str, entry_id: str, version: int) -> Entry:
        entry = self._own(tenant, entry_id)
        if entry.version != version:
            raise ConflictError()
        return entry

    def _step(self, tenant: str, entry_id: str, version: int, step: Callable[[Entry, datetime], None]) -> Entry:
        entry = self._load(tenant, entry_id, version)
        step(entry, self._clock.now())
        self._save(entry)
        return entry

    def _save(self, entry: Entry) -> None:
        self._store.save(entry)
        self._rebuilds.request(at=self._clock.now())

    def _check_unit(self, tenant: str, unit_id: str) -> None:
        if not self._units.exists(tenant=tenant, unit_id=unit_id):
            raise RuleViolationError("Đơn vị quản lý không tồn tại.", code="invalid_entry", fields={"owner_unit": "unknown"})
