"""Console pages of questionnaires: the list, the editor (plain forms, no script needed), the phone-sized preview.

Every editor form posts to the questionnaire's page with the `version` it was shown at (someone else's save in
between: 409) and one `action`; the page comes back (303) at the question just changed. The preview renders the
respondent's form itself in a 390×844 frame; its answers travel in the page (a hidden field) and are never saved.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.errors import MalformedError
from chalicelib.shared.http import CONTENT_SECURITY_POLICY
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission
from chalicelib.web.render import HTML_TYPE, Page, redirect, render

from .questionnaire import ANGLES, CLOSED, FORM_KINDS, KINDS, SCALES, Condition, Content, Question, problems
from .standard import STANDARD_ID

if TYPE_CHECKING:
    from . import answers as surveys_answers
    from . import form
    from . import questionnaire_edits as edits
else:
    surveys_answers = lazy("chalicelib.surveys.answers")
    form = lazy("chalicelib.surveys.form")
    edits = lazy("chalicelib.surveys.questionnaire_edits")

bp = Blueprint(__name__)
P = Permission.SURVEYS_MANAGE
BASE = "/surveys/questionnaires"
#: The editor frames its own preview (and nothing else); the preview may be framed by the console's own pages only.
EDITOR_POLICY = CONTENT_SECURITY_POLICY + "; frame-src 'self'"
PREVIEW_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
    "X-Frame-Options": "SAMEORIGIN",
}


@page(bp, BASE, permission=P)
def questionnaire_list(p: Page) -> Response:
    """The tenant's questionnaires (the standard one first) and a form to start a new one."""
    items, cursor = container().questionnaires.list(tenant=p.tenant.code, cursor=p.query.get("cursor") or None)
    return render(p, "questionnaire_list.html", title="Bảng hỏi", items=items, next_cursor=cursor, form_kinds=FORM_KINDS)


@page(bp, BASE, method="POST", permission=P)
def questionnaire_create(p: Page) -> Response:
    """Start a questionnaire from a title and a form kind, then edit it."""
    title, form_kind = p.value("title"), p.value("form_kind", "questionnaire")
    if not title or len(title) > 300 or form_kind not in FORM_KINDS:
        raise MalformedError("Nhập tên bảng hỏi (tối đa 300 ký tự) và chọn hình thức khảo sát.")
    made = container().questionnaires.create(tenant=p.tenant.code, actor=p.user.login, content=edits.starter(title, form_kind))
    return redirect(f"{BASE}/{made.id}")


@page(bp, BASE + "/{questionnaire_id}", permission=P)
def questionnaire_editor(p: Page, questionnaire_id: str) -> Response:
    """The editor: details, sections and questions with their forms; the preview beside them."""
    q = container().questionnaires.get(tenant=p.tenant.code, questionnaire_id=questionnaire_id)
    return _editor(p, q, {}, 200)


@page(bp, BASE + "/{questionnaire_id}", method="POST", permission=P)
def questionnaire_edit(p: Page, questionnaire_id: str) -> Response:
    """Apply one editor step and save (the version shown, else 409); a broken rule shows the editor with it."""
    service = container().questionnaires
    q = service.get(tenant=p.tenant.code, questionnaire_id=questionnaire_id)
    content, anchor = _apply(p, q.content)
    broken = problems(content)
    if broken:
        return _editor(p, q, broken, 422)
    version = _int(p.value("version"), "version")
    service.update(tenant=p.tenant.code, questionnaire_id=q.id, actor=p.user.login, content=content, expected_version=version)
    return redirect(f"{BASE}/{q.id}" + (f"#{anchor}" if anchor else ""))


@page(bp, BASE + "/{questionnaire_id}/preview", permission=P)
def questionnaire_preview(p: Page, questionnaire_id: str) -> Response:
    """One screen of the respondent's form as a phone shows it (nothing is saved)."""
    return _preview(p, questionnaire_id, _int(p.query.get("screen", "0"), "screen"), {}, {})


@page(bp, BASE + "/{questionnaire_id}/preview", method="POST", permission=P)
def questionnaire_preview_answer(p: Page, questionnaire_id: str) -> Response:
    """Check the previewed screen as the respondent's page does; go on when it is right."""
    version = container().questionnaires.get(tenant=p.tenant.code, questionnaire_id=questionnaire_id).current()
    screen = _int(p.value("screen", "0"), "screen")
    answers, errors = surveys_answers.validate_screen(version, screen, p.form, _carried(p))
    if errors:
        return _preview(p, questionnaire_id, screen, answers, errors)
    if screen + 1 < len(surveys_answers.screens(version, answers)):
        return _preview(p, questionnaire_id, screen + 1, answers, {})
    answers, errors = surveys_answers.validate_all(version, answers)
    if errors:
        first = next(s.index for s in surveys_answers.screens(version, answers) if any(q.id in errors for q in s.questions))
        return _preview(p, questionnaire_id, first, answers, errors)
    body = form.render_done(office_name=p.tenant.name, hotline=form.NATIONAL_HOTLINE, preview=True)
    return Response(body=body, headers={"Content-Type": HTML_TYPE, **PREVIEW_HEADERS})


def _preview(p: Page, questionnaire_id: str, screen: int, answers: dict[str, Any], errors: dict[str, str]) -> Response:
    version = container().questionnaires.get(tenant=p.tenant.code, questionnaire_id=questionnaire_id).current()
    action = f"{BASE}/{questionnaire_id}/preview"
    body = form.render_screen(
        version,
        screen,
        answers,
        errors,
        action_url=action,
        office_name=p.tenant.name,
        hotline=form.NATIONAL_HOTLINE,
        purpose="Xem trước bảng hỏi",
        hidden={"csrf": p.csrf, "answers": json.dumps(answers, ensure_ascii=False)},
        back_url=f"{action}?screen={max(screen - 1, 0)}",
        preview=True,
    )
    return Response(body=body, headers={"Content-Type": HTML_TYPE, **PREVIEW_HEADERS})


def _carried(p: Page) -> dict[str, Any]:
    try:
        data = json.loads(p.value("answers") or "{}")
    except ValueError:
        raise MalformedError("Biểu mẫu không hợp lệ.") from None
    return data if isinstance(data, dict) else {}


def _editor(p: Page, q: Any, broken: dict[str, str], status: int) -> Response:
    content: Content = q.content
    response = render(
        p,
        "questionnaire_editor.html",
        status,
        title=content.title,
        q=q,
        readonly=q.id == STANDARD_ID,
        kinds=KINDS,
        form_kinds=FORM_KINDS,
        angles=ANGLES,
        scales=SCALES,
        problems=_readable(content, broken),
        conditions=_condition_options(content),
        option_label=lambda qid, value: _option_label(content, qid, value),
        closed=CLOSED,
    )
    response.headers["Content-Security-Policy"] = EDITOR_POLICY
    return response


def _readable(content: Content, broken: dict[str, str]) -> list[str]:
    """Each broken rule with where it is, for a person (`Phần 1, câu q3: …`)."""
    out = []
    for path, message in broken.items():
        where = path
        if path.startswith("sections["):
            s = int(path[9 : path.index("]")])
            where = f"Phần {s + 1}"
            if ".questions[" in path:
                n = int(path.split(".questions[")[1].split("]")[0])
                section = content.sections[s] if s < len(content.sections) else None
                qid = section.questions[n].id if section and n < len(section.questions) else f"{n + 1}"
                where += f", câu {qid}"
        out.append(f"{where}: {message}")
    return out


def _option_label(content: Content, question_id: str, value: str) -> str:
    """What a respondent reads for an option value (for "Chỉ hiện khi q3 = Không")."""
    question = content.question(question_id)
    found = next((c.label for c in question.options() if c.value == value), None) if question else None
    return found or value


def _condition_options(content: Content) -> dict[str, list[tuple[str, str]]]:
    """For each question, the `qid=value` pairs of the closed questions before it (what its condition may be)."""
    options: dict[str, list[tuple[str, str]]] = {}
    earlier: list[tuple[str, str]] = []
    for q in content.questions():
        options[q.id] = list(earlier)
        if q.kind in CLOSED:
            earlier += [(f"{q.id}={c.value}", f"{q.id} = {c.label}") for c in q.options()]
    return options


def _apply(p: Page, content: Content) -> tuple[Content, str]:
    """The content after the form's one step, and where to come back to."""
    action = p.value("action")
    if action == "details":
        kind = p.value("form_kind")
        if kind not in FORM_KINDS:
            raise MalformedError("Hình thức khảo sát không hợp lệ.")
        return Content(title=p.value("title"), form_kind=kind, intro=p.value("intro"), sections=content.sections), "details"
    if action == "add_section":
        changed = edits.add_section(content, p.value("title"))
        return changed, f"section-{len(changed.sections)}"
    if action in ("rename_section", "remove_section", "add_question"):
        section = _int(p.value("section"), "section")
        if not 0 <= section < len(content.sections):
            raise MalformedError("Phần không tồn tại.")
        if action == "rename_section":
            return edits.rename_section(content, section, p.value("title")), f"section-{section + 1}"
        if action == "remove_section":
            return edits.remove_section(content, section), ""
        kind = p.value("kind")
        if kind not in KINDS:
            raise MalformedError("Loại câu hỏi không hợp lệ.")
        changed = edits.add_question(content, section, kind)
        return changed, changed.sections[section].questions[-1].id
    question = content.question(p.value("question"))
    if question is None:
        raise MalformedError("Câu hỏi không tồn tại.")
    if action in ("move_up", "move_down"):
        return edits.move_question(content, question.id, -1 if action == "move_up" else 1), question.id
    if action == "remove_question":
        return edits.remove_question(content, question.id), ""
    if action == "save_question":
        return edits.replace_question(content, _question(p, question)), question.id
    raise MalformedError("Thao tác không hợp lệ.")


def _question(p: Page, old: Question) -> Question:
    kind = p.value("kind", old.kind)
    if kind not in KINDS:
        raise MalformedError("Loại câu hỏi không hợp lệ.")
    condition = None
    if p.value("show_if"):
        ref, _, value = p.value("show_if").partition("=")
        condition = Condition(ref, (value,))
    angle = p.value("angle") or None
    return Question(
        id=old.id,
        kind=kind,
        text=p.value("text"),
        required=p.value("required") == "on",
        help=p.value("help"),
        choices=edits.choices_from_lines(p.form.get("choices", [""])[0], old.choices) if kind in ("single", "multiple") else (),
        max_choices=_int(p.value("max_choices"), "max_choices") if p.value("max_choices") else None,
        scale=p.value("scale", old.scale) or "satisfaction",
        max_length=_int(p.value("max_length"), "max_length") if p.value("max_length") else old.max_length,
        show_if=condition,
        angle=angle,
        factor=p.value("factor"),
        criterion=p.value("criterion"),
    )


def _int(text: str, name: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise MalformedError("Biểu mẫu không hợp lệ.", fields={name: "Phải là một số nguyên."})
    return int(text)
