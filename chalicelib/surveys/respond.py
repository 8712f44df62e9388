"""The respondent's side: follow a link, answer a few questions a screen, resume later, submit once — and the
interviewer's entry of a respondent's answers for the direct methods (Art. 8 step 2).

A link's purpose says what it opens: `survey` (a sample member of a round: `{survey_id, round, member_id}`) or
`answer` (the link that ends every written answer, Art. 6.2 step 5: `{request_id, customer_id, channel}`, answered
on the standard short questionnaire and counted under the built-in survey `ANSWER_SURVEY`, one stratum per
channel). One submission per member: the answer's id is the member's (or the link's), so a second submission —
through the same link, a reminder's link, or a racing tab — fails a condition and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, NotFoundError, RuleViolationError, TooManyRequestsError
from chalicelib.shared.ids import new_id
from chalicelib.shared.tenancy import Principal, across

from . import answers as form_rules
from . import counting, index
from .domain import Survey, day_of
from .members import Member
from .ports import Answer, MemberChange, Offices, Progress, Questionnaires, Rated, Submission
from .questionnaire import QuestionnaireVersion
from .standard import STANDARD_ID

if TYPE_CHECKING:
    from .store import DynamoSurveyStore

ANSWER_SURVEY = "answer-links"  # the built-in survey the answer links' responses are counted under
SURVEY, ANSWER = "survey", "answer"  # link purposes
PROGRESS_DAYS = 2  # answers in progress are kept past the link's validity, then expire (TTL)
ProblemKind = Literal["unknown", "expired", "not_yet_valid", "used", "closed", "limited", "declined"]


def counts_in_rate(survey: Survey | None, number: int) -> bool:
    """Whether a round's answers count in the office's satisfaction rate: the official run's (Art. 8 step 2; a pilot
    tries the questionnaire out), and the answer links' (`survey` None: they end every written answer)."""
    if survey is None:
        return True
    found = next((r for r in survey.rounds if r.number == number), None)
    return found is not None and found.kind == "official"


@dataclass(frozen=True)
class Problem:
    """A link that opens nothing, and why (the page says it in Vietnamese, with the office's hotline)."""

    kind: ProblemKind


@dataclass(frozen=True)
class Done:
    """Answers recorded; `again` when they had been already (a second submission or a lost race)."""

    again: bool = False


@dataclass
class Sitting:
    """What a followed link opens: the questionnaire version, the screen to show, the answers so far."""

    link_id: str
    survey_id: str
    round: int
    stratum: str
    member: Member | None
    version: QuestionnaireVersion
    answers: dict[str, Any]
    screen: int
    valid_until: datetime
    purpose_text: str
    anonymous: bool
    errors: dict[str, str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)  # the survey's index weights, read at submission
    attributes: dict[str, str] = field(default_factory=dict)  # the respondent's channel and group (result cells)
    rated: bool = False  # its answers count in the office's satisfaction rate: an official round's, the answer links'


class Links(Protocol):
    """The links capability as the respondent's page sees it."""

    def resolve(self, *, tenant: str, token: str, now: datetime) -> Any: ...

    def mark_opened(self, *, tenant: str, link: Any, at: datetime) -> Any: ...

    def consume(self, *, tenant: str, token: str, now: datetime, parts: Any) -> Any: ...


class Guard(Protocol):
    """Unknown tokens per client address are counted and, past a limit, refused for a while."""

    def admit(self, *, tenant: str, client: str) -> None: ...

    def missed(self, *, tenant: str, client: str) -> None: ...


class RespondentService:
    """Links followed, screens answered, submissions recorded once."""

    def __init__(
        self,
        *,
        store: DynamoSurveyStore,
        links: Links,
        guard: Guard,
        questionnaires: Questionnaires,
        offices: Offices,
        clock: Clock,
        used_error: type[Exception],
    ) -> None:
        self._store = store
        self._links = links
        self._guard = guard
        self._questionnaires = questionnaires
        self._offices = offices
        self._clock = clock
        self._used_error = used_error  # the links capability's "already used", raised by consume

    def office(self, tenant: str) -> tuple[str, str]:
        """The office's name and hotline for the page."""
        return self._offices.name(tenant), self._offices.hotline(tenant)

    def open(self, *, tenant: str, token: str, client: str, screen: int | None = None) -> Sitting | Problem | Done:
        """GET /s/{token}: the screen the respondent left off at (the first one on a first visit), or an earlier one
        they went back to (`screen`, never past the furthest they reached)."""
        found = self._sitting(tenant, token, client)
        if not isinstance(found, tuple):
            return found
        sitting, link = found
        if screen is not None:
            sitting.screen = min(screen, sitting.screen)
        now = self._clock.now()
        if link.opened_at is None:
            self._links.mark_opened(tenant=tenant, link=link, at=now)
            self._reached(tenant, sitting, "opened")
        return sitting

    def answer(
        self,
        *,
        tenant: str,
        token: str,
        client: str,
        screen: int,
        form: Mapping[str, Sequence[str]],
        back: bool,
        decline: bool = False,
    ) -> Sitting | Problem | Done:
        """POST /s/{token}: read the screen's answers; show its errors, the next (or previous) screen, or submit —
        or, `decline`, record that the member will not take part (tallied refused; no more reminders)."""
        found = self._sitting(tenant, token, client)
        if not isinstance(found, tuple):
            return found
        sitting, _ = found
        if decline and sitting.member is not None:
            return self._decline(tenant, sitting)
        return self._advance(tenant, sitting, screen, form, back, lambda kept: self._submit(tenant, token, sitting, kept))

    def _advance(
        self,
        tenant: str,
        sitting: Sitting,
        screen: int,
        form: Mapping[str, Sequence[str]],
        back: bool,
        submit: Callable[[dict[str, Any]], Sitting | Done],
    ) -> Sitting | Done:
        """One screen read in: its errors shown, the answers so far kept (resumed later), or the whole submitted."""
        merged, errors = form_rules.validate_screen(sitting.version, screen, form, sitting.answers)
        count = len(form_rules.screens(sitting.version, merged))
        if back:
            target = max(screen - 1, 0)
        elif errors:
            sitting.answers, sitting.screen, sitting.errors = merged, screen, errors
            return sitting
        else:
            target = screen + 1
        if target >= count:
            kept, problems = form_rules.validate_all(sitting.version, merged)
            if problems:
                first = next(
                    (
                        i
                        for i, s in enumerate(form_rules.screens(sitting.version, kept))
                        if any(q.id in problems for q in s.questions)
                    ),
                    0,
                )
                sitting.answers, sitting.screen, sitting.errors = kept, first, problems
                return sitting
            return submit(kept)
        first_save = not sitting.answers
        self._store.keep_progress(
            tenant=tenant,
            survey_id=sitting.survey_id,
            round_number=sitting.round,
            member_id=self._progress_key(sitting),
            progress=Progress(merged, target),
            until=sitting.valid_until + timedelta(days=PROGRESS_DAYS),
        )
        if first_save and merged:
            self._reached(tenant, sitting, "started")
        sitting.answers, sitting.screen = merged, target
        return sitting

    def _decline(self, tenant: str, sitting: Sitting) -> Problem:
        member = sitting.member
        assert member is not None
        for _ in range(3):  # the respondent's own step racing a system one (a delivery event): reload, never a 409
            try:
                change = MemberChange(member, member.refuse(), day_of(self._clock.now()))
                self._store.step(tenant=tenant, survey_id=sitting.survey_id, changes=[change])
                break
            except ConflictError:
                fresh = self._store.member(
                    tenant=tenant, survey_id=sitting.survey_id, round_number=sitting.round, member_id=member.id
                )
                if fresh is None or fresh.settled:
                    break
                member = fresh
        return Problem("declined")

    def _submit(self, tenant: str, token: str, sitting: Sitting, kept: dict[str, Any]) -> Done:
        now = self._clock.now()
        submission = self._submission(sitting, kept, now, entry_id=None, interviewer=None)
        parts = self._store.submission(tenant=tenant, survey_id=sitting.survey_id, submission=submission)
        try:
            self._links.consume(tenant=tenant, token=token, now=now, parts=parts)
        except (ConflictError, self._used_error):
            return Done(again=True)  # counted once; the other submission (or the earlier one) is the one kept
        self._store.submitted(submission)
        return Done()

    def _submission(
        self, sitting: Sitting, kept: dict[str, Any], now: datetime, *, entry_id: str | None, interviewer: str | None
    ) -> Submission:
        member_change = None
        if sitting.member is not None:
            member_change = MemberChange(sitting.member, sitting.member.complete(now), day_of(now))
            if sitting.anonymous:
                sitting.member.answered_at = now.replace(hour=0, minute=0, second=0, microsecond=0)
        answer_id = new_id() if sitting.anonymous else (sitting.member.id if sitting.member else sitting.link_id)
        attributes = sitting.member.attributes if sitting.member is not None else sitting.attributes
        groups = counting.groups_of(attributes, interviewer=interviewer, form_kind=sitting.version.content.form_kind)
        counted = counting.count(sitting.version, kept, root=index.tree(sitting.version), weights=sitting.weights, groups=groups)
        answer = Answer(
            id=answer_id,
            round=sitting.round,
            stratum=sitting.stratum,
            questionnaire_id=sitting.version.questionnaire_id,
            questionnaire_version=sitting.version.number,
            answers=kept,
            submitted_on=day_of(now),
            member_id=None if sitting.anonymous or sitting.member is None else sitting.member.id,
            submitted_at=None if sitting.anonymous else now,
            entry_id=entry_id,
            interviewer=interviewer,
            closed=counted.options,
            groups=counted.groups,
        )
        satisfied = index.satisfied(counted.scores) if sitting.rated else None
        rated = Rated(answer.submitted_on, satisfied) if satisfied is not None else None
        return Submission(member_change, answer, progress_key=self._progress_key(sitting), counted=counted, rated=rated)

    @staticmethod
    def _progress_key(sitting: Sitting) -> str:
        return sitting.member.id if sitting.member is not None else sitting.link_id

    def _reached(self, tenant: str, sitting: Sitting, status: str) -> None:
        """Opened or started: a system step on the member's tally (a race with another step reloads, never a 409)."""
        member = sitting.member
        if member is None:
            return
        for _ in range(3):
            reached = member.opened() if status == "opened" else member.started()
            if not reached:
                return
            try:
                self._store.step(
                    tenant=tenant, survey_id=sitting.survey_id, changes=[MemberChange(member, reached, day_of(self._clock.now()))]
                )
                return
            except ConflictError:
                fresh = self._store.member(
                    tenant=tenant, survey_id=sitting.survey_id, round_number=sitting.round, member_id=member.id
                )
                if fresh is None:
                    return
                member = sitting.member = fresh

    def _sitting(self, tenant: str, token: str, client: str) -> tuple[Sitting, Any] | Problem | Done:
        try:
            self._guard.admit(tenant=tenant, client=client)
        except TooManyRequestsError:
            return Problem("limited")
        now = self._clock.now()
        link = self._links.resolve(tenant=tenant, token=token, now=now)
        if isinstance(link, str):  # the links capability's ResolveOutcome (a str enum)
            if link == "unknown":
                try:
                    self._guard.missed(tenant=tenant, client=client)
                except TooManyRequestsError:
                    return Problem("limited")
            return Done(again=True) if link == "used" else Problem(link)  # type: ignore[arg-type]
        if link.purpose == ANSWER:
            version = self._questionnaires.version(tenant=tenant, questionnaire_id=STANDARD_ID, number=1)
            progress = self._store.progress(tenant=tenant, survey_id=ANSWER_SURVEY, round_number=1, member_id=link.link_id)
            sitting = Sitting(
                link.link_id,
                ANSWER_SURVEY,
                1,
                link.subject.get("channel", "all"),
                None,
                version,
                dict(progress.answers) if progress else {},
                progress.screen if progress else 0,
                link.valid_until,
                "Ý kiến của Ông/Bà về câu trả lời của cơ quan BHXH",
                anonymous=False,
                attributes={"channel": link.subject.get("channel", "")},  # its stratum is the channel too; no group
                rated=True,
            )
            return sitting, link
        return self._survey_sitting(tenant, link, now)

    def _survey_sitting(self, tenant: str, link: Any, now: datetime) -> tuple[Sitting, Any] | Problem | Done:
        subject = link.subject
        survey = self._store.get(tenant=tenant, survey_id=subject.get("survey_id", ""))
        if survey is None:
            return Problem("unknown")
        number = int(subject.get("round", "0") or 0)
        r = next((x for x in survey.rounds if x.number == number), None)
        if r is None or r.questionnaire_version is None:
            return Problem("unknown")
        if not survey.accepting(number, now):
            return Problem("closed")
        member = self._store.member(
            tenant=tenant, survey_id=survey.id, round_number=number, member_id=subject.get("member_id", "")
        )
        if member is None:
            return Problem("unknown")
        if "completed" in member.reached:
            return Done(again=True)
        if member.settled:
            return Problem("closed")
        try:
            sitting = self._member_sitting(tenant, survey, number, member, link.link_id, link.valid_until)
        except NotFoundError:
            return Problem("unknown")
        return sitting, link

    # -- the interviewer (direct methods) --------------------------------------------------------------------------

    def interview_sitting(self, *, tenant: str, survey: Survey, number: int, member_id: str) -> Sitting:
        """An interviewer's form for a member of their list (direct methods), resumed where it was left."""
        r = survey.round(number)
        now = self._clock.now()
        if not survey.accepting(number, now) or r.questionnaire_version is None or r.closes_at is None:
            raise ConflictError("Đợt khảo sát không nhận câu trả lời.", code="round_not_open")
        member = self._store.member(tenant=tenant, survey_id=survey.id, round_number=number, member_id=member_id)
        if member is None or member.role != "main":
            raise NotFoundError("Không tìm thấy người trong mẫu.")
        return self._member_sitting(tenant, survey, number, member, "", r.closes_at)

    def _member_sitting(self, tenant: str, survey: Survey, number: int, member: Member, link_id: str, until: datetime) -> Sitting:
        """A member's form on the round's frozen questionnaire version, with the answers saved so far."""
        r = survey.round(number)
        assert r.questionnaire_version is not None
        with across(survey.owner):  # a national survey's questionnaire is the CCC's
            version = self._questionnaires.version(
                tenant=survey.owner, questionnaire_id=survey.plan.questionnaire_id, number=r.questionnaire_version
            )
        progress = self._store.progress(tenant=tenant, survey_id=survey.id, round_number=number, member_id=member.id)
        return Sitting(
            link_id,
            survey.id,
            number,
            member.stratum,
            member,
            version,
            dict(progress.answers) if progress else {},
            progress.screen if progress else 0,
            until,
            survey.plan.purpose,
            survey.settings.anonymous,
            weights=dict(survey.weights),
            rated=counts_in_rate(survey, number),
        )

    def interview_screen(
        self,
        *,
        tenant: str,
        survey: Survey,
        number: int,
        member_id: str,
        actor: Principal,
        entry_id: str,
        screen: int,
        form: Mapping[str, Sequence[str]],
    ) -> Sitting | Done:
        """A screen of an interviewer's entry; the last records it (a retry of the same `entry_id` is one answer)."""
        sitting = self.interview_sitting(tenant=tenant, survey=survey, number=number, member_id=member_id)
        if sitting.member is not None and "completed" in sitting.member.reached:
            return Done(again=True)
        return self._advance(
            tenant, sitting, screen, form, False, lambda kept: self._record(tenant, survey, sitting, kept, actor, entry_id)
        )

    def interview(
        self,
        *,
        tenant: str,
        survey: Survey,
        number: int,
        member_id: str,
        actor: Principal,
        entry_id: str,
        given: Mapping[str, Any],
    ) -> Done:
        """An interviewer enters a member's answers at once (the API); the client's `entry_id` makes a retry a no-op."""
        sitting = self.interview_sitting(tenant=tenant, survey=survey, number=number, member_id=member_id)
        if sitting.member is not None and "completed" in sitting.member.reached:
            return Done(again=True)  # a retry of an entry that went through (or another interviewer's): one answer
        kept, errors = form_rules.validate_all(sitting.version, dict(given))
        if errors:
            raise RuleViolationError("Câu trả lời chưa đầy đủ hoặc chưa hợp lệ.", code="invalid_answers", fields=errors)
        return self._record(tenant, survey, sitting, kept, actor, entry_id)

    def _record(
        self, tenant: str, survey: Survey, sitting: Sitting, kept: dict[str, Any], actor: Principal, entry_id: str
    ) -> Done:
        submission = self._submission(sitting, kept, self._clock.now(), entry_id=entry_id, interviewer=actor.username)
        if survey.settings.anonymous:  # the entry id is the answer's: a retry collides with the answer it wrote
            submission = replace(submission, answer=replace(submission.answer, id=entry_id))
        try:
            self._store.submit(tenant=tenant, survey_id=survey.id, submission=submission)
        except ConflictError:
            return Done(again=True)
        return Done()
