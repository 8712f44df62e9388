"""What the survey service asks of other capabilities and of AWS — Protocols, so it imports none of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .domain import Design, Round, Survey
from .members import Member
from .questionnaire import QuestionnaireVersion


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

    def version(self, *, tenant: str, questionnaire_id: str, number: int) -> QuestionnaireVersion: ...


class Sampler(Protocol):
    """Draws a sample from a frame (chalicelib/surveys/sampling.py, frames.py)."""

    def draw(self, *, tenant: str, request: DrawRequest, contact_days: int, now: datetime) -> Drawn: ...


class Invitations(Protocol):
    """Sends members their links (the links capability: e-mail in bulk, SMS), paced, with delivery statuses."""

    def send(self, *, tenant: str, survey: Survey, run: Round, members: Sequence[Member], reminder: bool) -> int: ...

    def by_sms(self, *, tenant: str, survey: Survey, run: Round, member: Member) -> bool: ...

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


Transactional = Any  # another capability's part of a transaction (e.g. the links' single use)
