"""What the request pages need beyond their handlers: forms into schemas, page contexts, running an action in place."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from chalice import Response
from pydantic import BaseModel, ValidationError

from chalicelib.customers.domain import PROFILE_FIELDS
from chalicelib.entrypoints import container
from chalicelib.shared.clock import VN_TZ, iso
from chalicelib.shared.errors import AppError, ConflictError, ForbiddenError, MalformedError, RuleViolationError
from chalicelib.shared.permissions import Permission, Role, permissions_of
from chalicelib.tenancy.catalog import KIND_PROVINCE, TENANT_BY_CODE, TENANTS
from chalicelib.web.render import Page, redirect, render

from . import messages as L
from .domain import Channel, Request, allowed_actions
from .page_text import event_detail, label, problem_text, time_left
from .schemas import RequestCreate
from .scripts import SCRIPTS

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
P = Permission
HANDLERS = {Role.AGENT.value, Role.FOCAL_OFFICER.value, Role.CCC_OFFICER.value}
SHOWN = (RuleViolationError, ConflictError, MalformedError, ForbiddenError)
PROVINCES = tuple(t for t in TENANTS if t.kind == KIND_PROVINCE)
# Which inbox tab a query shows: (tab, parameter, value or any).
_ACTIVE = (
    ("mine", "assignee", None),
    ("unit", "unit", None),
    ("approval", "status", "awaiting_approval"),
    ("soon", "due_before", None),
    ("overdue", "overdue", None),
)


# -- parsing ---------------------------------------------------------------------------------------------------------


def _problem(error: dict[str, Any]) -> str:
    kind = str(error["type"])
    if kind == "missing" or (kind in ("string_too_short", "too_short") and not error.get("input")):
        return "required"
    return {"string_too_short": "too_short", "string_too_long": "too_long", "literal_error": "unknown"}.get(kind, "format")


def _field(loc: tuple[Any, ...]) -> str:
    name = str(loc[-1]) if loc and loc[0] == "customer" else str(loc[0]) if loc else "form"
    return "customer_kind" if loc[:2] == ("customer", "kind") else name


def parse(schema: type[M], values: dict[str, Any]) -> M:
    """Validate form or query values with the API's schema; what does not fit is a 400 with Vietnamese field names."""
    try:
        return schema.model_validate(values)
    except ValidationError as exc:
        fields = {_field(tuple(e["loc"])): _problem(dict(e)) for e in exc.errors()}
        names = ", ".join(label(name) for name in fields)
        raise MalformedError(f"Thông tin chưa hợp lệ: {names}.", code="invalid_fields", fields=fields) from None


def local_datetime(text: str) -> datetime | str | None:
    """A `datetime-local` value (no zone: the form's fields are Vietnam time); empty is None; anything unreadable
    is left for the schema to refuse."""
    try:
        return datetime.fromisoformat(text).replace(tzinfo=VN_TZ) if text else None
    except ValueError:
        return text


def query_of(p: Page) -> dict[str, str]:
    """The query string without empty parameters (a GET form sends every field)."""
    return {k: v.strip() for k, v in p.query.items() if v.strip()}


def attempt(call: Callable[[], T]) -> tuple[T | None, AppError | None]:
    """Run a use case whose refusal (400, 409, 422) the page shows in place; other errors go to the error page."""
    try:
        return call(), None
    except SHOWN as error:
        return None, error


# -- intake ----------------------------------------------------------------------------------------------------------


def intake_form(p: Page) -> RequestCreate:
    """The intake form as the API's `RequestCreate`: a picked customer by id, or the identity fields typed."""
    customer: dict[str, Any] = {"id": p.value("customer_id")}
    if not customer["id"]:
        customer = {name: p.value(name) for name in PROFILE_FIELDS if p.value(name)} | {
            "kind": p.value("customer_kind") or "individual"
        }
    values = {name: p.value(name) for name in ("channel", "kind", "category", "subject", "question")}
    return parse(RequestCreate, values | {"received_at": local_datetime(p.value("received_at")), "customer": customer})


def intake_values(p: Page) -> dict[str, str]:
    """What was typed, to show the form again; a fresh form gets a new idempotency key."""
    if not p.form:
        return {
            "channel": "hotline",
            "kind": "information",
            "category": "policy",
            "customer_kind": "individual",
            "idempotency_key": uuid.uuid4().hex,
        }
    return {name: values[0] for name, values in p.form.items() if name != "csrf"}


def scripts(p: Page, customer_name: str = "") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Annex 1 scripts with the agent's code filled in: the everyday ones by short name, then the other situations."""
    code = container().identity.profile(tenant=p.tenant.code, principal=p.user).agent_code or "(chưa có mã GDV)"
    values = {"agent_code": code, "customer_name": customer_name or "…"}

    def fill(text: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "…"), text)

    primary = [(L.PRIMARY_SCRIPTS[s.key], fill(s.text)) for s in sorted(SCRIPTS, key=_order) if s.key in L.PRIMARY_SCRIPTS]
    others = [(s.title, fill(s.text)) for s in SCRIPTS if s.key not in L.PRIMARY_SCRIPTS]
    return primary, others


def _order(script: Any) -> int:
    keys = list(L.PRIMARY_SCRIPTS)
    return keys.index(script.key) if script.key in keys else len(keys)


# -- lists -----------------------------------------------------------------------------------------------------------


def common(p: Page) -> dict[str, Any]:
    """Labels and helpers every request page uses."""
    now = container().clock.now()
    granted = {str(x) for x in permissions_of(p.user.roles, p.tenant.code)}
    return {
        "labels": L,
        "can": granted,
        "now": now,
        "left": lambda r: time_left(r.due_at, now) if r.is_open else ("", ""),
        "tenant_name": lambda code: TENANT_BY_CODE[code].short_name if code in TENANT_BY_CODE else code,
        "label": label,
        "problem_text": problem_text,
        "office_link": host_link,
    }


def tabs(p: Page) -> tuple[str, list[tuple[str, str, str]]]:
    """The inbox tabs the user has (key, label, link) and which one the query shows."""
    now = container().clock.now()
    links = {
        "all": {},
        "mine": {"assignee": "me"},
        "unit": {"unit": p.user.unit_id or ""},
        "approval": {"status": "awaiting_approval"},
        "soon": {"due_before": iso(now + timedelta(days=2))},
        "overdue": {"overdue": "true"},
    }
    granted = permissions_of(p.user.roles, p.tenant.code)
    shown = [
        (k, text) for k, text in L.TABS if (k != "unit" or p.user.unit_id) and (k != "approval" or P.REQUESTS_APPROVE in granted)
    ]
    q = query_of(p)
    active = next((k for k, name, value in _ACTIVE if name in q and value in (None, q[name])), "all")
    return active, [(k, text, "/requests" + (f"?{urlencode(links[k])}" if links[k] else "")) for k, text in shown]


def receipt_range(query: dict[str, str]) -> str:
    """The active range of receipt days as the page writes it ("từ 01/06/2026 đến 30/06/2026"); "" without one."""
    days = []
    for name in ("received_from", "received_to"):
        try:
            days.append(date.fromisoformat(query[name]).strftime("%d/%m/%Y") if query.get(name) else "")
        except ValueError:
            return ""  # the refusal is shown instead
    first, last = days
    return " ".join(([f"từ {first}"] if first else []) + ([f"đến {last}"] if last else []))


def list_context(p: Page, path: str, items: list[Request], cursor: str | None) -> dict[str, Any]:
    """What a list page shows: the rows, the filters as typed (the range of receipt days written dd/mm/yyyy), the
    tabs, the link to the next page (which keeps every filter)."""
    active, links = tabs(p)
    next_url = f"{path}?{urlencode({**query_of(p), 'cursor': cursor})}" if cursor else None
    return {
        "items": items,
        "received": receipt_range(query_of(p)),
        "query": query_of(p),
        "active": active,
        "tabs": links,
        "next_url": next_url,
        "provinces": PROVINCES,
        **common(p),
    }


def host_link(tenant: str, request_id: str) -> str:
    """Where an office's request is opened: on that office's own console (the CCC's console cannot open it)."""
    return container().settings.public_url_template.format(tenant=tenant) + f"/requests/{request_id}"


# -- the request page ------------------------------------------------------------------------------------------------


def actor_names(p: Page) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Names of the tenant's staff by Cognito username, and who can be handed a request (login, name)."""
    users = [u for u in container().identity.list_users(tenant=p.tenant.code) if u.enabled]
    names = {f"{p.tenant.code}.{u.login}": f"{u.full_name} ({u.login})" for u in users} | {"system": "Hệ thống"}
    return names, [(u.login, f"{u.full_name} ({u.login})") for u in users if HANDLERS & set(u.roles)]


def show(p: Page, request_id: str, status: int = 200, *, error: AppError | None = None, failed: str = "") -> Response:
    """The request page; after a refused action, with the message on top and what was typed kept in that form."""
    c = container()
    request = c.requests.get(tenant=p.tenant.code, request_id=request_id)
    units = c.tenancy.list_units(tenant=p.tenant.code)
    unit_names = {u.id: u.name for u in units}
    names, handlers = actor_names(p)
    timeline = [(e, event_detail(e, unit_names)) for e in sorted(request.history, key=lambda e: e.at)]
    on_call = request.channel is Channel.HOTLINE and P.REQUESTS_HANDLE in permissions_of(p.user.roles, p.tenant.code)
    primary, others = scripts(p, request.customer_name) if on_call else ([], [])
    typed = {k: v[0] for k, v in p.form.items() if k != "csrf"} if error else {}
    return render(
        p,
        "requests_detail.html",
        status,
        request=request,
        timeline=timeline,
        units=units,
        unit_names=unit_names,
        names=names,
        handlers=handlers,
        actions=allowed_actions(request, p.user),
        survey=c.requests.survey(request),
        provinces=PROVINCES,
        scripts=primary,
        other_scripts=others,
        error=error,
        failed=failed,
        typed=typed,
        **common(p),
    )


def act(p: Page, request_id: str, action: str, schema: type[M], run: Callable[[M], Request], **fields: Any) -> Response:
    """Run one action of the request page, then back to the page — or the page with the refusal and what was typed."""
    done, error = attempt(lambda: run(parse(schema, {"version": p.value("version"), **fields})))
    if done is not None:
        return redirect(f"/requests/{request_id}")
    return show(p, request_id, error.status if error else 400, error=error, failed=action)
