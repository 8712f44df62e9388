"""The editor's steps on a questionnaire's content (add, change, move, remove), for the page without script. Pure.

Each returns new content; `questionnaire.check` then says whether it can be saved. Question ids are stable: a new
question takes the next `q{n}`; option values are kept for labels that stay and new labels take the next number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .questionnaire import Choice, Content, Question, Section, next_question_id

NEW_QUESTION_TEXT = "Câu hỏi mới"
NEW_SECTION_TITLE = "Phần mới"


def starter(title: str, form_kind: str) -> Content:
    """A new questionnaire: one section with one yes/no question to edit."""
    return Content(
        title=title, form_kind=form_kind, sections=(Section("Phần 1", (Question("q1", "yes_no", NEW_QUESTION_TEXT),)),)
    )


def add_section(content: Content, title: str = "") -> Content:
    """A new section at the end, with one question (a section is never empty)."""
    question = Question(next_question_id(content), "yes_no", NEW_QUESTION_TEXT)
    return replace(content, sections=(*content.sections, Section(title or NEW_SECTION_TITLE, (question,))))


def add_question(content: Content, section: int, kind: str) -> Content:
    """A new question of `kind` at the end of a section, with placeholder text (and two options when it has choices)."""
    choices = (Choice("1", "Phương án 1"), Choice("2", "Phương án 2")) if kind in ("single", "multiple") else ()
    question = Question(next_question_id(content), kind, NEW_QUESTION_TEXT, choices=choices)
    return _with_section(content, section, lambda s: replace(s, questions=(*s.questions, question)))


def rename_section(content: Content, section: int, title: str) -> Content:
    """A section's new title."""
    return _with_section(content, section, lambda s: replace(s, title=title))


def remove_section(content: Content, section: int) -> Content:
    """Drop a section and its questions."""
    return replace(content, sections=tuple(s for i, s in enumerate(content.sections) if i != section))


def replace_question(content: Content, question: Question) -> Content:
    """Put a changed question in place of the one with its id."""
    return _map_questions(content, lambda qs: tuple(question if q.id == question.id else q for q in qs))


def remove_question(content: Content, question_id: str) -> Content:
    """Drop a question (a section left empty goes too)."""
    sections = tuple(replace(s, questions=tuple(q for q in s.questions if q.id != question_id)) for s in content.sections)
    return replace(content, sections=tuple(s for s in sections if s.questions))


def move_question(content: Content, question_id: str, step: int) -> Content:
    """Move a question up (-1) or down (+1) in its section; at its edge, to the end of the section above or the start
    of the one below (a section left empty goes)."""
    lists = [list(s.questions) for s in content.sections]
    where = next(((i, n) for i, qs in enumerate(lists) for n, q in enumerate(qs) if q.id == question_id), None)
    if where is None:
        return content
    i, n = where
    if 0 <= n + step < len(lists[i]):
        lists[i][n], lists[i][n + step] = lists[i][n + step], lists[i][n]
    elif 0 <= i + step < len(lists):
        question = lists[i].pop(n)
        lists[i + step].insert(len(lists[i + step]) if step < 0 else 0, question)
    sections = tuple(replace(s, questions=tuple(qs)) for s, qs in zip(content.sections, lists, strict=True))
    return replace(content, sections=tuple(s for s in sections if s.questions))


def choices_from_lines(text: str, previous: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """Options from one label a line; a label already there keeps its value, a new one takes the next number."""
    known = {c.label: c.value for c in previous}
    labels = [line.strip() for line in text.splitlines() if line.strip()]
    taken = {known[label] for label in labels if label in known}
    numbers = [int(v) for v in [*taken, *known.values()] if v.isdigit()]
    counter = max(numbers, default=0)
    result = []
    for label in labels:
        if label in known:
            result.append(Choice(known[label], label))
        else:
            counter += 1
            result.append(Choice(str(counter), label))
    return tuple(result)


def _with_section(content: Content, index: int, change: Callable[[Section], Section]) -> Content:
    return replace(content, sections=tuple(change(s) if i == index else s for i, s in enumerate(content.sections)))


def _map_questions(content: Content, change: Callable[[tuple[Question, ...]], tuple[Question, ...]]) -> Content:
    return replace(content, sections=tuple(replace(s, questions=change(s.questions)) for s in content.sections))
