"""A respondent's answers: screens, visibility, validation, and the closed options counted per question. Pure.

Answers are `{question_id: value}` — `str` (single, yes_no, text), `list[str]` (multiple), `int` 1–5 (likert) —
stored with the questionnaire id and version number they were given on.

Screens (the GOV.UK question-page manner), the rule: questions follow in order, at most `per_screen` to a screen;
a screen never spans two sections; an open-text or multiple-choice question stands alone (the harder questions
get a page of their own); a question whose condition refers to a question on the screen being filled starts a new
screen, so that without JavaScript its visibility is known when its screen is shown. Hidden questions (their
condition not met by the answers so far) are on no screen, and their answers are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .questionnaire import CLOSED, Question, QuestionnaireVersion, Section

Value = str | int | list[str]
Answers = dict[str, Value]
FormData = Mapping[str, Sequence[str]]  # parse_qs: every field a list of values

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")

MESSAGES = {
    "single": "Chọn một phương án",
    "multiple": "Chọn ít nhất một phương án",
    "likert": "Chọn một mức độ hài lòng",
    "yes_no": "Chọn Có hoặc Không",
    "text": "Nhập câu trả lời",
}
_ALONE = frozenset({"text", "multiple"})
LIKERT_MESSAGES = {"satisfaction": "Chọn một mức độ hài lòng", "agreement": "Chọn một mức độ đồng ý"}


@dataclass(frozen=True)
class Screen:
    """One page of the form: its position, the section it belongs to, its questions, and the progress."""

    index: int  # 0-based
    count: int
    section: Section
    questions: tuple[Question, ...]
    first: int  # 1-based number of its first question among the visible ones
    total: int  # visible questions in all

    @property
    def last(self) -> int:
        """1-based number of its last question."""
        return self.first + len(self.questions) - 1

    @property
    def percent(self) -> int:
        """How far the respondent is when this screen is shown."""
        return round(100 * (self.first - 1) / self.total) if self.total else 0


def visible(version: QuestionnaireVersion, answers: Mapping[str, Any]) -> list[tuple[Section, Question]]:
    """The questions shown given the answers so far (a condition on a hidden question never holds)."""
    shown: list[tuple[Section, Question]] = []
    shown_ids: set[str] = set()
    for section in version.content.sections:
        for q in section.questions:
            c = q.show_if
            if c is None or (c.question in shown_ids and c.holds(answers.get(c.question))):
                shown.append((section, q))
                shown_ids.add(q.id)
    return shown


def screens(version: QuestionnaireVersion, answers: Mapping[str, Any] | None = None, per_screen: int = 3) -> list[Screen]:
    """The screens of the form given the answers so far (see the module's rule).

    The grouping is made over every question, then hidden questions leave their group (an emptied one goes), so a
    question stays on the same screen whatever is answered before it.
    """
    shown = {q.id for _, q in visible(version, answers or {})}
    groups = [(section, [q for q in qs if q.id in shown]) for section, qs in layout(version, per_screen)]
    groups = [g for g in groups if g[1]]
    total = sum(len(g[1]) for g in groups)
    result, first = [], 1
    for i, (section, qs) in enumerate(groups):
        result.append(Screen(i, len(groups), section, tuple(qs), first, total))
        first += len(qs)
    return result


def layout(version: QuestionnaireVersion, per_screen: int = 3) -> list[tuple[Section, list[Question]]]:
    """Every question grouped into screens, before visibility."""
    groups: list[tuple[Section, list[Question]]] = []
    for section in version.content.sections:
        for q in section.questions:
            current = groups[-1][1] if groups and groups[-1][0] is section else None
            joins = (
                current is not None
                and len(current) < per_screen
                and q.kind not in _ALONE
                and current[0].kind not in _ALONE
                and not (q.show_if is not None and any(p.id == q.show_if.question for p in current))
            )
            if joins and current is not None:
                current.append(q)
            else:
                groups.append((section, [q]))
    return groups


def resume_at(version: QuestionnaireVersion, answers: Mapping[str, Any], per_screen: int = 3) -> int:
    """Where a respondent coming back with the same link goes on: the first screen with an unanswered question."""
    all_screens = screens(version, answers, per_screen)
    for screen in all_screens:
        if any(q.id not in answers for q in screen.questions):
            return screen.index
    return len(all_screens) - 1


def validate_screen(
    version: QuestionnaireVersion, screen: int, form_data: FormData, answers: Mapping[str, Value]
) -> tuple[Answers, dict[str, str]]:
    """The answers with this screen's fields read in, and the errors per question id (Vietnamese)."""
    merged: Answers = dict(answers)
    all_screens = screens(version, answers)
    if not 0 <= screen < len(all_screens):
        return _only_visible(version, merged), {}
    errors: dict[str, str] = {}
    for q in all_screens[screen].questions:
        value, error = read_field(q, list(form_data.get(q.id, ())))
        merged.pop(q.id, None)
        if value is not None:
            merged[q.id] = value
        if error:
            errors[q.id] = error
    return _only_visible(version, merged), errors


def validate_all(version: QuestionnaireVersion, answers: Mapping[str, Any]) -> tuple[Answers, dict[str, str]]:
    """Before the final submission: every visible question checked, hidden ones' answers dropped."""
    kept: Answers = {}
    errors: dict[str, str] = {}
    for _, q in visible(version, answers):
        given = answers.get(q.id)
        raw = [] if given is None else [str(v) for v in given] if isinstance(given, list) else [str(given)]
        value, error = read_field(q, raw)
        if value is not None:
            kept[q.id] = value
        if error:
            errors[q.id] = error
    return kept, errors


def read_field(q: Question, raw: list[str]) -> tuple[Value | None, str | None]:
    """One question's submitted values as its answer, or the error a respondent reads."""
    values = [v.strip() for v in raw if v.strip()]
    if q.kind == "text":
        text = _BIDI.sub("", (raw[0] if raw else "").replace("\r\n", "\n").replace("\r", "\n")).strip()
        if _CONTROL.search(text):
            return None, "Câu trả lời có ký tự không hợp lệ"
        if len(text) > q.max_length:
            return None, f"Câu trả lời không được quá {q.max_length} ký tự (hiện có {len(text)})"
        if not text:
            return None, MESSAGES["text"] if q.required else None
        return text, None
    if not values:
        return None, (_missing(q) if q.required else None)
    options = {c.value for c in q.options()}
    if any(v not in options for v in values):
        return None, _missing(q)
    if q.kind == "multiple":
        chosen = list(dict.fromkeys(values))
        if q.max_choices is not None and len(chosen) > q.max_choices:
            return None, f"Chọn tối đa {q.max_choices} phương án"
        return chosen, None
    if len(values) > 1:
        return None, _missing(q)
    return (int(values[0]) if q.kind == "likert" else values[0]), None


def _missing(q: Question) -> str:
    return LIKERT_MESSAGES.get(q.scale, MESSAGES["likert"]) if q.kind == "likert" else MESSAGES[q.kind]


def _only_visible(version: QuestionnaireVersion, answers: Answers) -> Answers:
    shown = {q.id for _, q in visible(version, answers)}
    return {k: v for k, v in answers.items() if k in shown}


def closed_answers(version: QuestionnaireVersion, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(question id, option value) for every closed option chosen among visible questions: the tally's counters."""
    pairs: list[tuple[str, str]] = []
    for _, q in visible(version, answers):
        if q.kind not in CLOSED or q.id not in answers:
            continue
        given = answers[q.id]
        for value in given if isinstance(given, list) else [given]:
            pairs.append((q.id, str(value)))
    return pairs
