"""Use cases of a survey's owner and leader: plan, submit, approve or return, draw a round's sample, open it, replace
members, close it, note a pilot's lessons — Decision 681 Art. 8 steps 1–2. The respondent's side is in respond.py."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from chalicelib.approvals.domain import Approval
from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.permissions import CENTRAL_TENANT, Permission
from chalicelib.shared.tenancy import Principal, across

from . import index
from .domain import APPROVAL_KIND, Plan, Round, RoundKind, Settings, Survey, day_of
from .members import Member
from .ports import DrawRequest, Invitations, MemberChange, PlanChange, Questionnaires, Sampler, Waves, tally_id
from .reconcile import KIND as RESULTS_JOB
from .tally import SurveyTally, combine


class TallyReads(Protocol):
    """The tally's counters of one survey part (tally_store.py)."""

    def read(self, *, tenant: str, survey_id: str) -> SurveyTally: ...


class Audit(Protocol):
    """The audit trail, for reads of personal data."""

    def append(self, *, tenant: str, event: AuditEvent) -> None: ...


class Jobs(Protocol):
    """Background jobs (the reconcile job of the result cells, reconcile.py)."""

    def start(self, *, tenant: str, actor: str, kind: str, params: dict[str, Any]) -> Any: ...


if TYPE_CHECKING:
    from .store import DynamoSurveyStore

T = TypeVar("T")
APPROVE = Permission.PLANS_APPROVE
SYSTEM = "system"
NOT_FOUND = "Không tìm thấy khảo sát."
SEND_CHUNK = 50  # members recorded in one transaction, then handed to the sender (SES takes 50 destinations a call)


class SurveyService:
    """Surveys of one tenant; a national survey's parts are the provinces' copies."""

    def __init__(
        self,
        *,
        store: DynamoSurveyStore,
        questionnaires: Questionnaires,
        sampler: Sampler,
        invitations: Invitations,
        waves: Waves,
        tally: TallyReads,
        provinces: frozenset[str],
        audit: Audit,
        clock: Clock,
        jobs: Jobs,
    ) -> None:
        self._jobs = jobs
        self._store = store
        self._questionnaires = questionnaires
        self._sampler = sampler
        self._invitations = invitations
        self._waves = waves
        self._tally = tally
        self._provinces = provinces
        self._audit = audit
        self._clock = clock

    # -- reading --------------------------------------------------------------------------------------------------

    def get(self, *, tenant: str, survey_id: str) -> Survey:
        """A survey of the tenant (or its part of a national one); another tenant's id is a 404."""
        survey = self._store.get(tenant=tenant, survey_id=survey_id)
        if survey is None:
            raise NotFoundError(NOT_FOUND)
        return survey

    def page(self, *, tenant: str, cursor: str | None, limit: int = 50) -> tuple[list[Survey], str | None]:
        """The tenant's surveys, newest first."""
        return self._store.page(tenant=tenant, cursor=cursor, limit=limit)

    def where(self, survey: Survey, province: str | None) -> str:
        """Whose partition a list reads: the survey's own, or — the CCC reading its national survey — a province's part
        (the first one unless named)."""
        if survey.is_part or not survey.national:
            return survey.tenant
        parts = self.part_tenants(survey) or [survey.tenant]
        return province if province in parts else parts[0]

    def members(
        self,
        *,
        tenant: str,
        survey_id: str,
        round_number: int,
        cursor: str | None,
        actor: Principal,
        limit: int = 100,
        province: str | None = None,
    ) -> tuple[list[Member], str | None]:
        """A page of a round's members — personal data, so the read is audited (who read which survey's page)."""

        def read(survey: Survey, where: str) -> tuple[list[Member], str | None]:
            return self._store.members(tenant=where, survey_id=survey.id, round_number=round_number, cursor=cursor, limit=limit)

        return self._audited(tenant, survey_id, round_number, province, actor, "survey.members.read", read)

    def invitations(
        self,
        *,
        tenant: str,
        survey_id: str,
        round_number: int,
        cursor: str | None,
        actor: Principal,
        limit: int = 100,
        province: str | None = None,
    ) -> tuple[list[Any], str | None]:
        """A page of a round's messages and their delivery statuses — their destinations are personal data: audited."""

        def read(survey: Survey, where: str) -> tuple[list[Any], str | None]:
            return self._invitations.page(tenant=where, survey=survey, number=round_number, cursor=cursor, limit=limit)

        return self._audited(tenant, survey_id, round_number, province, actor, "survey.invitations.read", read)

    def _audited(
        self,
        tenant: str,
        survey_id: str,
        round_number: int,
        province: str | None,
        actor: Principal,
        action: str,
        read: Callable[[Survey, str], T],
    ) -> T:
        """A read of a round's personal data in the part it lives in, with its audit entry."""
        survey = self.get(tenant=tenant, survey_id=survey_id)
        survey.round(round_number)
        where = self.where(survey, province)
        with across(where):
            found = read(survey, where)
        self._audit.append(tenant=tenant, event=self._event(actor, action, survey, round=str(round_number), part=where))
        return found

    def audited_read(self, *, tenant: str, survey: Survey, actor: Principal, action: str, **detail: str) -> None:
        """The audit entry of a read of a survey's personal data made elsewhere (the open answers of analysis.py)."""
        self._audit.append(tenant=tenant, event=self._event(actor, action, survey, **detail))

    def tally(self, *, tenant: str, survey_id: str, round_number: int | None = None) -> SurveyTally:
        """Art. 8 step 2's daily tally of a round (the latest unless named): O(strata × days) counter items — a
        national survey's from every part. A pilot's and the official run's are counted apart."""
        survey = self.get(tenant=tenant, survey_id=survey_id)
        number = round_number if round_number is not None else (survey.rounds[-1].number if survey.rounds else 1)
        if survey.rounds:
            survey.round(number)
        key = tally_id(survey.id, number)
        if survey.is_part or not survey.national:
            return replace(self._tally.read(tenant=tenant, survey_id=key), survey_id=survey.id)
        parts = [tenant, *self.part_tenants(survey)]
        with across(*parts):  # the CCC reads its national survey's parts in the provinces
            return combine(survey.id, [self._tally.read(tenant=t, survey_id=key) for t in parts])

    def sending(self, *, tenant: str, survey_id: str) -> Any:
        """The invitations' sending progress — a national survey's over every part (its deliveries are the provinces')."""
        survey = self.get(tenant=tenant, survey_id=survey_id)
        parts = [tenant] if survey.is_part or not survey.national else [tenant, *self.part_tenants(survey)]
        with across(*parts):
            return combined([self._invitations.progress(tenant=t, survey=survey) for t in parts])

    @staticmethod
    def new_seed() -> str:
        """A fresh seed for a draw (stored with the round, so the draw can be made again)."""
        return secrets.token_hex(8)

    # -- the plan (Art. 8 step 1) ----------------------------------------------------------------------------------

    def _checked(self, tenant: str, plan: Plan, settings: Settings) -> Plan:
        plan = plan.cleaned()
        found = plan.problems(tenant=tenant, provinces=self._provinces) | settings.problems()
        try:
            self._questionnaires.get(tenant=tenant, questionnaire_id=plan.questionnaire_id)
        except NotFoundError:
            found["questionnaire_id"] = "unknown"  # caught at the plan, not when the approved round opens
        if found:
            raise RuleViolationError("Kế hoạch khảo sát chưa hợp lệ.", code="invalid_plan", fields=found)
        return plan

    def create(self, *, tenant: str, actor: Principal, plan: Plan, settings: Settings) -> Survey:
        """A new plan, as a draft of its owner."""
        now = self._clock.now()
        plan = self._checked(tenant, plan, settings)
        survey = Survey(new_id(), tenant, tenant, plan, settings, Approval(), actor.username, now, now, version=0)
        self._store.save(survey, PlanChange(self._event(actor, "survey.created", survey)))
        return survey

    def update(self, *, tenant: str, survey_id: str, actor: Principal, plan: Plan, settings: Settings, version: int) -> Survey:
        """Edit a draft or returned plan (409 when someone saved in between)."""
        survey = self._current(tenant, survey_id, version)
        survey._owned(actor)  # a province's read-only part is refused as such, before its plan's rules are applied
        survey.edit(now=self._clock.now(), actor=actor, plan=self._checked(tenant, plan, settings), settings=settings)
        self._store.save(survey, PlanChange(self._event(actor, "survey.updated", survey)))
        return survey

    def submit(self, *, tenant: str, survey_id: str, actor: Principal, note: str, version: int) -> Survey:
        """The owner submits the plan to the leader; it appears in the leader's inbox."""
        survey = self._current(tenant, survey_id, version)
        survey._owned(actor)
        now = self._clock.now()
        survey.approval.submit(now, actor, note, permission=Permission.SURVEYS_MANAGE)
        survey.updated_at = now
        pending = {
            "kind": APPROVAL_KIND,
            "subject_id": survey.id,
            "title": survey.plan.title,
            "submitted_at": now,
            "url": f"/surveys/{survey.id}",
            "submitted_by": actor.username,
        }
        self._store.save(survey, PlanChange(self._event(actor, "survey.submitted", survey), pending=pending))
        return survey

    def withdraw(self, *, tenant: str, survey_id: str, actor: Principal, note: str, version: int) -> Survey:
        """The owner takes a submitted plan back to edit it."""
        return self._decide(
            tenant,
            survey_id,
            actor,
            version,
            "survey.withdrawn",
            lambda s, now: s.approval.withdraw(now, actor, note, permission=Permission.SURVEYS_MANAGE),
        )

    def approve(self, *, tenant: str, survey_id: str, actor: Principal, note: str, version: int) -> Survey:
        """Art. 8 step 1: the leader approves the plan (never its author)."""
        return self._decide(
            tenant,
            survey_id,
            actor,
            version,
            "survey.approved",
            lambda s, now: s.approval.approve(now, actor, note, permission=APPROVE, authors=self.authors(s)),
        )

    def return_(self, *, tenant: str, survey_id: str, actor: Principal, note: str, version: int) -> Survey:
        """The leader returns the plan with a reason; the owner edits and submits again."""
        return self._decide(
            tenant,
            survey_id,
            actor,
            version,
            "survey.returned",
            lambda s, now: s.approval.return_(now, actor, note, permission=APPROVE, authors=self.authors(s)),
        )

    @staticmethod
    def authors(survey: Survey) -> set[str]:
        """Who wrote the plan: they never approve it."""
        return {survey.created_by}

    def _decide(
        self, tenant: str, survey_id: str, actor: Principal, version: int, action: str, step: Callable[[Survey, datetime], None]
    ) -> Survey:
        survey = self._current(tenant, survey_id, version)
        if survey.is_part:
            raise ForbiddenError("Khảo sát toàn quốc do Trung tâm CSKH phê duyệt.")
        submitted_at = survey.approval.submitted_at
        now = self._clock.now()
        step(survey, now)
        survey.updated_at = now
        decided = (
            {"kind": APPROVAL_KIND, "subject_id": survey.id, "submitted_at": submitted_at} if submitted_at is not None else None
        )
        self._store.save(survey, PlanChange(self._event(actor, action, survey), decided=decided))
        return survey

    def _current(self, tenant: str, survey_id: str, version: int) -> Survey:
        survey = self.get(tenant=tenant, survey_id=survey_id)
        if survey.version != version:
            raise ConflictError("Kế hoạch khảo sát đã được người khác thay đổi. Vui lòng tải lại.")
        return survey

    def _event(self, actor: Principal | str, action: str, survey: Survey, **detail: str) -> AuditEvent:
        who = actor if isinstance(actor, str) else actor.username
        return AuditEvent(who, action, "survey", survey.id, self._clock.now(), detail)

    def set_weights(self, *, tenant: str, survey_id: str, actor: Principal, weights: dict[str, float], version: int) -> Survey:
        """The owner weighs the index's nodes; every opened round's cells are then recounted (the reconcile job), in
        each part of a national survey too, so the index's score sums follow the new weights."""
        survey = self._current(tenant, survey_id, version)
        survey._owned(actor)
        survey.set_weights(
            now=self._clock.now(), actor=actor, weights=weights, problems=index.weight_problems(self._tree(survey), weights)
        )
        parts = [self._part(survey, p) for p in self.part_tenants(survey)]
        with across(*parts_tenants(parts)):
            self._store.save(survey, PlanChange(self._event(actor, "survey.weights", survey), parts=parts))
            for where in [tenant, *parts_tenants(parts)]:
                for r in survey.rounds:
                    if r.questionnaire_version is not None:  # only an opened round has answers
                        params = {"survey_id": survey.id, "round": r.number}
                        self._jobs.start(tenant=where, actor=actor.username, kind=RESULTS_JOB, params=params)
        return survey

    def _tree(self, survey: Survey) -> index.Node | None:
        """The index of the latest opened round's questionnaire version (before any: the questionnaire's current one)."""
        opened = [r for r in survey.rounds if r.questionnaire_version is not None]
        with across(survey.owner):
            if opened:
                number = opened[-1].questionnaire_version
                assert number is not None
                qid = survey.plan.questionnaire_id
                return index.tree(self._questionnaires.version(tenant=survey.owner, questionnaire_id=qid, number=number))
            return index.tree(
                self._questionnaires.get(tenant=survey.owner, questionnaire_id=survey.plan.questionnaire_id).current()
            )

    # -- rounds (Art. 8 step 2) ------------------------------------------------------------------------------------

    def draw(
        self, *, tenant: str, survey_id: str, actor: Principal, kind: RoundKind, request: DrawRequest, version: int
    ) -> Round:
        """Draw a round's sample (main and reserves, reproducible from the seed) from a frame, leaving out people an
        office surveyed in the last `contact_days`."""
        survey = self._current(tenant, survey_id, version)
        survey._owned(actor)
        survey.approval.require_approved()
        now = self._clock.now()
        drawn = self._sampler.draw(tenant=tenant, request=request, contact_days=survey.settings.contact_days, now=now)
        created = survey.draw(now=now, actor=actor, kind=kind, design=drawn.design)
        for m in drawn.members:
            m.round = created.number
        day = day_of(now)
        by_tenant: dict[str, list[MemberChange]] = {}
        for m in drawn.members:
            where = self._member_tenant(survey, m)
            by_tenant.setdefault(where, []).append(MemberChange(m, m.plan(), day))
        parts = [self._part(survey, t) for t in by_tenant if t != tenant]
        with across(*parts_tenants(parts)):
            written: list[tuple[str, list[MemberChange]]] = []
            try:
                for where, changes in by_tenant.items():
                    written.append((where, changes))
                    self._store.put_members(tenant=where, survey_id=survey.id, changes=changes)
                event = self._event(actor, "survey.drawn", survey, round=str(created.number))
                self._store.save(survey, PlanChange(event, parts=parts))
            except Exception:
                # The round was not saved (someone changed the plan meanwhile, or the table failed): its members
                # and their tally go again, so a refused draw leaves nothing a later draw of round N would inherit.
                for where, changes in written:
                    self._store.drop_members(tenant=where, survey_id=survey.id, changes=changes)
                raise
        return created

    def _member_tenant(self, survey: Survey, member: Member) -> str:
        """Where a member is kept: its province for a national survey, else the survey's tenant."""
        if survey.national:
            province = member.attributes.get("province", "")
            if province in survey.plan.provinces:
                return province
        return survey.tenant

    def _part(self, survey: Survey, tenant: str) -> Survey:
        """A province's read-only copy of a national survey."""
        return replace(survey, tenant=tenant, rounds=list(survey.rounds), version=0)

    def open(
        self,
        *,
        tenant: str,
        survey_id: str,
        actor: Principal,
        number: int,
        closes_at: datetime,
        reminders: tuple[int, ...],
        version: int,
    ) -> Round:
        """Open a drawn round: freeze the questionnaire version it asks, then start its waves (send, remind, close)."""
        survey = self.get(tenant=tenant, survey_id=survey_id)
        survey._owned(actor)
        current = survey.round(number)
        if current.status == "open":
            # a retry after the waves did not start: the round opened, so start them (the same execution if running)
            self._waves.start(tenant=tenant, survey_id=survey.id, round_number=number, steps=current.waves())
            return current
        if survey.version != version:
            raise ConflictError("Kế hoạch khảo sát đã được người khác thay đổi. Vui lòng tải lại.")
        survey.approval.require_approved()  # nothing is sent before approval (Art. 8 step 1)
        survey.check_opening(now=self._clock.now(), number=number, closes_at=closes_at, reminders=reminders)  # before the freeze
        used = self._questionnaires.freeze(tenant=tenant, questionnaire_id=survey.plan.questionnaire_id)
        now = self._clock.now()
        opened = survey.open(
            now=now, actor=actor, number=number, questionnaire_version=used.number, closes_at=closes_at, reminders=reminders
        )
        parts = [self._part(survey, p) for p in self.part_tenants(survey)]
        with across(*parts_tenants(parts)):
            self._store.save(survey, PlanChange(self._event(actor, "survey.opened", survey, round=str(number)), parts=parts))
        self._waves.start(tenant=tenant, survey_id=survey.id, round_number=number, steps=opened.waves())
        return opened

    def part_tenants(self, survey: Survey) -> list[str]:
        """The provinces holding a part of a national survey (none for a tenant's own)."""
        return [p for p in survey.plan.provinces if p != survey.tenant] if survey.national else []

    def note_lessons(self, *, tenant: str, survey_id: str, actor: Principal, number: int, lessons: str, version: int) -> Survey:
        """Art. 8 step 2: the pilot's lessons, before the questionnaire is revised and the official sample drawn."""
        survey = self._current(tenant, survey_id, version)
        survey.note_lessons(now=self._clock.now(), actor=actor, number=number, lessons=lessons)
        self._store.save(survey, PlanChange(self._event(actor, "survey.lessons", survey, round=str(number))))
        return survey

    def close_early(self, *, tenant: str, survey_id: str, actor: Principal, number: int, version: int) -> Survey:
        """The owner ends a round before its period (e.g. the sample is complete)."""
        survey = self._current(tenant, survey_id, version)
        survey._owned(actor)
        if survey.round(number).status != "open":
            raise ConflictError("Đợt khảo sát không đang diễn ra.", code="round_not_open")
        survey.close(now=self._clock.now(), number=number)
        parts = [self._part(survey, p) for p in self.part_tenants(survey)]
        with across(*parts_tenants(parts)):
            self._store.save(survey, PlanChange(self._event(actor, "survey.closed", survey, round=str(number)), parts=parts))
        return survey

    # -- the waves (system steps: never a 409) ---------------------------------------------------------------------

    def on_wave_message(self, *, tenant: str, survey_id: str, round: int, step: str, receive_count: int = 1) -> None:  # noqa: A002 - the message's field
        """The waves machine's message (infra/statemachines/survey-waves.asl.json; the queue entry set its tenant's scope)."""
        self.on_wave(tenant=tenant, survey_id=survey_id, round_number=int(round), step=step)

    def on_wave(self, *, tenant: str, survey_id: str, round_number: int, step: str) -> int:
        """The state machine's step: send the first invitations, remind those who have not answered, or close."""
        survey = self.get(tenant=tenant, survey_id=survey_id)
        r = survey.round(round_number)
        if r.status != "open":
            return 0
        if step == "close":
            survey.close(now=self._clock.now(), number=round_number)
            with across(*self.part_tenants(survey)):
                self._store.save_part(survey)
                for p in self.part_tenants(survey):
                    self._store.save_part(self._part(survey, p))
            return 0
        reminder = step == "remind"
        sent = 0
        for where in [tenant, *self.part_tenants(survey)]:
            with across(where):
                batch: list[Member] = []
                for m in self._store.each_member(tenant=where, survey_id=survey_id, round_number=round_number):
                    if (
                        m.awaiting and m.reminders < len(r.reminders)  # a redelivered wave reminds no one a third time
                        if reminder
                        else (m.role == "main" and "invited" not in m.reached and not m.settled)
                    ):
                        batch.append(m)
                    if len(batch) == SEND_CHUNK:
                        sent += self._invite(where, survey, r, batch, reminder)
                        batch = []
                if batch:
                    sent += self._invite(where, survey, r, batch, reminder)
        return sent

    def _invite(self, tenant: str, survey: Survey, r: Round, members: list[Member], reminder: bool) -> int:
        """Record the invitations (tallied), then hand the messages to the links capability's paced sender.

        Recorded first: a failure after it leaves members invited with no message, whom the next reminder reaches;
        the other order could send twice. A member a respondent changed meanwhile is reloaded (never a 409).
        """
        now = self._clock.now()
        changes = [MemberChange(m, m.invite(now), day_of(now)) for m in members]
        try:
            self._store.step(tenant=tenant, survey_id=survey.id, changes=changes)
        except ConflictError:
            fresh = []
            for m in members:
                again = self._store.member(tenant=tenant, survey_id=survey.id, round_number=r.number, member_id=m.id)
                if again is not None and not again.settled:
                    self._store.step(
                        tenant=tenant, survey_id=survey.id, changes=[MemberChange(again, again.invite(now), day_of(now))]
                    )
                    fresh.append(again)
            members = fresh
        return self._invitations.send(tenant=tenant, survey=survey, run=r, members=members, reminder=reminder)

    def on_delivered(self, delivery: Any) -> None:
        """SES delivered an invitation: the member is tallied `delivered` (a system step; a lost race reloads)."""
        subject = delivery.subject
        number = int(subject.get("round", "0") or 0)
        for _ in range(3):
            member = self._store.member(
                tenant=delivery.tenant, survey_id=subject["survey_id"], round_number=number, member_id=subject["member_id"]
            )
            if member is None:
                return
            counts = member.delivered()
            if not counts:
                return
            try:
                change = MemberChange(member, counts, day_of(self._clock.now()))
                self._store.step(tenant=delivery.tenant, survey_id=subject["survey_id"], changes=[change])
                return
            except ConflictError:
                continue

    def on_delivery_failed(self, delivery: Any) -> None:
        """An invitation failed for good (bounce, complaint, suppressed): by SMS when the member has a phone and the
        e-mail failed, else the next reserve of the stratum stands in (or the member is tallied unreachable)."""
        subject = delivery.subject
        number = int(subject.get("round", "0") or 0)
        survey = self._store.get(tenant=delivery.tenant, survey_id=subject["survey_id"])
        if survey is None:
            return
        run = survey.round(number)
        member = self._store.member(
            tenant=delivery.tenant, survey_id=survey.id, round_number=number, member_id=subject["member_id"]
        )
        if member is None or member.settled:
            return
        if delivery.channel == "email" and self._invitations.by_sms(
            tenant=delivery.tenant, survey=survey, run=run, member=member
        ):
            return
        self._replace(delivery.tenant, survey, number, member.id, "unreachable", SYSTEM, strict=False)

    def replace_by_owner(
        self, *, tenant: str, survey_id: str, round_number: int, member_id: str, reason: str, actor: Principal
    ) -> Member:
        """The owner replaces a member by the next reserve of the stratum; with none left, a 409 and nothing written."""
        survey = self.get(tenant=tenant, survey_id=survey_id)
        survey._owned(actor)
        reserve = self._replace(tenant, survey, round_number, member_id, reason, actor.username, strict=True)
        assert reserve is not None
        return reserve

    def replace_unreachable(
        self, *, tenant: str, survey_id: str, round_number: int, member_id: str, reason: str
    ) -> Member | None:
        """A system step (every channel failed): the next reserve stands in, or the member is tallied unreachable."""
        survey = self.get(tenant=tenant, survey_id=survey_id)
        return self._replace(tenant, survey, round_number, member_id, reason, SYSTEM, strict=False)

    def _replace(
        self, tenant: str, survey: Survey, round_number: int, member_id: str, reason: str, who: str, *, strict: bool
    ) -> Member | None:
        r = survey.round(round_number)
        for _ in range(3):  # a system step that lost a race to another one reloads and tries again: never a 409
            member = self._store.member(tenant=tenant, survey_id=survey.id, round_number=round_number, member_id=member_id)
            if member is None:
                raise NotFoundError("Không tìm thấy người trong mẫu.")
            day = day_of(self._clock.now())
            reserve = self._store.next_reserve(
                tenant=tenant, survey_id=survey.id, round_number=round_number, stratum=member.stratum
            )
            event = self._event(
                who, "survey.replaced", survey, member=member.id, reserve=reserve.id if reserve else "", reason=reason
            )
            try:
                if reserve is None:
                    if strict:
                        raise ConflictError("Tầng mẫu này không còn mẫu dự phòng.", code="no_reserve")
                    self._store.step(
                        tenant=tenant,
                        survey_id=survey.id,
                        changes=[MemberChange(member, member.unreachable(reason), day)],
                        event=event,
                    )
                    return None
                replaced, called = member.replace_with(reserve, reason)
                changes = [MemberChange(member, replaced, day), MemberChange(reserve, called, day)]
                self._store.step(tenant=tenant, survey_id=survey.id, changes=changes, event=event)
            except ConflictError:
                if strict:
                    raise
                continue
            if r.status == "open":
                self._invite(tenant, survey, r, [reserve], reminder=False)
            return reserve
        return None


def combined(progresses: Sequence[Any]) -> Any:
    """Several parts' sending progress as one."""
    first = progresses[0]
    statuses: dict[str, int] = {}
    for p in progresses:
        for name, n in p.statuses.items():
            statuses[name] = statuses.get(name, 0) + n
    return type(first)(sum(p.total for p in progresses), sum(p.sent for p in progresses), statuses)


def parts_tenants(parts: Sequence[Survey]) -> list[str]:
    """The tenants of some survey copies."""
    return [p.tenant for p in parts]


__all__ = ["CENTRAL_TENANT", "SurveyService"]
