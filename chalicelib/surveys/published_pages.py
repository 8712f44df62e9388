"""The office's public pages of its published survey reports (no sign-in, phone first): `/khao-sat/ket-qua`, a
report's summary with the satisfaction index and its chart, and `/khao-sat/ket-qua/{id}/bao-cao.pdf`, which sends
the browser to the archived PDF. Only published reports; anything else is 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.lazy import lazy
from chalicelib.web.render import Page, html

if TYPE_CHECKING:
    from . import results_views
else:
    results_views = lazy("chalicelib.surveys.results_views")
from .pages import dmy
from .results_schemas import ResultsRead

bp = Blueprint(__name__)


def _office(p: Page) -> dict[str, Any]:
    name, hotline = container().respondents.office(p.tenant.code)
    return {"office_name": name, "hotline": hotline}


@page(bp, "/khao-sat/ket-qua", public=True)
def published_list(p: Page) -> Response:
    """The office's published survey reports."""
    items = container().survey_published.list(tenant=p.tenant.code)
    return html("public_reports.html", title="Kết quả khảo sát", items=items, dmy=dmy, **_office(p))


@page(bp, "/khao-sat/ket-qua/{survey_id}", public=True)
def published_report(p: Page, survey_id: str) -> Response:
    """A published report: the period, respondents, the overall index and angles with intervals, part III."""
    found = container().survey_published.get(tenant=p.tenant.code, survey_id=survey_id)
    read = ResultsRead.of(found.survey.id, found.round.number, found.version.number, found.results)
    year = found.round.opened_at.year if found.round.opened_at else found.survey.plan.period_start.year
    top = [r for r in read.index if r.depth <= 1]
    return html(
        "public_report.html",
        title=found.survey.plan.title,
        survey=found.survey,
        report=found.survey.report,
        read=read,
        index=results_views.index_lines(top),
        chart=results_views.index_chart(top, year=year),
        target=results_views.target_of(year),
        v=results_views,
        dmy=dmy,
        **_office(p),
    )


@page(bp, "/khao-sat/ket-qua/{survey_id}/bao-cao.pdf", public=True)
def published_pdf(p: Page, survey_id: str) -> Response:
    """The archived PDF of a published report (a short-lived link to the frozen copy)."""
    url = container().survey_published.pdf_url(tenant=p.tenant.code, survey_id=survey_id)
    return Response(body="", status_code=302, headers={"Location": url})
