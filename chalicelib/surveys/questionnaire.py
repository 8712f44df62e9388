"""Questionnaires (bảng hỏi, Decision 681 Art. 8): sections of questions, conditions, tags, numbered versions. Pure.

A questionnaire has one editable draft and the versions frozen before it. A survey that starts using the draft
freezes it (`freeze`); editing a frozen questionnaire starts the next number (`edit`), so answers keep the version
they were given on. `version` is the optimistic counter of the current state (a stale edit is a 409).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.shared.errors import ConflictError, RuleViolationError

FORM_KINDS: dict[str, str] = {  # Art. 8: the four forms of a survey
    "individual_interview": "Phỏng vấn trực tiếp cá nhân",
    "organisation_interview": "Phỏng vấn trực tiếp tổ chức",
    "group_discussion": "Thảo luận nhóm",
    "questionnaire": "Phiếu khảo sát",
}
KINDS: dict[str, str] = {
    "single": "Chọn một phương án",
    "multiple": "Chọn nhiều phương án",
    "likert": "Mức độ (1–5)",
    "yes_no": "Có / Không",
    "text": "Trả lời tự do",
}
CLOSED = frozenset({"single", "multiple", "likert", "yes_no"})
ANGLES: dict[str, str] = {  # seeds/004: the three angles of the satisfaction criteria
    "policy": "Tổ chức triển khai chính sách",
    "service": "Chất lượng cung cấp dịch vụ công",
    "rights": "Bảo đảm quyền lợi của người tham gia",
}
SCALES: dict[str, tuple[str, ...]] = {
    "satisfaction": ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"),
    "agreement": ("Rất không đồng ý", "Không đồng ý", "Phân vân", "Đồng ý", "Rất đồng ý"),
}
YES_NO = (("yes", "Có"), ("no", "Không"))
TEXT_MAX = 2000
TITLE_MAX = 300
QUESTION_TEXT_MAX = 500
INTRO_MAX = 2000
LABEL_MAX = 200
CHOICES_MAX = 30


@dataclass(frozen=True)
class Choice:
    """One option of a closed question: a stable value and its label."""

    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """Show the question only when an earlier one's answer equals `equals` or is one of `in_` (simple branching)."""

    question: str
    values: tuple[str, ...]

    def holds(self, answer: Any) -> bool:
        """Whether the given answer to the referred question satisfies the condition."""
        if answer is None:
            return False
        given = {str(a) for a in answer} if isinstance(answer, list) else {str(answer)}
        return bool(given & set(self.values))


@dataclass(frozen=True)
class Question:
    """A question; closed ones may carry an angle, factor and criterion (SIPAS: criterion → factor → angle)."""

    id: str
    kind: str
    text: str
    required: bool = True
    help: str = ""
    choices: tuple[Choice, ...] = ()
    max_choices: int | None = None
    scale: str = "satisfaction"
    max_length: int = 1000
    show_if: Condition | None = None
    angle: str | None = None
    factor: str = ""
    criterion: str = ""

    def options(self) -> tuple[Choice, ...]:
        """The options a respondent picks from (likert 1–5 and yes/no have fixed ones)."""
        if self.kind == "likert":
            return tuple(Choice(str(n), label) for n, label in enumerate(SCALES[self.scale], start=1))
        if self.kind == "yes_no":
            return tuple(Choice(v, label) for v, label in YES_NO)
        return self.choices


@dataclass(frozen=True)
class Section:
    """A titled group of questions; a screen never spans two sections."""

    title: str
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Content:
    """What a version says: title, form kind, the intro shown on the first screen, sections."""

    title: str
    form_kind: str = "questionnaire"
    intro: str = ""
    sections: tuple[Section, ...] = ()

    def questions(self) -> Iterator[Question]:
        """Every question in order."""
        for section in self.sections:
            yield from section.questions

    def question(self, question_id: str) -> Question | None:
        """One question by id."""
        return next((q for q in self.questions() if q.id == question_id), None)


@dataclass(frozen=True)
class QuestionnaireVersion:
    """One numbered version (≥ 1) of a questionnaire; a frozen one never changes."""

    questionnaire_id: str
    number: int
    content: Content
    frozen: bool = False


@dataclass(frozen=True)
class Questionnaire:
    """The current state: the latest number, its content (editable while not frozen), the optimistic version."""

    id: str
    tenant: str
    content: Content
    number: int = 1
    frozen: bool = False
    version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str = ""
    frozen_numbers: tuple[int, ...] = field(default_factory=tuple)

    def current(self) -> QuestionnaireVersion:
        """The latest version (the draft, or the last frozen one)."""
        return QuestionnaireVersion(self.id, self.number, self.content, self.frozen)


def create(*, questionnaire_id: str, tenant: str, content: Content, actor: str, at: datetime) -> Questionnaire:
    """A new questionnaire whose version 1 is a draft."""
    check(content)
    return Questionnaire(questionnaire_id, tenant, content, created_at=at, updated_at=at, updated_by=actor)


def edit(questionnaire: Questionnaire, *, content: Content, expected_version: int, actor: str, at: datetime) -> Questionnaire:
    """Replace the content; a frozen version stays as it was and the edit becomes the next number's draft."""
    if expected_version != questionnaire.version:
        raise ConflictError()
    check(content)
    number = questionnaire.number + 1 if questionnaire.frozen else questionnaire.number
    return replace(questionnaire, content=content, number=number, frozen=False, updated_at=at, updated_by=actor)


def freeze(questionnaire: Questionnaire, *, number: int) -> tuple[Questionnaire, QuestionnaireVersion]:
    """A survey starts using version `number`: it is frozen (again: nothing changes; the system's step never 409s)."""
    if number != questionnaire.number:
        raise RuleViolationError("Chỉ phiên bản mới nhất của bảng hỏi được đưa vào sử dụng.", code="not_latest_version")
    frozen = replace(questionnaire, frozen=True, frozen_numbers=tuple(sorted({*questionnaire.frozen_numbers, number})))
    return frozen, QuestionnaireVersion(questionnaire.id, number, questionnaire.content, frozen=True)


def check(content: Content) -> None:
    """Refuse content that breaks a rule (422 with a message per field path)."""
    errors = problems(content)
    if errors:
        raise RuleViolationError("Bảng hỏi chưa hợp lệ.", code="invalid_questionnaire", fields=errors)


def problems(content: Content) -> dict[str, str]:
    """Every broken rule, by field path (`sections[1].questions[0].choices`)."""
    errors: dict[str, str] = {}
    if any(_CONTROL.search(t) for t in _texts(content)):
        errors["content"] = "Nội dung có ký tự điều khiển không hợp lệ."
    if not content.title.strip():
        errors["title"] = "Nhập tên bảng hỏi."
    elif len(content.title) > TITLE_MAX:
        errors["title"] = f"Tên bảng hỏi tối đa {TITLE_MAX} ký tự."
    if len(content.intro) > INTRO_MAX:
        errors["intro"] = f"Lời giới thiệu tối đa {INTRO_MAX} ký tự."
    if content.form_kind not in FORM_KINDS:
        errors["form_kind"] = "Hình thức khảo sát không hợp lệ."
    seen: dict[str, Question] = {}
    for s, section in enumerate(content.sections):
        for n, question in enumerate(section.questions):
            path = f"sections[{s}].questions[{n}]"
            for name, message in _question_problems(question, seen).items():
                errors[f"{path}.{name}" if name else path] = message
            seen.setdefault(question.id, question)
    if not seen:
        errors["sections"] = "Bảng hỏi cần ít nhất một câu hỏi."
    return errors


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _texts(content: Content) -> Iterator[str]:
    """Every text a respondent or the owner reads (line breaks and tabs are allowed; other controls are not)."""
    yield from (content.title, content.intro)
    for section in content.sections:
        yield section.title
        for q in section.questions:
            yield from (q.text, q.help, q.factor, q.criterion, *(c.label for c in q.choices))


def _question_problems(q: Question, earlier: Mapping[str, Question]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if q.id in earlier:
        errors["id"] = f"Mã câu hỏi “{q.id}” bị trùng."
    if q.kind not in KINDS:
        errors["kind"] = "Loại câu hỏi không hợp lệ."
        return errors
    if not q.text.strip():
        errors["text"] = "Nhập nội dung câu hỏi."
    elif len(q.text) > QUESTION_TEXT_MAX:
        errors["text"] = f"Nội dung câu hỏi tối đa {QUESTION_TEXT_MAX} ký tự."
    if any(len(c.label) > LABEL_MAX for c in q.choices) or max(len(q.factor), len(q.criterion)) > LABEL_MAX:
        errors["choices"] = f"Phương án, yếu tố và tiêu chí tối đa {LABEL_MAX} ký tự."
    if q.kind in ("single", "multiple"):
        values = [c.value for c in q.choices]
        if len(q.choices) < 2:
            errors["choices"] = "Câu hỏi lựa chọn cần ít nhất hai phương án."
        elif len(set(values)) != len(values):
            errors["choices"] = "Mã phương án bị trùng."
        elif any(not c.label.strip() for c in q.choices):
            errors["choices"] = "Phương án không được để trống."
        elif len(q.choices) > CHOICES_MAX:
            errors["choices"] = f"Tối đa {CHOICES_MAX} phương án."
    if q.kind == "multiple" and q.max_choices is not None and not 1 <= q.max_choices <= max(len(q.choices), 1):
        errors["max_choices"] = "Số phương án tối đa phải từ 1 đến số phương án."
    if q.kind == "likert" and q.scale not in SCALES:
        errors["scale"] = "Thang đo không hợp lệ."
    if q.kind == "text" and not 1 <= q.max_length <= TEXT_MAX:
        errors["max_length"] = f"Độ dài tối đa phải từ 1 đến {TEXT_MAX} ký tự."
    if q.angle is not None and (q.kind not in CLOSED or q.angle not in ANGLES):
        errors["angle"] = "Chỉ câu hỏi đóng được gắn một trong ba góc độ (chính sách, dịch vụ, quyền lợi)."
    if q.show_if is not None:
        message = _condition_problem(q, q.show_if, earlier)
        if message:
            errors["show_if"] = message
    return errors


def _condition_problem(q: Question, condition: Condition, earlier: Mapping[str, Question]) -> str | None:
    if condition.question == q.id:
        return "Điều kiện không được dựa vào chính câu hỏi này."
    referred = earlier.get(condition.question)
    if referred is None:
        return "Điều kiện chỉ được dựa vào một câu hỏi đứng trước."
    if referred.kind not in CLOSED:
        return "Điều kiện phải dựa vào một câu hỏi đóng."
    values = {c.value for c in referred.options()}
    if not condition.values or any(v not in values for v in condition.values):
        return "Giá trị của điều kiện không có trong các phương án của câu hỏi được dựa vào."
    return None


def next_question_id(content: Content) -> str:
    """The next stable id `q{n}`, past every numbered id so far (an id is never reused within a version)."""
    numbers = [int(q.id[1:]) for q in content.questions() if q.id[:1] == "q" and q.id[1:].isdigit()]
    return f"q{max(numbers, default=0) + 1}"


def content_to_dict(content: Content) -> dict[str, Any]:
    """The stored and API shape of a version's content."""
    return {
        "title": content.title,
        "form_kind": content.form_kind,
        "intro": content.intro,
        "sections": [{"title": s.title, "questions": [question_to_dict(q) for q in s.questions]} for s in content.sections],
    }


def question_to_dict(q: Question) -> dict[str, Any]:
    """One question's stored and API shape."""
    show_if = None
    if q.show_if is not None:
        c = q.show_if
        show_if = (
            {"question": c.question, "equals": c.values[0]}
            if len(c.values) == 1
            else {"question": c.question, "in": list(c.values)}
        )
    return {
        "id": q.id,
        "kind": q.kind,
        "text": q.text,
        "required": q.required,
        "help": q.help,
        "choices": [{"value": c.value, "label": c.label} for c in q.choices],
        "max_choices": q.max_choices,
        "scale": q.scale,
        "max_length": q.max_length,
        "show_if": show_if,
        "angle": q.angle,
        "factor": q.factor,
        "criterion": q.criterion,
    }


def content_from_dict(data: Mapping[str, Any]) -> Content:
    """Content from its stored or API shape (the API schema checked the types)."""
    return Content(
        title=str(data.get("title", "")),
        form_kind=str(data.get("form_kind", "questionnaire")),
        intro=str(data.get("intro", "")),
        sections=tuple(
            Section(str(s.get("title", "")), tuple(question_from_dict(q) for q in s.get("questions", [])))
            for s in data.get("sections", [])
        ),
    )


def question_from_dict(data: Mapping[str, Any]) -> Question:
    """One question from its stored or API shape."""
    raw = data.get("show_if")
    show_if = None
    if raw:
        values = (raw["equals"],) if raw.get("equals") is not None else tuple(raw.get("in") or ())
        show_if = Condition(str(raw["question"]), tuple(str(v) for v in values))
    return Question(
        id=str(data["id"]),
        kind=str(data["kind"]),
        text=str(data.get("text", "")),
        required=bool(data.get("required", True)),
        help=str(data.get("help") or ""),
        choices=tuple(Choice(str(c["value"]), str(c["label"])) for c in data.get("choices") or ()),
        max_choices=data.get("max_choices"),
        scale=str(data.get("scale") or "satisfaction"),
        max_length=int(data.get("max_length") or 1000),
        show_if=show_if,
        angle=data.get("angle") or None,
        factor=str(data.get("factor") or ""),
        criterion=str(data.get("criterion") or ""),
    )
