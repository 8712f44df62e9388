"""Questionnaires at the edge: what the owner sends (create, update with `version`) and reads (state, version, page)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.shared.fields import Cursor, Identifier, Line, QueryInt, Text, Version
from chalicelib.shared.schema import BaseModel, Input

from . import questionnaire as qn

Kind = Literal["single", "multiple", "likert", "yes_no", "text"]
FormKind = Literal["individual_interview", "organisation_interview", "group_discussion", "questionnaire"]
Angle = Literal["policy", "service", "rights"]
Scale = Literal["satisfaction", "agreement"]


class ChoiceIn(Input):
    """An option; `value` is its stable code (given when absent: 1, 2, …)."""

    value: Identifier | None = None
    label: Line = Field(min_length=1, max_length=200)


class ConditionIn(Input):
    """Show the question only when an earlier question's answer `equals` a value or is `in` a list."""

    model_config = ConfigDict(populate_by_name=True)

    question: Identifier
    equals: Line | None = Field(default=None, max_length=64)
    in_: list[Line] | None = Field(default=None, alias="in", min_length=1, max_length=30)


class QuestionIn(Input):
    """A question; `id` is its stable code (given when absent: q1, q2, …)."""

    id: Identifier | None = None
    kind: Kind
    text: Line = Field(min_length=1, max_length=qn.QUESTION_TEXT_MAX)
    required: bool = True
    help: Text = Field(default="", max_length=1000)
    choices: list[ChoiceIn] = Field(default_factory=list, max_length=qn.CHOICES_MAX)
    max_choices: int | None = Field(default=None, ge=1, le=qn.CHOICES_MAX)
    scale: Scale = "satisfaction"
    max_length: int = Field(default=1000, ge=1, le=qn.TEXT_MAX)
    show_if: ConditionIn | None = None
    angle: Angle | None = None
    factor: Line = Field(default="", max_length=200)
    criterion: Line = Field(default="", max_length=200)


class SectionIn(Input):
    """A titled group of questions."""

    title: Line = Field(default="", max_length=200)
    questions: list[QuestionIn] = Field(default_factory=list, max_length=100)


class QuestionnaireCreate(Input):
    """A new questionnaire (its version 1, a draft)."""

    title: Line = Field(min_length=1, max_length=qn.TITLE_MAX)
    form_kind: FormKind = "questionnaire"
    intro: Text = Field(default="", max_length=2000)
    sections: list[SectionIn] = Field(default_factory=list, max_length=30)


class QuestionnaireUpdate(QuestionnaireCreate):
    """The whole content again, with the `version` it was read at (a stale one: 409)."""

    version: Version


class QuestionnairesQuery(Input):
    """A page of at most `limit` questionnaires after `cursor`."""

    limit: QueryInt = Field(default=50, ge=1, le=100)
    cursor: Cursor | None = None


class ChoiceRead(BaseModel):
    """An option."""

    value: str
    label: str


class ConditionRead(BaseModel):
    """The condition of a question (`equals` one value, or `in` several)."""

    model_config = ConfigDict(serialize_by_alias=True, populate_by_name=True)

    question: str
    equals: str | None = None
    in_: list[str] | None = Field(default=None, alias="in")


class QuestionRead(BaseModel):
    """A question as stored."""

    id: str
    kind: Kind
    text: str
    required: bool
    help: str
    choices: list[ChoiceRead]
    max_choices: int | None
    scale: Scale
    max_length: int
    show_if: ConditionRead | None
    angle: Angle | None
    factor: str
    criterion: str


class SectionRead(BaseModel):
    """A section."""

    title: str
    questions: list[QuestionRead]


class QuestionnaireVersionRead(BaseModel):
    """One version's content; `frozen` once a survey uses it."""

    questionnaire_id: str
    number: int
    frozen: bool
    title: str
    form_kind: FormKind
    intro: str
    sections: list[SectionRead]


class QuestionnaireRead(QuestionnaireVersionRead):
    """A questionnaire: its latest version (a draft while not frozen), the numbers frozen, the optimistic `version`."""

    id: str
    version: int
    frozen_numbers: list[int]
    created_at: datetime | None
    updated_at: datetime | None
    updated_by: str
    links: dict[str, str]


class QuestionnaireSummary(BaseModel):
    """A questionnaire in a list."""

    id: str
    title: str
    form_kind: FormKind
    number: int
    frozen: bool
    version: int
    updated_at: datetime | None
    links: dict[str, str]


class QuestionnairePage(BaseModel):
    """A page of questionnaires, oldest first (the standard one first)."""

    items: list[QuestionnaireSummary]
    next_cursor: str | None


def content_of(body: QuestionnaireCreate) -> qn.Content:
    """The domain content of a body; absent question ids and option values are given (q{n}; 1, 2, …)."""
    taken = {q.id for s in body.sections for q in s.questions if q.id}
    numbers = [int(i[1:]) for i in taken if i[:1] == "q" and i[1:].isdigit()]
    counter = max(numbers, default=0)
    sections = []
    for s in body.sections:
        questions = []
        for q in s.questions:
            if q.id is None:
                counter += 1
                while f"q{counter}" in taken:
                    counter += 1
                qid = f"q{counter}"
            else:
                qid = q.id
            questions.append(_question(q, qid))
        sections.append(qn.Section(s.title, tuple(questions)))
    return qn.Content(title=body.title, form_kind=body.form_kind, intro=body.intro, sections=tuple(sections))


def _question(q: QuestionIn, qid: str) -> qn.Question:
    given = {c.value for c in q.choices if c.value}
    free = (str(n) for n in range(1, 1000) if str(n) not in given)
    choices = tuple(qn.Choice(c.value or next(free), c.label) for c in q.choices)
    show_if = None
    if q.show_if is not None:
        values = (q.show_if.equals,) if q.show_if.equals is not None else tuple(q.show_if.in_ or ())
        show_if = qn.Condition(q.show_if.question, values)
    return qn.Question(
        id=qid,
        kind=q.kind,
        text=q.text,
        required=q.required,
        help=q.help,
        choices=choices,
        max_choices=q.max_choices,
        scale=q.scale,
        max_length=q.max_length,
        show_if=show_if,
        angle=q.angle,
        factor=q.factor,
        criterion=q.criterion,
    )


def version_read(v: qn.QuestionnaireVersion) -> QuestionnaireVersionRead:
    """The API view of one version."""
    data = qn.content_to_dict(v.content)
    return QuestionnaireVersionRead(questionnaire_id=v.questionnaire_id, number=v.number, frozen=v.frozen, **data)


def questionnaire_read(q: qn.Questionnaire) -> QuestionnaireRead:
    """The API view of a questionnaire's current state."""
    data = qn.content_to_dict(q.content)
    return QuestionnaireRead(
        id=q.id,
        questionnaire_id=q.id,
        number=q.number,
        frozen=q.frozen,
        version=q.version,
        frozen_numbers=list(q.frozen_numbers),
        created_at=q.created_at,
        updated_at=q.updated_at,
        updated_by=q.updated_by,
        links=_links(q.id),
        **data,
    )


def summary(q: qn.Questionnaire) -> QuestionnaireSummary:
    """A questionnaire in a list."""
    return QuestionnaireSummary(
        id=q.id,
        title=q.content.title,
        form_kind=q.content.form_kind,  # type: ignore[arg-type]
        number=q.number,
        frozen=q.frozen,
        version=q.version,
        updated_at=q.updated_at,
        links=_links(q.id),
    )


def _links(qid: str) -> dict[str, str]:
    return {"self": f"/api/surveys/questionnaires/{qid}", "page": f"/surveys/questionnaires/{qid}"}
