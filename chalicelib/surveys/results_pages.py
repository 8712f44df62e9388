"""The results pages (Art. 8 step 3): a round's summary, satisfaction index, general table, open questions,
comparisons, changes and a national survey's provinces ranked — each from the API's read models, so the page shows
what the JSON returns — with the owner's actions (weights, the reconcile job, exports), and the open answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.clock import to_local
from chalicelib.shared.errors import AppError, RuleViolationError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import Page, redirect, render

from . import messages

if TYPE_CHECKING:
    from chalicelib.requests import page_forms
    from chalicelib.web import charts

    from . import read_models, results_views
else:
    results_views = lazy("chalicelib.surveys.results_views")
    page_forms = lazy("chalicelib.requests.page_forms")
    read_models = lazy("chalicelib.surveys.read_models")
    charts = lazy("chalicelib.web.charts")
from .report_jobs import ANSWERS_JOB, REPORT_JOB
from .results_schemas import (
    ChangeRead,
    ChangesRead,
    ComparisonRead,
    ExportBody,
    OpenQuery,
    RankedRead,
    RankingRead,
    ResultsRead,
)
from .schemas import SurveyVersion

if TYPE_CHECKING:
    from .analysis import RoundResults

bp = Blueprint(__name__)
P = Permission
RECONCILE_JOB = "survey-results"  # chalicelib/surveys/reconcile.py's kind
EXPORTS = (
    ("report", "pdf", "Báo cáo (PDF)"),
    ("report", "xlsx", "Báo cáo (XLSX)"),
    ("answers", "csv", "Câu trả lời (CSV)"),
    ("answers", "xlsx", "Câu trả lời (XLSX)"),
)


def _small_int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 3 else None


def _year(found: RoundResults) -> int:
    """The year whose target the round is held against: the year it opened."""
    opened = found.round.opened_at
    return to_local(opened).year if opened else to_local(container().clock.now()).year


def _others(p: Page, found: RoundResults) -> list[tuple[str, str]]:
    """What this round may be compared with: the survey's other opened rounds, the office's other surveys' rounds."""
    survey = found.survey
    options = [
        (f"{survey.id}:{r.number}", f"Đợt {r.number} ({messages.ROUND_KIND_LABELS[r.kind]}) của khảo sát này")
        for r in survey.rounds
        if r.questionnaire_version is not None and r.number != found.round.number
    ]
    items, _ = container().surveys.page(tenant=p.tenant.code, cursor=None, limit=50)
    for other in items:
        if other.id == survey.id:
            continue
        for r in other.rounds:
            if r.questionnaire_version is not None:
                options.append((f"{other.id}:{r.number}", f"{other.plan.title} — đợt {r.number}"))
    return options


def _changes(p: Page, found: RoundResults, against: str) -> tuple[list[results_views.ChangeLine], AppError | None]:
    """This round against the chosen one (`id:round`); a refusal (the same round, no results) shown in place."""
    if not against:
        return [], None
    other_id, _, number = against.partition(":")
    analysis = container().survey_analysis

    def call() -> list[results_views.ChangeLine]:
        items = analysis.changes(tenant=p.tenant.code, found=found, other_id=other_id, other_round=_small_int(number))
        read = ChangesRead(against=other_id, against_round=_small_int(number) or 0, items=[ChangeRead.of(c) for c in items])
        return results_views.change_lines(read)

    lines, error = page_forms.attempt(call)
    return lines or [], error


def _weights(found: RoundResults, typed: dict[str, str] | None) -> list[tuple[str, str, int, str]]:
    """(field name, label, depth, value) per angle, factor and criterion: the survey's weight or what was typed."""
    fields = []
    for row in found.results.index:
        if row.node.level == "overall":
            continue
        name = f"w:{row.node.key}"
        saved = found.survey.weights.get(row.node.key, 1.0)
        value = typed.get(name, "") if typed is not None else charts.format_number(saved, 2).rstrip("0").rstrip(",")
        fields.append((name, row.node.label, row.depth, value))
    return fields


def _show(p: Page, survey_id: str, *, error: AppError | None = None, typed: dict[str, str] | None = None) -> Response:
    c = container()
    analysis = c.survey_analysis
    found = analysis.results(tenant=p.tenant.code, survey_id=survey_id, round_number=_small_int(p.query.get("round")))
    survey, rnd = found.survey, found.round
    read = ResultsRead.of(survey.id, rnd.number, found.version.number, found.results)
    year = _year(found)
    tally = c.surveys.tally(tenant=p.tenant.code, survey_id=survey.id, round_number=rnd.number).overall
    from .comparisons import DIMENSIONS  # the statistics load with the first results read, not on a cold start

    whole = survey.national and not survey.is_part
    dimensions = {k: v for k, v in DIMENSIONS.items() if k != "province" or whole}
    by = p.query.get("by", "")
    comparison = (
        results_views.comparison_view(
            ComparisonRead.of(analysis.comparison(found, by), found.results), {r.key: r.depth for r in read.index}
        )
        if by in dimensions
        else None
    )
    against = p.query.get("against", "")
    changes, change_error = _changes(p, found, against)
    ranking = None
    if whole:
        ranked = RankingRead(node="overall", items=[RankedRead.of(r) for r in analysis.ranking(found, "overall")])
        ranking = results_views.ranking_view(ranked, year=year)
    manage, _ = read_models.standing(p.user)
    owner = manage and survey.owner == p.tenant.code and not survey.is_part
    return render(
        p,
        "survey_results.html",
        error.status if error else 200,
        title=f"Kết quả: {survey.plan.title}",
        survey=survey,
        rnd=rnd,
        read=read,
        v=results_views,
        m=messages,
        opened=[r for r in survey.rounds if r.questionnaire_version is not None],
        planned=tally["planned"],
        rr1="—" if tally.rr1 is None else charts.format_percent(tally.rr1),
        rr3="—" if tally.rr3 is None else charts.format_percent(tally.rr3),
        index=results_views.index_lines(read.index),
        chart=results_views.index_chart(read.index, year=year),
        target=results_views.target_of(year),
        sections=results_views.sections(read),
        dimensions=dimensions,
        by=by if by in dimensions else "",
        comparison=comparison,
        others=_others(p, found),
        against=against,
        changes=changes,
        change_error=change_error,
        ranking=ranking,
        manage=manage,
        owner=owner and survey.archived_at is None,
        reconcile=manage and not whole,
        weights=_weights(found, typed),
        exports=EXPORTS,
        error=error,
    )


@page(bp, "/surveys/{survey_id}/results", permission=P.SURVEYS_READ)
def results_page(p: Page, survey_id: str) -> Response:
    """A round's results (the latest opened unless `?round=`), with `?by=` comparisons and `?against=` changes."""
    return _show(p, survey_id)


def _back(survey_id: str, p: Page) -> str:
    number = _small_int(p.value("round"))
    return f"/surveys/{survey_id}/results" + (f"?round={number}" if number else "")


@page(bp, "/surveys/{survey_id}/results/weights", method="POST", permission=P.SURVEYS_MANAGE)
def results_weights(p: Page, survey_id: str) -> Response:
    """Save the index's weights (a node left at 1 is left out); 409/422 shown on the page with what was typed."""
    typed = {name: values[0].strip() for name, values in p.form.items() if name.startswith("w:") and values}

    def call() -> Any:
        weights: dict[str, Any] = {}
        for name, text in typed.items():
            number = text.replace(",", ".")
            try:
                value: Any = float(number)
            except ValueError:
                value = text  # the schema refuses it with the field named
            if value != 1.0:
                weights[name[2:]] = value
        version = page_forms.parse(SurveyVersion, {"version": _int(p.value("version"))}).version
        return container().surveys.set_weights(
            tenant=p.tenant.code, survey_id=survey_id, actor=p.user, weights=_checked(weights), version=version
        )

    done, error = page_forms.attempt(call)
    if done is not None:
        back = _back(survey_id, p)
        return redirect(back + ("&" if "?" in back else "?") + "saved=weights")
    return _show(_with_round(p), survey_id, error=error, typed=typed)


def _checked(weights: dict[str, Any]) -> dict[str, float]:
    """Weights that are numbers (what is not is refused with its node named)."""
    bad = {key: "format" for key, value in weights.items() if not isinstance(value, float)}
    if bad:
        raise RuleViolationError("Trọng số chỉ số hài lòng không hợp lệ.", code="invalid_weights", fields=bad)
    return weights


@page(bp, "/surveys/{survey_id}/results/reconcile", method="POST", permission=P.SURVEYS_MANAGE)
def results_reconcile(p: Page, survey_id: str) -> Response:
    """Đối soát số liệu: recount the round's cells from its answers (a job), then its page."""
    c = container()

    def call() -> Any:
        found = c.survey_analysis.results(tenant=p.tenant.code, survey_id=survey_id, round_number=_small_int(p.value("round")))
        params = {"survey_id": found.survey.id, "round": found.round.number}
        return c.jobs.start(tenant=p.tenant.code, actor=p.user.login, kind=RECONCILE_JOB, params=params)

    done, error = page_forms.attempt(call)
    return redirect(f"/jobs/{done.id}") if done is not None else _show(_with_round(p), survey_id, error=error)


@page(bp, "/surveys/{survey_id}/results/exports", method="POST", permission=P.SURVEYS_MANAGE)
def results_export(p: Page, survey_id: str) -> Response:
    """Export the report or the answers as a job (POST /api/surveys/{id}/exports), then the job's page."""
    c = container()

    def call() -> Any:
        body = page_forms.parse(
            ExportBody, {"what": p.value("what"), "format": p.value("format"), "round": _small_int(p.value("round"))}
        )
        found = c.survey_analysis.results(tenant=p.tenant.code, survey_id=survey_id, round_number=body.round)
        if (body.what, body.format) not in {(w, f) for w, f, _ in EXPORTS}:
            raise RuleViolationError(
                "Định dạng này không có cho bản xuất này.", code="invalid_format", fields={"format": "unsupported"}
            )
        kind = REPORT_JOB if body.what == "report" else ANSWERS_JOB
        params = {"survey_id": found.survey.id, "round": found.round.number, "format": body.format}
        return c.jobs.start(tenant=p.tenant.code, actor=p.user.login, kind=kind, params=params)

    done, error = page_forms.attempt(call)
    return redirect(f"/jobs/{done.id}") if done is not None else _show(_with_round(p), survey_id, error=error)


def _with_round(p: Page) -> Page:
    """The page shown again after a form: on the round the form was about."""
    from dataclasses import replace

    number = _small_int(p.value("round"))
    return replace(p, query={"round": str(number)} if number else {})


def _int(text: str) -> int | str:
    return int(text) if text.isdigit() and len(text) < 10 else text


@page(bp, "/surveys/{survey_id}/results/open", permission=P.SURVEYS_MANAGE)
def open_answers(p: Page, survey_id: str) -> Response:
    """The words given to one open question, searched (case and diacritics ignored), a page at a time; audited."""
    c = container()
    q = {k: v for k, v in p.query.items() if k in ("round", "question", "q", "cursor") and v.strip()}
    query = page_forms.parse(OpenQuery, q | {"round": _int(q.get("round", ""))})
    survey = c.surveys.get(tenant=p.tenant.code, survey_id=survey_id)
    question = c.survey_analysis.version_of(survey, survey.round(query.round)).content.question(query.question)
    items, cursor = c.survey_analysis.open_answers(
        tenant=p.tenant.code,
        survey_id=survey_id,
        round_number=query.round,
        question_id=query.question,
        search=query.q,
        cursor=query.cursor,
        actor=p.user,
    )
    return render(
        p,
        "survey_open_answers.html",
        title="Câu trả lời mở",
        survey=survey,
        number=query.round,
        question=question,
        search=query.q,
        items=items,
        cursor=cursor,
        continued=query.cursor is not None,
    )
