"""The survey owner's and leader's pages: the list, the plan form, a survey with its approval panel, rounds (draw,
open, close, lessons), the daily tally with its chart, sending progress, the members and invitations, and the
interviewer's entry of a member's answers — the same use cases as the API, as plain forms."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.clock import format_date, to_local
from chalicelib.shared.errors import AppError
from chalicelib.shared.ids import new_id
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.tenancy.catalog import TENANT_BY_CODE, TENANTS, units_for
from chalicelib.web.render import Page, redirect, render

from . import messages
from .routes import _number
from .schemas import DrawBody, LessonsBody, OpenBody, PlanBody, PlanUpdate, ReplaceBody, StepBody, SurveyVersion

if TYPE_CHECKING:
    from chalicelib.links import deliveries
    from chalicelib.requests import page_forms

    from . import domain, read_models, respond, tally_pages
    from . import form as surveys_form
else:
    deliveries = lazy("chalicelib.links.deliveries")
    page_forms = lazy("chalicelib.requests.page_forms")
    domain = lazy("chalicelib.surveys.domain")
    surveys_form = lazy("chalicelib.surveys.form")
    read_models = lazy("chalicelib.surveys.read_models")
    respond = lazy("chalicelib.surveys.respond")
    tally_pages = lazy("chalicelib.surveys.tally_pages")

bp = Blueprint(__name__)
P = Permission
LIST_FIELDS = ("content_areas", "criteria", "target_groups", "places")


def dmy(value: date | datetime | None) -> str:
    """dd/mm/yyyy (an instant in Vietnam's time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_date(value)
    return value.strftime("%d/%m/%Y")


def _common(p: Page) -> dict[str, Any]:
    return {
        "m": messages,
        "dmy": dmy,
        "methods": domain.METHODS,
        "provinces": [t for t in TENANTS if t.code != "ccc"],
        "delivery_labels": deliveries.STATUS_LABELS,
    }


@page(bp, "/surveys", permission=P.SURVEYS_READ)
def surveys(p: Page) -> Response:
    """The office's surveys and its parts of national ones."""
    items, cursor = container().surveys.page(tenant=p.tenant.code, cursor=p.query.get("cursor") or None)
    manage, _ = read_models.standing(p.user)
    summaries = [read_models.summary(s) for s in items]
    return render(p, "surveys_list.html", title="Khảo sát", items=summaries, cursor=cursor, manage=manage, **_common(p))


def _plan_values(p: Page) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: p.value(name) for name in ("title", "kind", "purpose", "period_start", "period_end", "lead_unit", "outsourcing")
    }
    values["questionnaire_id"] = p.value("questionnaire_id") or "standard-answer"
    values["methods"] = p.values("methods")
    values["provinces"] = p.values("provinces")
    values["partner_units"] = p.values("partner_units")
    for name in LIST_FIELDS:
        values[name] = [line.strip() for line in p.value(name).splitlines() if line.strip()]
    values["budget"] = int(p.value("budget")) if p.value("budget").isdigit() else p.value("budget") or 0
    for name in ("contact_days", "link_days", "send_rate"):
        if p.value(name):
            values[name] = int(p.value(name)) if p.value(name).isdigit() else p.value(name)
    values["anonymous"] = p.value("anonymous") == "on"
    return values


def _plan_form(p: Page, values: dict[str, Any], *, survey_id: str | None = None, error: AppError | None = None) -> Response:
    status = error.status if error else 200
    units = units_for(p.tenant.code)
    return render(
        p,
        "surveys_plan.html",
        status,
        title="Kế hoạch khảo sát",
        values=values,
        survey_id=survey_id,
        error=error,
        units=units,
        questionnaires=container().questionnaires.list(tenant=p.tenant.code, limit=100)[0],
        national=p.tenant.code == "ccc",
        **_common(p),
    )


@page(bp, "/surveys/new", permission=P.SURVEYS_MANAGE)
def new_plan(p: Page) -> Response:
    """An empty plan form."""
    today = container().clock.now().date()
    return _plan_form(
        p,
        {
            "period_start": today.isoformat(),
            "kind": "care",
            "methods": ["online"],
            "contact_days": 90,
            "link_days": 30,
            "send_rate": 10,
        },
    )


@page(bp, "/surveys/new", method="POST", permission=P.SURVEYS_MANAGE)
def create_plan(p: Page) -> Response:
    """Save a new plan as a draft."""
    values = _plan_values(p)

    def create() -> Any:
        body = page_forms.parse(PlanBody, values)
        return container().surveys.create(tenant=p.tenant.code, actor=p.user, plan=body.plan(), settings=body.settings())

    done, error = page_forms.attempt(create)
    return redirect(f"/surveys/{done.id}") if done is not None else _plan_form(p, values, error=error)


@page(bp, "/surveys/{survey_id}/edit", permission=P.SURVEYS_MANAGE)
def edit_plan(p: Page, survey_id: str) -> Response:
    """The plan form with the plan's values."""
    read = read_models.detail(container().surveys.get(tenant=p.tenant.code, survey_id=survey_id), p.user)
    values = read.model_dump(mode="json")
    for name in LIST_FIELDS:
        values[name] = "\n".join(values[name])
    return _plan_form(p, values, survey_id=survey_id)


@page(bp, "/surveys/{survey_id}/edit", method="POST", permission=P.SURVEYS_MANAGE)
def update_plan(p: Page, survey_id: str) -> Response:
    """Save the edited plan (409 shown in place when someone saved in between)."""
    values = _plan_values(p) | {"version": int(p.value("version") or 0) if p.value("version").isdigit() else p.value("version")}

    def update() -> Any:
        body = page_forms.parse(PlanUpdate, values)
        return container().surveys.update(
            tenant=p.tenant.code,
            survey_id=survey_id,
            actor=p.user,
            plan=body.plan(),
            settings=body.settings(),
            version=body.version,
        )

    done, error = page_forms.attempt(update)
    if done is not None:
        return redirect(f"/surveys/{survey_id}")
    for name in LIST_FIELDS:
        values[name] = "\n".join(values[name])
    return _plan_form(p, values, survey_id=survey_id, error=error)


def _show(p: Page, survey_id: str, *, error: AppError | None = None, status: int = 200) -> Response:
    c = container()
    survey = c.surveys.get(tenant=p.tenant.code, survey_id=survey_id)
    read = read_models.detail(survey, p.user)
    wanted = p.query.get("round", "")
    shown_round = int(wanted) if wanted.isdigit() and len(wanted) < 3 else (survey.rounds[-1].number if survey.rounds else None)
    tally = tally_pages.tally_view(
        c.surveys.tally(tenant=p.tenant.code, survey_id=survey.id, round_number=shown_round),
        today=to_local(c.clock.now()).date(),
        label=messages.stratum_name,
    )
    sending = c.surveys.sending(tenant=p.tenant.code, survey_id=survey.id)
    frames = c.survey_frames.list(tenant=p.tenant.code) if "draw" in read.actions else []
    return render(
        p,
        "surveys_detail.html",
        error.status if error else status,
        title=read.title,
        survey=read,
        tally=tally,
        tally_round=shown_round,
        sending=sending,
        frames=frames,
        error=error,
        direct=any(mth in domain.DIRECT for mth in read.methods),
        office=TENANT_BY_CODE[survey.owner].name if survey.owner in TENANT_BY_CODE else survey.owner,
        unit_names={u.code: u.name for u in units_for(survey.owner)} if survey.owner in TENANT_BY_CODE else {},
        questionnaire_title=_questionnaire_title(p.tenant.code, survey.owner, survey.plan.questionnaire_id),
        **_common(p),
    )


def _questionnaire_title(tenant: str, owner: str, questionnaire_id: str) -> str:
    """The plan's questionnaire by its title (a part of a national survey names it by id: it is the CCC's)."""
    if owner != tenant:
        return questionnaire_id
    try:
        return container().questionnaires.get(tenant=tenant, questionnaire_id=questionnaire_id).content.title
    except AppError:
        return questionnaire_id


@page(bp, "/surveys/{survey_id}", permission=P.SURVEYS_READ)
def survey_page(p: Page, survey_id: str) -> Response:
    """A survey: the plan, its approval, rounds, tally and sending progress."""
    return _show(p, survey_id)


def _step_page(name: str, permission: Permission) -> None:
    @page(bp, f"/surveys/{{survey_id}}/{name}", method="POST", permission=permission)
    def step(p: Page, survey_id: str) -> Response:
        service = container().surveys
        act = {"submit": service.submit, "withdraw": service.withdraw, "approve": service.approve, "return": service.return_}[
            name
        ]

        def call() -> Any:
            body = page_forms.parse(StepBody, {"note": p.value("note"), "version": _int(p.value("version"))})
            return act(tenant=p.tenant.code, survey_id=survey_id, actor=p.user, note=body.note, version=body.version)

        done, error = page_forms.attempt(call)
        return redirect(f"/surveys/{survey_id}") if done is not None else _show(p, survey_id, error=error)

    step.__name__ = step.__qualname__ = f"survey_page_{name}"


for _name, _permission in (
    ("submit", P.SURVEYS_MANAGE),
    ("withdraw", P.SURVEYS_MANAGE),
    ("approve", P.PLANS_APPROVE),
    ("return", P.PLANS_APPROVE),
):
    _step_page(_name, _permission)


def _int(text: str) -> int | str:
    return int(text) if text.isdigit() and len(text) < 10 else text


@page(bp, "/surveys/{survey_id}/rounds", method="POST", permission=P.SURVEYS_MANAGE)
def draw_round(p: Page, survey_id: str) -> Response:
    """Draw a round's sample from a frame."""
    service = container().surveys

    def call() -> Any:
        values = {
            "kind": p.value("kind"),
            "frame_id": p.value("frame_id"),
            "size": _int(p.value("size")),
            "strata": p.values("strata"),
            "minimum": _int(p.value("minimum") or "0"),
            "reserve_share": float(p.value("reserve_share"))
            if p.value("reserve_share").replace(".", "", 1).isdigit()
            else p.value("reserve_share") or 0.5,
            "version": _int(p.value("version")),
        }
        if p.value("seed"):
            values["seed"] = p.value("seed")
        body = page_forms.parse(DrawBody, values)
        request = body.request(service.new_seed())
        return service.draw(
            tenant=p.tenant.code, survey_id=survey_id, actor=p.user, kind=body.kind, request=request, version=body.version
        )

    done, error = page_forms.attempt(call)
    return redirect(f"/surveys/{survey_id}") if done is not None else _show(p, survey_id, error=error)


@page(bp, "/surveys/{survey_id}/rounds/{number}/open", method="POST", permission=P.SURVEYS_MANAGE)
def open_round(p: Page, survey_id: str, number: str) -> Response:
    """Open a drawn round (the date and time are Vietnam's)."""

    def call() -> Any:
        reminders = [_int(x.strip()) for x in p.value("reminders").replace(";", ",").split(",") if x.strip()]
        body = page_forms.parse(
            OpenBody,
            {
                "closes_at": page_forms.local_datetime(p.value("closes_at")),
                "reminders": reminders,
                "version": _int(p.value("version")),
            },
        )
        return container().surveys.open(
            tenant=p.tenant.code,
            survey_id=survey_id,
            actor=p.user,
            number=_number(number),
            closes_at=body.closes_at,
            reminders=tuple(body.reminders),
            version=body.version,
        )

    done, error = page_forms.attempt(call)
    return redirect(f"/surveys/{survey_id}") if done is not None else _show(p, survey_id, error=error)


@page(bp, "/surveys/{survey_id}/rounds/{number}/close", method="POST", permission=P.SURVEYS_MANAGE)
def close_round(p: Page, survey_id: str, number: str) -> Response:
    """End an open round now."""

    def call() -> Any:
        body = page_forms.parse(SurveyVersion, {"version": _int(p.value("version"))})
        return container().surveys.close_early(
            tenant=p.tenant.code, survey_id=survey_id, actor=p.user, number=_number(number), version=body.version
        )

    done, error = page_forms.attempt(call)
    return redirect(f"/surveys/{survey_id}") if done is not None else _show(p, survey_id, error=error)


@page(bp, "/surveys/{survey_id}/rounds/{number}/lessons", method="POST", permission=P.SURVEYS_MANAGE)
def lessons(p: Page, survey_id: str, number: str) -> Response:
    """Note the pilot's lessons."""

    def call() -> Any:
        body = page_forms.parse(LessonsBody, {"lessons": p.value("lessons"), "version": _int(p.value("version"))})
        return container().surveys.note_lessons(
            tenant=p.tenant.code,
            survey_id=survey_id,
            actor=p.user,
            number=_number(number),
            lessons=body.lessons,
            version=body.version,
        )

    done, error = page_forms.attempt(call)
    return redirect(f"/surveys/{survey_id}") if done is not None else _show(p, survey_id, error=error)


@page(bp, "/surveys/{survey_id}/rounds/{number}/members", permission=P.SURVEYS_MANAGE)
def members(p: Page, survey_id: str, number: str) -> Response:
    """A round's members and reserves with their statuses and invitations (personal data: the read is audited)."""
    c = container()
    survey = c.surveys.get(tenant=p.tenant.code, survey_id=survey_id)
    n = _number(number)
    survey.round(n)
    province = p.query.get("province") or None
    items, cursor = c.surveys.members(
        tenant=p.tenant.code,
        survey_id=survey_id,
        round_number=n,
        cursor=p.query.get("cursor") or None,
        actor=p.user,
        province=province,
    )
    return render(
        p,
        "surveys_members.html",
        title="Mẫu khảo sát",
        survey=read_models.detail(survey, p.user),
        number=n,
        items=[read_models.member_read(m) for m in items],
        cursor=cursor,
        direct=any(mth in domain.DIRECT for mth in survey.plan.methods),
        open=survey.round(n).status == "open",
        **_common(p),
    )


@page(bp, "/surveys/{survey_id}/rounds/{number}/invitations", permission=P.SURVEYS_MANAGE)
def invitations(p: Page, survey_id: str, number: str) -> Response:
    """A round's messages and their delivery statuses (personal data: the read is audited)."""
    c = container()
    n = _number(number)
    province = p.query.get("province") or None
    items, cursor = c.surveys.invitations(
        tenant=p.tenant.code,
        survey_id=survey_id,
        round_number=n,
        cursor=p.query.get("cursor") or None,
        actor=p.user,
        province=province,
    )
    survey = c.surveys.get(tenant=p.tenant.code, survey_id=survey_id)
    return render(
        p,
        "surveys_invitations.html",
        title="Lời mời khảo sát",
        survey=read_models.detail(survey, p.user),
        number=n,
        items=[read_models.invitation_read(d) for d in items],
        cursor=cursor,
        **_common(p),
    )


@page(bp, "/surveys/{survey_id}/rounds/{number}/members/{member_id}/replace", method="POST", permission=P.SURVEYS_MANAGE)
def replace_member(p: Page, survey_id: str, number: str, member_id: str) -> Response:
    """Replace a member by the next reserve of the stratum."""
    n = _number(number)

    def call() -> Any:
        body = page_forms.parse(ReplaceBody, {"reason": p.value("reason")})
        return container().surveys.replace_by_owner(
            tenant=p.tenant.code, survey_id=survey_id, round_number=n, member_id=member_id, reason=body.reason, actor=p.user
        )

    done, error = page_forms.attempt(call)
    if done is not None:
        return redirect(f"/surveys/{survey_id}/rounds/{n}/members")
    return _show(p, survey_id, error=error)


def _interview(
    p: Page,
    survey_id: str,
    number: str,
    member_id: str,
    *,
    screen: int,
    answers: dict[str, Any],
    errors: dict[str, str],
    entry_id: str,
) -> Response:
    c = container()
    survey = c.surveys.get(tenant=p.tenant.code, survey_id=survey_id)
    sitting = c.respondents.interview_sitting(tenant=p.tenant.code, survey=survey, number=_number(number), member_id=member_id)
    form = surveys_form.render_screen(
        sitting.version,
        screen,
        answers or sitting.answers,
        errors,
        action_url=f"/surveys/{survey_id}/rounds/{number}/members/{member_id}/interview",
        office_name=p.tenant.name,
        purpose=survey.plan.purpose,
        hidden={"csrf": p.csrf, "entry_id": entry_id},
        banner=(
            f"Nhập phiếu phỏng vấn: đợt {number}, mẫu chính thứ tự {sitting.member.rank if sitting.member else ''}",
            "Về danh sách mẫu",
            f"/surveys/{survey_id}/rounds/{number}/members",
        ),
    )
    return Response(body=form, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


@page(bp, "/surveys/{survey_id}/rounds/{number}/members/{member_id}/interview", permission=P.SURVEYS_MANAGE)
def interview_form(p: Page, survey_id: str, number: str, member_id: str) -> Response:
    """Direct methods: the interviewer fills the member's form (the same form the respondent sees)."""
    return _interview(p, survey_id, number, member_id, screen=0, answers={}, errors={}, entry_id=new_id())


@page(bp, "/surveys/{survey_id}/rounds/{number}/members/{member_id}/interview", method="POST", permission=P.SURVEYS_MANAGE)
def interview_answer(p: Page, survey_id: str, number: str, member_id: str) -> Response:
    """A screen of the interviewer's entry; the last one records the answers once (the entry id makes a retry a no-op)."""
    c = container()
    survey = c.surveys.get(tenant=p.tenant.code, survey_id=survey_id)
    screen = p.value("screen")
    entry_id = p.value("entry_id") or new_id()
    outcome = c.respondents.interview_screen(
        tenant=p.tenant.code,
        survey=survey,
        number=_number(number),
        member_id=member_id,
        actor=p.user,
        entry_id=entry_id,
        screen=int(screen) if screen.isdigit() and len(screen) < 4 else 0,
        form=p.form,
    )
    if isinstance(outcome, respond.Done):
        return redirect(f"/surveys/{survey_id}/rounds/{number}/members?recorded={member_id}")
    return _interview(
        p, survey_id, number, member_id, screen=outcome.screen, answers=outcome.answers, errors=outcome.errors, entry_id=entry_id
    )
