"""What the API and the pages show of entries, versions and search hits (one place for both)."""

from __future__ import annotations

from datetime import date

from chalicelib.shared.tenancy import Principal

from .domain import NATIONAL, Entry, Version, allowed_actions
from .schemas import EntryRead, Highlight, LegalBasisRead, SearchItem, VersionRead
from .service import Found


def legal_basis(entry: Entry) -> list[LegalBasisRead]:
    """The entry's legal documents."""
    return [LegalBasisRead(document=b.document, article=b.article, date=b.date) for b in entry.content.legal_basis]


def detail(entry: Entry, on: date, actor: Principal) -> EntryRead:
    """The entry with its flags and the actions the user may take on it now."""
    c = entry.content
    return EntryRead(
        id=entry.id,
        tenant=entry.tenant,
        national=entry.tenant == NATIONAL,
        topic=c.topic,
        question=c.question,
        answer=c.answer,
        legal_basis=legal_basis(entry),
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        owner_unit=c.owner_unit,
        audience=c.audience,
        internal=c.audience == "internal",
        related=list(c.related),
        scenarios=list(c.scenarios),
        status=entry.status,
        current=entry.is_current(on),
        expired=entry.expired(on),
        review_due=entry.review_due,
        review_overdue=entry.review_overdue(on),
        reviewed_at=entry.reviewed_at,
        created_by=entry.created_by,
        created_at=entry.created_at,
        updated_by=entry.updated_by,
        updated_at=entry.updated_at,
        submitted_by=entry.submitted_by,
        published_by=entry.published_by,
        published_at=entry.published_at,
        source_request_id=entry.source_request_id,
        note=entry.note,
        version=entry.version,
        allowed_actions=allowed_actions(entry, actor) if entry.tenant == actor.tenant else [],
    )


def hit(found: Found, on: date) -> SearchItem:
    """A search hit with the entry as stored now."""
    h, entry = found.hit, found.entry
    matched = Highlight(field=h.matched.field, text=h.matched.text, spans=[tuple(s) for s in h.matched.spans])  # type: ignore[misc]
    highlights = [Highlight(field="question", text=h.question, spans=[tuple(s) for s in h.question_spans])]  # type: ignore[misc]
    if h.matched.field != "question":
        highlights.append(matched)
    c = entry.content
    return SearchItem(
        id=entry.id,
        tenant=entry.tenant,
        question=c.question,
        answer=c.answer,
        topic=c.topic,
        highlights=highlights,
        score=round(h.score, 4),
        matched=matched,
        internal=c.audience == "internal",
        current=found.current,
        expired=entry.expired(on),
        status=entry.status,
        legal_basis=legal_basis(entry),
        valid_from=c.valid_from,
        valid_until=c.valid_until,
    )


def version(v: Version) -> VersionRead:
    """One version."""
    return VersionRead(
        number=v.number,
        at=v.at,
        actor=v.actor,
        action=v.action,
        changed=list(v.changed),
        status=v.status,
        note=v.note,
        content=v.content,
    )
