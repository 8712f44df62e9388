"""Surveys, rounds and members as plain data (the store's JSON bodies) and back — one place for the field lists."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.approvals.domain import from_body as approval_from_body
from chalicelib.approvals.domain import to_body as approval_to_body
from chalicelib.shared.clock import iso, parse_iso

from .domain import Design, Plan, Round, Settings, Survey
from .members import Contact, Member
from .report import report_body, report_from


def _instant(value: str | None) -> Any:
    return parse_iso(value) if value else None


def _when(value: Any) -> str | None:
    return iso(value) if value else None


def plan_body(plan: Plan) -> dict[str, Any]:
    """The plan's fields."""
    return {
        "title": plan.title,
        "kind": plan.kind,
        "purpose": plan.purpose,
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "methods": list(plan.methods),
        "lead_unit": plan.lead_unit,
        "content_areas": list(plan.content_areas),
        "criteria": list(plan.criteria),
        "target_groups": list(plan.target_groups),
        "places": list(plan.places),
        "partner_units": list(plan.partner_units),
        "outsourcing": plan.outsourcing,
        "budget": plan.budget,
        "questionnaire_id": plan.questionnaire_id,
        "provinces": list(plan.provinces),
    }


def plan_from(body: dict[str, Any]) -> Plan:
    """A plan from its fields."""
    return Plan(
        title=body["title"],
        kind=body["kind"],
        purpose=body["purpose"],
        period_start=date.fromisoformat(body["period_start"]),
        period_end=date.fromisoformat(body["period_end"]),
        methods=tuple(body["methods"]),
        lead_unit=body["lead_unit"],
        content_areas=tuple(body.get("content_areas", ())),
        criteria=tuple(body.get("criteria", ())),
        target_groups=tuple(body.get("target_groups", ())),
        places=tuple(body.get("places", ())),
        partner_units=tuple(body.get("partner_units", ())),
        outsourcing=body.get("outsourcing", ""),
        budget=int(body.get("budget", 0)),
        questionnaire_id=body.get("questionnaire_id", "standard-answer"),
        provinces=tuple(body.get("provinces", ())),
    )


def _round_body(r: Round) -> dict[str, Any]:
    d = r.design
    return {
        "number": r.number,
        "kind": r.kind,
        "design": {
            "frame_id": d.frame_id,
            "seed": d.seed,
            "strata": list(d.strata),
            "planned": d.planned,
            "reserves": d.reserves,
            "excluded_recent": d.excluded_recent,
            "method": d.method,
            "population": d.population,
        },
        "drawn_at": iso(r.drawn_at),
        "drawn_by": r.drawn_by,
        "status": r.status,
        "questionnaire_version": r.questionnaire_version,
        "opened_at": _when(r.opened_at),
        "closes_at": _when(r.closes_at),
        "reminders": list(r.reminders),
        "closed_at": _when(r.closed_at),
        "lessons": r.lessons,
    }


def _round_from(body: dict[str, Any]) -> Round:
    d = body["design"]
    design = Design(
        d["frame_id"],
        d["seed"],
        tuple(d["strata"]),
        {k: int(v) for k, v in d["planned"].items()},
        {k: int(v) for k, v in d["reserves"].items()},
        int(d["excluded_recent"]),
        d.get("method", ""),
        {k: int(v) for k, v in d.get("population", {}).items()},
    )
    return Round(
        number=int(body["number"]),
        kind=body["kind"],
        design=design,
        drawn_at=parse_iso(body["drawn_at"]),
        drawn_by=body["drawn_by"],
        status=body["status"],
        questionnaire_version=body.get("questionnaire_version"),
        opened_at=_instant(body.get("opened_at")),
        closes_at=_instant(body.get("closes_at")),
        reminders=tuple(body.get("reminders", ())),
        closed_at=_instant(body.get("closed_at")),
        lessons=body.get("lessons", ""),
    )


def survey_body(s: Survey) -> dict[str, Any]:
    """Everything but the keys and the version."""
    return {
        "owner": s.owner,
        "plan": plan_body(s.plan),
        "settings": {
            "anonymous": s.settings.anonymous,
            "contact_days": s.settings.contact_days,
            "link_days": s.settings.link_days,
            "send_rate": s.settings.send_rate,
        },
        "approval": approval_to_body(s.approval),
        "created_by": s.created_by,
        "created_at": iso(s.created_at),
        "updated_at": iso(s.updated_at),
        "rounds": [_round_body(r) for r in s.rounds],
        "weights": s.weights,
        "report": report_body(s.report) if s.report else None,
        "archived_at": _when(s.archived_at),
    }


def survey_from(survey_id: str, tenant: str, version: int, body: dict[str, Any]) -> Survey:
    """A survey from its body."""
    settings = body.get("settings", {})
    return Survey(
        id=survey_id,
        tenant=tenant,
        owner=body["owner"],
        plan=plan_from(body["plan"]),
        settings=Settings(**settings),
        approval=approval_from_body(body["approval"]),
        created_by=body["created_by"],
        created_at=parse_iso(body["created_at"]),
        updated_at=parse_iso(body["updated_at"]),
        rounds=[_round_from(r) for r in body.get("rounds", ())],
        weights={k: float(v) for k, v in body.get("weights", {}).items()},
        report=report_from(body.get("report")),
        archived_at=_instant(body.get("archived_at")),
        version=version,
    )


def member_body(m: Member) -> dict[str, Any]:
    """A member's fields but its keys and version."""
    return {
        "rank": m.rank,
        "contact": {"name": m.contact.name, "email": m.contact.email, "phone": m.contact.phone},
        "person_key": m.person_key,
        "attributes": m.attributes,
        "reached": m.reached,
        "replaces": m.replaces,
        "replaced_by": m.replaced_by,
        "reason": m.reason,
        "interviewer": m.interviewer,
        "invited_at": _when(m.invited_at),
        "answered_at": _when(m.answered_at),
        "reminders": m.reminders,
    }


def member_from(member_id: str, round_number: int, stratum: str, role: str, version: int, body: dict[str, Any]) -> Member:
    """A member from its item."""
    return Member(
        id=member_id,
        round=round_number,
        stratum=stratum,
        role=role,  # type: ignore[arg-type]
        rank=int(body["rank"]),
        contact=Contact(**body.get("contact", {})),
        person_key=body.get("person_key", ""),
        attributes=dict(body.get("attributes", {})),
        reached=list(body.get("reached", [])),
        replaces=body.get("replaces"),
        replaced_by=body.get("replaced_by"),
        reason=body.get("reason", ""),
        interviewer=body.get("interviewer"),
        invited_at=_instant(body.get("invited_at")),
        answered_at=_instant(body.get("answered_at")),
        reminders=int(body.get("reminders", 0)),
        version=version,
    )
