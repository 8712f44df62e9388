"""What the API and the pages show of a survey, its rounds and members (one place for both)."""

from __future__ import annotations

from typing import Any

from chalicelib.approvals.schemas import approval_read
from chalicelib.links.deliveries import STATUS_LABELS
from chalicelib.shared.clock import iso
from chalicelib.shared.permissions import Permission, permissions_of
from chalicelib.shared.tenancy import Principal

from .domain import Round, Survey, allowed_actions
from .members import Member
from .schemas import DesignRead, InvitationRead, MemberRead, RoundRead, SurveyRead, SurveySummary


def standing(actor: Principal) -> tuple[bool, bool]:
    """Whether the person manages surveys and approves plans."""
    granted = permissions_of(actor.roles, actor.tenant)
    return Permission.SURVEYS_MANAGE in granted, Permission.PLANS_APPROVE in granted


def actions(survey: Survey, actor: Principal) -> list[str]:
    """What the person may do now."""
    manage, approve = standing(actor)
    return allowed_actions(survey, actor, can_manage=manage, can_approve=approve)


def round_read(r: Round) -> RoundRead:
    """A round as read."""
    d = r.design
    return RoundRead(
        number=r.number,
        kind=r.kind,
        status=r.status,
        design=DesignRead(
            frame_id=d.frame_id,
            seed=d.seed,
            strata=list(d.strata),
            planned=d.planned,
            reserves=d.reserves,
            excluded_recent=d.excluded_recent,
            method=d.method,
        ),
        planned=r.planned,
        drawn_at=r.drawn_at,
        questionnaire_version=r.questionnaire_version,
        opened_at=r.opened_at,
        closes_at=r.closes_at,
        reminders=list(r.reminders),
        closed_at=r.closed_at,
        lessons=r.lessons,
    )


def detail(survey: Survey, actor: Principal) -> SurveyRead:
    """A survey with the person's actions."""
    p, s = survey.plan, survey.settings
    approval_actions = [a for a in actions(survey, actor) if a in ("submit", "withdraw", "approve", "return")]
    return SurveyRead(
        id=survey.id,
        tenant=survey.tenant,
        owner=survey.owner,
        national=survey.national,
        part=survey.is_part,
        stage=survey.stage,
        title=p.title,
        kind=p.kind,
        purpose=p.purpose,
        period_start=p.period_start,
        period_end=p.period_end,
        methods=list(p.methods),
        lead_unit=p.lead_unit,
        content_areas=list(p.content_areas),
        criteria=list(p.criteria),
        target_groups=list(p.target_groups),
        places=list(p.places),
        partner_units=list(p.partner_units),
        outsourcing=p.outsourcing,
        budget=p.budget,
        questionnaire_id=p.questionnaire_id,
        provinces=list(p.provinces),
        anonymous=s.anonymous,
        contact_days=s.contact_days,
        link_days=s.link_days,
        send_rate=s.send_rate,
        approval=approval_read(survey.approval, approval_actions),
        rounds=[round_read(r) for r in survey.rounds],
        actions=actions(survey, actor),
        created_by=survey.created_by,
        created_at=survey.created_at,
        updated_at=survey.updated_at,
        version=survey.version,
        weights=dict(survey.weights),
        archived_at=survey.archived_at,
    )


def summary(survey: Survey) -> SurveySummary:
    """A survey in a list."""
    return SurveySummary(
        id=survey.id,
        title=survey.plan.title,
        owner=survey.owner,
        part=survey.is_part,
        stage=survey.stage,
        approval=survey.approval.status,
        period_start=survey.plan.period_start,
        period_end=survey.plan.period_end,
        updated_at=survey.updated_at,
    )


def member_read(m: Member) -> MemberRead:
    """A member as its owner reads it (personal data)."""
    return MemberRead(
        id=m.id,
        round=m.round,
        stratum=m.stratum,
        role=m.role,
        rank=m.rank,
        status=m.status,
        reached=list(m.reached),
        name=m.contact.name,
        email=m.contact.email,
        phone=m.contact.phone,
        attributes=m.attributes,
        replaces=m.replaces,
        replaced_by=m.replaced_by,
        reason=m.reason,
        invited_at=m.invited_at,
        answered_at=m.answered_at,
        reminders=m.reminders,
    )


def invitation_read(d: Any) -> InvitationRead:
    """A delivery as the survey's owner reads it."""
    return InvitationRead(
        id=d.id,
        member_id=d.subject.get("member_id", ""),
        channel=d.channel,
        destination=d.destination,
        status=d.status,
        status_label=STATUS_LABELS.get(d.status, d.status),
        history=[{"at": iso(h.at), "status": h.status, "detail": h.detail} for h in d.history],
    )
