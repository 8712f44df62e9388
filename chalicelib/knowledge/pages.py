"""The knowledge bank's console pages: search as you type, the entry with its legal basis and validity, the editor
with a preview, versions compared and restored, the review queue, and the report of gaps and citations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.errors import AppError
from chalicelib.shared.http import policy_posting_to
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, permissions_of
from chalicelib.tenancy.catalog import units_for
from chalicelib.web.render import Page, redirect, render

from . import messages
from .routes import filters_of, is_editor
from .schemas import EntryBody, EntryStep, EntryUpdate, ProposalBody, RestoreBody, SearchQuery
from .transfer_routes import ExportQuery

if TYPE_CHECKING:
    from chalicelib.requests import page_forms

    from . import domain, read_models, seams, transfer
    from . import service as knowledge_service
    from .domain import Entry
else:
    domain = lazy("chalicelib.knowledge.domain")
    read_models = lazy("chalicelib.knowledge.read_models")
    seams = lazy("chalicelib.knowledge.seams")
    knowledge_service = lazy("chalicelib.knowledge.service")
    transfer = lazy("chalicelib.knowledge.transfer")
    page_forms = lazy("chalicelib.requests.page_forms")

bp = Blueprint(__name__)
P = Permission
LEGAL_ROWS = 3  # empty rows of legal basis offered below those the entry has


def answer_blocks(text: str) -> list[tuple[str, list[str]]]:
    """The answer as paragraphs and "- " bullet lists, for the page to render escaped."""
    blocks: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        kind, body = ("ul", line.strip()[2:]) if line.strip().startswith("- ") else ("p", line.strip())
        if not body:
            continue
        if kind == "ul" and blocks and blocks[-1][0] == "ul":
            blocks[-1][1].append(body)
        else:
            blocks.append((kind, [body]))
    return blocks


def marked(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut into pieces, each with whether it is a matched word (rendered escaped, matches in <mark>)."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        if start < at:
            continue
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def _common(p: Page) -> dict[str, Any]:
    units = container().tenancy.list_units(tenant=p.tenant.code)
    return {
        "labels": messages,
        "topics": seams.topic_names(),
        # a national entry's owner is a CCC unit (the statutory catalogue; no read), a local one the office's own
        "unit_names": {**{u.code: u.name for u in units_for(domain.NATIONAL)}, **{u.id: u.name for u in units}},
        "units": units,
        "editor": is_editor(p.user),
        "can_export": P.KNOWLEDGE_EXPORT in permissions_of(p.user.roles, p.user.tenant),
        "can_import": P.KNOWLEDGE_IMPORT in permissions_of(p.user.roles, p.user.tenant),
        "blocks": answer_blocks,
        "marked": marked,
        "fields_order": domain.FIELDS,
    }


@page(bp, "/knowledge", permission=P.KNOWLEDGE_READ)
def search_page(p: Page) -> Response:
    """Search as you type (the script); without it, the form searches on submit."""
    query = page_forms.parse(SearchQuery, {k: v for k, v in p.query.items() if k in SearchQuery.model_fields})
    service = container().knowledge
    on = query.valid_on or service.today()
    found = service.search(tenant=p.tenant.code, text=query.q, filters=filters_of(query, p.user), on=on) if query.q else []
    hits = [read_models.hit(f, on) for f in found]
    return render(p, "knowledge_search.html", title="Ngân hàng hỏi đáp", query=query, hits=hits, **_common(p))


def _show(p: Page, entry: Entry, status: int = 200, *, error: AppError | None = None) -> Response:
    c = container()
    read = read_models.detail(entry, c.knowledge.today(), p.user)
    own = entry.tenant == p.tenant.code
    versions = c.knowledge.versions(tenant=p.tenant.code, entry_id=entry.id) if own and is_editor(p.user) else []
    return render(
        p,
        "knowledge_entry.html",
        status,
        title=entry.content.question[:80],
        entry=read,
        versions=list(reversed(versions)),
        actions=domain.allowed_actions(entry, p.user) if own else [],
        error=error,
        **_common(p),
    )


@page(bp, "/knowledge/new", permission=P.KNOWLEDGE_WRITE)
def new_entry(p: Page) -> Response:
    """The editor, empty."""
    return _editor(p, None, {})


@page(bp, "/knowledge/new", method="POST", permission=P.KNOWLEDGE_WRITE)
def create_entry(p: Page) -> Response:
    """Save a new draft."""
    service = container().knowledge
    values = _form_values(p)
    done, error = page_forms.attempt(
        lambda: service.create(tenant=p.tenant.code, actor=p.user, content=page_forms.parse(EntryBody, values).content())
    )
    if done is not None:
        return redirect(f"/knowledge/{done.id}")
    return _editor(p, None, values, error=error)


@page(bp, "/knowledge/reviews", permission=P.KNOWLEDGE_READ)
def reviews(p: Page) -> Response:
    """The quarterly review queue of a unit (default: the user's), soonest and overdue first."""
    service = container().knowledge
    unit = p.query.get("unit", p.user.unit_id or "")
    entries = service.review_queue(tenant=p.tenant.code, unit_id=unit or None)
    today = service.today()
    items = [read_models.detail(e, today, p.user) for e in entries]
    return render(p, "knowledge_reviews.html", title="Rà soát định kỳ", items=items, unit=unit, **_common(p))


@page(bp, "/knowledge/report", permission=P.KNOWLEDGE_WRITE)
def report(p: Page) -> Response:
    """Searches that found nothing (most frequent first), cited entries (most cited first), reviews overdue."""
    c = container()
    month = p.query.get("month") or knowledge_service.month_of(c.clock.now())
    service = c.knowledge
    gaps, cited = service.gaps(tenant=p.tenant.code, month=month), service.citations(tenant=p.tenant.code, month=month)
    today = service.today()
    overdue = [read_models.detail(e, today, p.user) for e in service.overdue(tenant=p.tenant.code)]
    return render(
        p,
        "knowledge_report.html",
        title="Báo cáo ngân hàng hỏi đáp",
        month=month,
        gaps=gaps,
        cited=cited,
        overdue=overdue,
        **_common(p),
    )


@page(bp, "/knowledge/propose", method="POST", permission=P.KNOWLEDGE_WRITE)
def propose(p: Page) -> Response:
    """Art. 10 step 7: one click on an answered request makes a draft entry; the editor completes it."""
    body = page_forms.parse(ProposalBody, {"request_id": p.value("request_id"), "topic": p.value("topic") or None})
    entry = container().knowledge.propose(tenant=p.tenant.code, actor=p.user, request_id=body.request_id, topic=body.topic)
    return redirect(f"/knowledge/{entry.id}/edit")


@page(bp, "/knowledge/export", method="POST", permission=P.KNOWLEDGE_EXPORT)
def export_bank(p: Page) -> Response:
    """The office's whole bank as XLSX or CSV: a background job, whose page shows its progress and the download."""
    body = page_forms.parse(ExportQuery, {"format": p.value("format") or "xlsx"})
    job = container().jobs.start(tenant=p.tenant.code, actor=p.user.login, kind=transfer.EXPORT, params={"format": body.format})
    return redirect(f"/jobs/{job.id}")


@page(bp, "/knowledge/import", permission=P.KNOWLEDGE_IMPORT)
def import_form(p: Page) -> Response:
    """Upload an XLSX or CSV of entries straight to storage with a plain form; storage brings the leader back here."""
    c = container()
    office = c.settings.public_url_template.format(tenant=p.tenant.code)
    form = c.jobs.upload(
        tenant=p.tenant.code, actor=p.user.login, then=lambda upload_id: f"{office}/knowledge/import/{upload_id}"
    )
    response = render(p, "knowledge_import.html", form=form, **_common(p))
    response.headers["Content-Security-Policy"] = policy_posting_to(form.url)  # the form goes to the files bucket
    return response


@page(bp, "/knowledge/import/{upload_id}", permission=P.KNOWLEDGE_IMPORT)
def import_ready(p: Page, upload_id: str) -> Response:
    """The file arrived: one more click starts the import (every row checked first; a bad file writes nothing)."""
    return render(p, "knowledge_import.html", ready=upload_id, **_common(p))


@page(bp, "/knowledge/import/{upload_id}", method="POST", permission=P.KNOWLEDGE_IMPORT)
def import_start(p: Page, upload_id: str) -> Response:
    """Start the import job of the uploaded file and open its page."""
    jobs = container().jobs
    key = jobs.uploaded(tenant=p.tenant.code, actor=p.user.login, upload_id=upload_id)
    job = jobs.start(tenant=p.tenant.code, actor=p.user.login, kind=transfer.IMPORT, params={"key": key, "file_name": ""})
    return redirect(f"/jobs/{job.id}")


@page(bp, "/knowledge/{entry_id}", permission=P.KNOWLEDGE_READ)
def entry_page(p: Page, entry_id: str) -> Response:
    """The entry: answer, legal basis, validity (expired and internal clearly marked), actions, versions."""
    return _show(p, container().knowledge.get(tenant=p.tenant.code, entry_id=entry_id))


@page(bp, "/knowledge/{entry_id}/edit", permission=P.KNOWLEDGE_READ)
def edit_entry(p: Page, entry_id: str) -> Response:
    """The editor with the entry's content."""
    entry = container().knowledge.get(tenant=p.tenant.code, entry_id=entry_id)
    entry.check("update", p.user)
    return _editor(p, entry, _values_of(entry))


@page(bp, "/knowledge/{entry_id}/edit", method="POST", permission=P.KNOWLEDGE_READ)
def update_entry(p: Page, entry_id: str) -> Response:
    """Save the content at the version it was edited from (a colleague's change meanwhile: 409, shown in place)."""
    service = container().knowledge
    values = _form_values(p) | {"version": p.value("version")}
    done, error = page_forms.attempt(
        lambda: service.update(
            tenant=p.tenant.code,
            actor=p.user,
            entry_id=entry_id,
            version=(b := page_forms.parse(EntryUpdate, values)).version,
            content=b.content(),
        )
    )
    if done is not None:
        return redirect(f"/knowledge/{entry_id}")
    return _editor(p, service.get(tenant=p.tenant.code, entry_id=entry_id), values, error=error)


@page(bp, "/knowledge/{entry_id}/compare", permission=P.KNOWLEDGE_READ)
def compare(p: Page, entry_id: str) -> Response:
    """Two versions side by side, field by field."""
    service = container().knowledge
    entry = service.get(tenant=p.tenant.code, entry_id=entry_id)
    before, after, differences = service.compare(
        tenant=p.tenant.code, entry_id=entry_id, before=int(p.query.get("from", "0") or 0), after=int(p.query.get("to", "0") or 0)
    )
    actions = domain.allowed_actions(entry, p.user)
    return render(
        p,
        "knowledge_compare.html",
        title="So sánh phiên bản",
        entry=entry,
        before=before,
        after=after,
        differences=differences,
        can_restore="restore" in actions,
        **_common(p),
    )


def _step(name: str) -> None:
    @page(bp, f"/knowledge/{{entry_id}}/{name}", method="POST", permission=P.KNOWLEDGE_READ)
    def step(p: Page, entry_id: str) -> Response:
        service = container().knowledge
        t, u = p.tenant.code, p.user

        def run() -> Entry:
            if name == "restore":
                b = page_forms.parse(RestoreBody, {"version": p.value("version"), "from_version": p.value("from_version")})
                return service.restore(tenant=t, actor=u, entry_id=entry_id, version=b.version, number=b.from_version)
            v = page_forms.parse(EntryStep, {"version": p.value("version"), "note": p.value("note")})
            if name in ("submit", "publish"):
                return getattr(service, name)(tenant=t, actor=u, entry_id=entry_id, version=v.version)  # type: ignore[no-any-return]
            call = {"return": service.return_to_editor, "retire": service.retire, "review": service.review}[name]
            return call(tenant=t, actor=u, entry_id=entry_id, version=v.version, note=v.note)

        done, error = page_forms.attempt(run)
        if done is not None:
            return redirect(f"/knowledge/{entry_id}")
        return _show(p, service.get(tenant=t, entry_id=entry_id), error.status if error else 400, error=error)

    step.__name__ = step.__qualname__ = f"step_{name}"


for _name in ("submit", "publish", "return", "retire", "review", "restore"):
    _step(_name)


# -- the editor's form -----------------------------------------------------------------------------------------------


def _form_values(p: Page) -> dict[str, Any]:
    """The editor's fields as the API's body."""
    legal = []
    for n in range(1, 21):
        document = p.value(f"legal_document_{n}")
        if document:
            legal.append(
                {"document": document, "article": p.value(f"legal_article_{n}"), "date": p.value(f"legal_date_{n}") or None}
            )
    return {
        "topic": p.value("topic"),
        "question": p.value("question"),
        "answer": p.form.get("answer", [""])[0].replace("\r\n", "\n").strip(),
        "legal_basis": legal,
        "valid_from": p.value("valid_from"),
        "valid_until": p.value("valid_until") or None,
        "owner_unit": p.value("owner_unit"),
        "audience": p.value("audience") or "public",
        "related": [r.strip() for r in p.value("related").replace(";", ",").split(",") if r.strip()],
        "scenarios": [s.strip() for s in p.form.get("scenarios", [""])[0].splitlines() if s.strip()],
    }


def _values_of(entry: Entry) -> dict[str, Any]:
    return dict(entry.content.snapshot()) | {"version": entry.version}


def _editor(p: Page, entry: Entry | None, values: dict[str, Any], *, error: AppError | None = None) -> Response:
    status = error.status if error else 200
    legal = list(values.get("legal_basis") or [])
    legal += [{"document": "", "article": "", "date": None}] * LEGAL_ROWS
    return render(
        p,
        "knowledge_editor.html",
        status,
        title="Sửa mục hỏi đáp" if entry else "Mục hỏi đáp mới",
        entry=entry,
        values=values,
        legal=legal,
        error=error,
        fields=error.fields if error else {},
        **_common(p),
    )
