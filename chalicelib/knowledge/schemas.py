"""The knowledge bank at the edge (API.md "Knowledge bank", extended in the README's Contract section)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from chalicelib.shared.fields import Cursor, Day, Identifier, Line, QueryFlag, QueryInt, Text, Version
from chalicelib.shared.lazy import lazy
from chalicelib.shared.schema import BaseModel, Input

from .search import MAX_LIMIT

if TYPE_CHECKING:
    from . import domain
    from .domain import Content
else:
    domain = lazy("chalicelib.knowledge.domain")

StatusName = Literal["draft", "in_review", "published", "retired"]
AudienceName = Literal["public", "internal"]
Topic = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")]


class LegalBasisBody(Input):
    """A legal document the answer rests on."""

    document: Line = Field(min_length=1, max_length=300)
    article: Line = Field(default="", max_length=200)
    date: Day | None = None


class EntryBody(Input):
    """An entry's content, as an editor writes it (the fields of domain.FIELDS)."""

    topic: Topic
    question: Text = Field(min_length=1, max_length=1000)
    answer: Text = Field(min_length=1, max_length=8000)
    legal_basis: list[LegalBasisBody] = Field(default_factory=list, max_length=20)
    valid_from: Day
    valid_until: Day | None = None
    owner_unit: Identifier = Field(max_length=40)
    audience: AudienceName = "public"
    related: list[Identifier] = Field(default_factory=list, max_length=20)
    scenarios: list[Line] = Field(default_factory=list, max_length=300)

    def content(self) -> Content:
        """The domain's content."""
        return domain.Content(
            topic=self.topic,
            question=self.question,
            answer=self.answer,
            legal_basis=tuple(domain.LegalBasis(b.document.strip(), b.article.strip(), b.date) for b in self.legal_basis),
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            owner_unit=self.owner_unit,
            audience=self.audience,
            related=tuple(self.related),
            scenarios=tuple(s[:500] for s in self.scenarios),
        )


class EntryUpdate(EntryBody):
    """The whole content again, with the version it was edited from."""

    version: Version


class EntryStep(Input):
    """A step on an entry, with the version it was decided on."""

    version: Version
    note: Text = Field(default="", max_length=2000)


class RestoreBody(Input):
    """Restore the content of an earlier version (as a new version)."""

    version: Version
    from_version: int = Field(ge=1, le=2**31 - 1)


class ProposalBody(Input):
    """Art. 10 step 7: propose an entry from an answered request."""

    request_id: Identifier = Field(max_length=40)
    owner_unit: Identifier | None = Field(default=None, max_length=40)
    topic: Topic | None = None


class SearchQuery(Input):
    """What to search: the words typed, and filters (an editor may ask for other statuses and expired entries)."""

    q: Line = Field(default="", max_length=200)
    topic: Topic | None = None
    audience: AudienceName | None = None
    status: StatusName | None = None
    valid_on: Day | None = None
    limit: QueryInt = Field(default=5, ge=1, le=MAX_LIMIT)
    record: QueryFlag = True  # count a search that finds nothing as a gap (the page turns it off while typing)


class EntryQuery(Input):
    """The list of the office's own entries in one status."""

    status: StatusName = "published"
    cursor: Cursor | None = None
    limit: QueryInt = Field(default=25, ge=1, le=100)


class CompareQuery(Input):
    """Two versions to compare."""

    from_: QueryInt = Field(alias="from", ge=1)
    to: QueryInt = Field(ge=1)


class ReviewQuery(Input):
    """One unit's review queue (default: the user's unit; `all` for the whole office)."""

    unit: Identifier | None = Field(default=None, max_length=40)
    all: QueryFlag = False


class MonthQuery(Input):
    """A month of the gaps and citations report (default: this month)."""

    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None


class LegalBasisRead(BaseModel):
    """A legal document, as read."""

    document: str
    article: str
    date: date | None


class EntryRead(BaseModel):
    """An entry as the caller sees it now: content, state, validity flags and the actions they may take."""

    id: str
    tenant: str
    national: bool
    topic: str
    question: str
    answer: str
    legal_basis: list[LegalBasisRead]
    valid_from: date
    valid_until: date | None
    owner_unit: str
    audience: str
    internal: bool
    related: list[str]
    scenarios: list[str]
    status: str
    current: bool  # published and valid today: an agent may answer from it
    expired: bool  # its legal basis no longer holds (valid_until passed): flagged at once
    review_due: date | None
    review_overdue: bool
    reviewed_at: datetime | None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime | None
    submitted_by: str | None
    published_by: str | None
    published_at: datetime | None
    source_request_id: str | None
    note: str
    version: Version
    allowed_actions: list[str]


class EntryPage(BaseModel):
    """A page of entries."""

    items: list[EntryRead]
    next_cursor: str | None


class Highlight(BaseModel):
    """Character spans [start, end) to mark in a text."""

    field: str
    text: str
    spans: list[tuple[int, int]]


class SearchItem(BaseModel):
    """One entry found (API.md's shape, extended)."""

    id: str
    tenant: str
    question: str
    answer: str
    topic: str
    highlights: list[Highlight]
    score: float
    matched: Highlight  # the phrasing that matched best: the question, a scenario or the answer
    internal: bool
    current: bool
    expired: bool
    status: str
    legal_basis: list[LegalBasisRead]
    valid_from: date
    valid_until: date | None


class SearchPage(BaseModel):
    """The entries found, best first."""

    items: list[SearchItem]


class VersionRead(BaseModel):
    """One version: who, when, which step, which fields it changed."""

    number: int
    at: datetime
    actor: str
    action: str
    changed: list[str]
    status: str
    note: str
    content: dict[str, Any]


class VersionPage(BaseModel):
    """Every version of an entry, oldest first."""

    items: list[VersionRead]


class DifferenceRead(BaseModel):
    """One field that differs."""

    field: str
    before: Any
    after: Any


class CompareRead(BaseModel):
    """Two versions and their field-level differences."""

    before: VersionRead
    after: VersionRead
    differences: list[DifferenceRead]


class CountRead(BaseModel):
    """A counter of the month."""

    key: str
    count: int
    label: str
    owner: str


class ReportRead(BaseModel):
    """The editors' view of what agents met: searches that found nothing, entries cited, reviews overdue."""

    month: str
    gaps: list[CountRead]
    citations: list[CountRead]
    overdue: list[EntryRead]
