"""What the survey service asks of other capabilities and of AWS — Protocols, so it imports none of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.audit.domain import AuditEvent

from .domain import Design, Round, Survey
from .members import Member
from .questionnaire import QuestionnaireVersion

if TYPE_CHECKING:
    from .counting import Counted


@dataclass(frozen=True)
class DrawRequest:
    """What the owner asks of a draw: the frame, the strata, the size (given, or from the calculator), the reserves."""

    frame_id: str
    strata: tuple[str, ...]
    size: int
    minimum: int
    reserve_share: float
    seed: str
    method: str = ""


@dataclass(frozen=True)
class Drawn:
    """A drawn sample: its design (for the round's record) and its members, main and reserve."""

    design: Design
    members: list[Member]


class Questionnaires(Protocol):
    """The questionnaires capability as a round sees it."""

    def freeze(self, *, tenant: str, questionnaire_id: str) -> QuestionnaireVersion: ...

    def get(self, *, tenant: str, questionnaire_id: str) -> Any: ...

    def version(self, *, tenant: str, questionnaire_id: str, number: int) -> QuestionnaireVersion: ...


class Sampler(Protocol):
    """Draws a sample from a frame (chalicelib/surveys/sampling.py, frames.py)."""

    def draw(self, *, tenant: str, request: DrawRequest, contact_days: int, now: datetime) -> Drawn: ...


class Invitations(Protocol):
    """Sends members their links (the links capability: e-mail in bulk, SMS), paced, with delivery statuses."""

    def send(self, *, tenant: str, survey: Survey, run: Round, members: Sequence[Member], reminder: bool) -> int: ...

    def by_sms(self, *, tenant: str, survey: Survey, run: Round, member: Member) -> bool: ...

    def progress(self, *, tenant: str, survey: Survey) -> Any: ...

    def page(
        self, *, tenant: str, survey: Survey, number: int, cursor: str | None, limit: int = 100
    ) -> tuple[list[Any], str | None]: ...


class Waves(Protocol):
    """Starts the state machine that drives a round's waves (send, remind, close)."""

    def start(self, *, tenant: str, survey_id: str, round_number: int, steps: list[tuple[datetime, str]]) -> None: ...


class Offices(Protocol):
    """An office's public name and hotline (the respondent's page)."""

    def name(self, tenant: str) -> str: ...

    def hotline(self, tenant: str) -> str: ...


# -- what the survey store takes and gives (store.py; the fake in tests/fakes.py) ------------------------------


@dataclass(frozen=True)
class Answer:
    """One respondent's answers on the questionnaire version their round asked (anonymous: no member, the day only)."""

    id: str
    round: int
    stratum: str
    questionnaire_id: str
    questionnaire_version: int
    answers: dict[str, Any]
    submitted_on: date
    member_id: str | None = None
    submitted_at: datetime | None = None  # not kept when the survey is anonymous
    entry_id: str | None = None  # an interviewer's client-generated id (a retry finds the same answer)
    interviewer: str | None = None
    closed: tuple[tuple[str, str], ...] = ()  # (question, option) pairs counted for the results
    groups: dict[str, str] = field(default_factory=dict)  # channel, group, form: kept, as an anonymous answer has no member


@dataclass(frozen=True)
class Progress:
    """Answers a respondent saved on the screens passed so far (resumed with the same link)."""

    answers: dict[str, Any]
    screen: int


@dataclass
class MemberChange:
    """A member's step: the member, the tally counters it adds (tally.py `advance`), on which (Vietnam) day."""

    member: Member
    counts: dict[str, int]
    day: date


@dataclass(frozen=True)
class Rated:
    """What a counted answer adds to its office's satisfaction rate: the day it was submitted, satisfied or not."""

    day: date
    satisfied: bool


class Ratings(Protocol):
    """The statistics' survey counters (reports/survey_counts.py): a submission's ADDs, a round's recount set right."""

    def updates(self, *, tenant: str, survey_id: str, round_number: int, day: date, satisfied: bool) -> list[tuple[Any, Any]]: ...

    def read(self, *, tenant: str, days: Iterable[date]) -> dict[str, dict[str, int]]: ...

    def fix(
        self,
        *,
        tenant: str,
        survey_id: str,
        round_number: int,
        have: Mapping[str, Mapping[str, int]],
        found: Mapping[date, tuple[int, int]],
    ) -> Mapping[str, Mapping[str, int]]: ...


@dataclass
class Submission:
    """What one submission writes together: the member's completion, the answer, the counters, the spent link."""

    member: MemberChange | None
    answer: Answer
    progress_key: str = ""  # whose answers in progress to remove (the member, or the answer link)
    counted: Counted | None = None  # what the answer adds to the result cells (counting.py)
    rated: Rated | None = None  # what it adds to the office's satisfaction rate (an official round's, index scored)


@dataclass(frozen=True)
class ResultCell:
    """The counters of a round's stratum, as a whole or in one group of it (counting.py says what each counts)."""

    stratum: str
    dimension: str  # "" for the stratum as a whole
    value: str  # "" for the stratum as a whole
    respondents: int
    shown: dict[str, int]
    answered: dict[str, int]
    options: dict[tuple[str, str], int]
    scores: dict[str, tuple[int, float, float]]  # node → (k, Σ, Σ²)


@dataclass
class PlanChange:
    """What a plan step writes with the survey: the audit entry, the inbox item added or removed."""

    event: AuditEvent
    pending: dict[str, Any] | None = None  # arguments of ApprovalItems.pending_item
    decided: dict[str, Any] | None = None  # arguments of ApprovalItems.decided_item
    parts: list[Survey] = field(default_factory=list)  # provinces' copies of a national survey


def tally_id(survey_id: str, round_number: int) -> str:
    """The tally of one round of a survey (a pilot's and the official run's are counted apart)."""
    return f"{survey_id}.r{round_number:02d}"
