"""Searching the knowledge bank, in the bank's terms: what is indexed, what a search asks, what it finds.

The index is a read model built from the entries in DynamoDB (the source of truth) and replaced when they change;
`SearchIndex` is what the service asks for. Adapters: `tantivy_index.py` (in-process, the product) and the
in-memory fake of the service tests, both held to `tests/integration/test_knowledge_search_contract.py`.

Rules every implementation keeps (issue 8, DOMAIN.md §3):
- a province sees its own local entries plus the national ones (tenant `ccc`), never another province's;
- hits are collapsed to core entries: a scenario that matches brings its entry, once;
- by default only what an agent may answer from is found: published, and valid on the day asked about. An editor
  may ask for other statuses or for expired entries, and then each hit says whether it is `current` — an expired
  or retired entry is never presented as current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Protocol

Audience = Literal["public", "internal"]
Status = Literal["draft", "in_review", "published", "retired"]
Field = Literal["question", "scenario", "answer"]
NATIONAL = "ccc"  # the Customer Care Centre keeps the national bank; every tenant reads it
MAX_LIMIT = 50


@dataclass(frozen=True)
class IndexedEntry:
    """A core entry as the index sees it: its texts, the scenarios pointing at it, and what filters need."""

    id: str
    tenant: str
    topic: str  # dotted path of the topic tree: "bhxh.thai-san"
    question: str
    answer: str
    valid_from: date
    valid_until: date | None = None
    scenarios: tuple[str, ...] = ()
    audience: Audience = "public"
    status: Status = "published"

    def current_on(self, day: date) -> bool:
        """Published and valid on `day` (valid_until inclusive)."""
        return self.status == "published" and self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def visible_to(self, tenant: str) -> bool:
        """National entries are everyone's; a local one only its province's."""
        return self.tenant in (tenant, NATIONAL)

    def in_topic(self, prefix: str) -> bool:
        """Whether the entry sits at or under topic `prefix` ("bhxh" holds "bhxh.thai-san", not "bhxhtn")."""
        return self.topic == prefix or self.topic.startswith(prefix + ".")


@dataclass(frozen=True)
class SearchFilters:
    """What to search among. The default is what an agent answers from: published, valid on the day, five hits."""

    topic: str | None = None
    audience: Audience | None = None
    statuses: frozenset[Status] = frozenset({"published"})
    current_only: bool = True  # valid on the day asked about
    limit: int = 5

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        if not self.statuses:
            raise ValueError("statuses must not be empty")

    def admit(self, entry: IndexedEntry, *, tenant: str, on: date) -> bool:
        """Whether `entry` may be a hit for `tenant` on day `on` under these filters."""
        return (
            entry.visible_to(tenant)
            and entry.status in self.statuses
            and (self.topic is None or entry.in_topic(self.topic))
            and (self.audience is None or entry.audience == self.audience)
            and (not self.current_only or (entry.valid_from <= on and (entry.valid_until is None or on <= entry.valid_until)))
        )


ANSWERABLE = SearchFilters()  # what an agent answers from: published, valid on the day, five hits

Span = tuple[int, int]  # [start, end) character offsets into the NFC text returned beside it


@dataclass(frozen=True)
class Matched:
    """The phrasing of the entry that matched best: the question itself, one of its scenarios, or the answer."""

    field: Field
    text: str
    spans: tuple[Span, ...]
    scenario: int | None = None  # index into IndexedEntry.scenarios when field == "scenario"


@dataclass(frozen=True)
class SearchHit:
    """One core entry found, with why: its score, the phrasing that matched, and the words to highlight."""

    entry_id: str
    tenant: str
    topic: str
    audience: Audience
    status: Status
    valid_from: date
    valid_until: date | None
    current: bool  # published and valid on the day asked about; False for expired, retired, draft entries
    score: float
    question: str
    question_spans: tuple[Span, ...]
    matched: Matched
    internal: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "internal", self.audience == "internal")


class SearchIndex(Protocol):
    """The knowledge bank's search, as the service uses it."""

    def search(self, *, tenant: str, text: str, on: date, filters: SearchFilters = ANSWERABLE) -> list[SearchHit]:
        """Up to `filters.limit` distinct core entries for `text`, best first; `on` is the day of validity."""
        ...
