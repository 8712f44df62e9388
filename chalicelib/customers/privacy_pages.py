"""Console pages of personal data: the office's retention periods (and the CCC's national bounds), the retention job
run now, a customer's printable copy of their data, and erasure on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.clock import stop_after
from chalicelib.shared.errors import ConflictError, MalformedError, RuleViolationError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, allows
from chalicelib.web.render import Page, redirect, render

from .pages import FIELD_LABELS, KIND_LABELS, detail_page
from .retention import CEILING_MONTHS, FLOOR_MONTHS, KINDS

if TYPE_CHECKING:
    from . import domain, erasure
else:
    domain = lazy("chalicelib.customers.domain")
    erasure = lazy("chalicelib.customers.erasure")

bp = Blueprint(__name__)
RUN_SECONDS = 20  # a run asked for from the page stops in time for API Gateway's limit; the next run goes on


def _number(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise MalformedError("Giá trị phải là số nguyên.", fields={field: "not_an_integer"}) from None


def _retention_page(p: Page, status: int = 200, error: str | None = None, **extra: Any) -> Response:
    privacy = container().privacy
    policy = privacy.policy(tenant=p.tenant.code)
    national = policy.national
    central = allows(p.user.roles, p.tenant.code, Permission.CENTRAL_RETENTION)
    return render(
        p,
        "admin_retention.html",
        status,
        policy=policy,
        kinds=KINDS,
        national=national,
        run=privacy.last_run(tenant=p.tenant.code),
        central=central,
        floor=FLOOR_MONTHS,
        ceiling=CEILING_MONTHS,
        error=error,
        saved=p.query.get("saved"),
        **extra,
    )


@page(bp, "/admin/retention", permission=Permission.RETENTION_MANAGE)
def retention_page(p: Page) -> Response:
    """How long the office keeps each kind of personal data, the national bounds, the job's last run."""
    return _retention_page(p)


@page(bp, "/admin/retention", method="POST", permission=Permission.RETENTION_MANAGE)
def retention_save(p: Page) -> Response:
    """Save the office's months (an empty field means the default); a refusal is shown on the page, nothing saved."""
    months = {k.key: _number(p.value(f"months.{k.key}"), f"months.{k.key}") for k in KINDS if p.value(f"months.{k.key}")}
    version = _number(p.value("version"), "version")
    try:
        container().privacy.set_policy(tenant=p.tenant.code, actor=p.user, months=months, version=version)
    except (RuleViolationError, ConflictError) as error:
        return _retention_page(p, error.status, error.message)
    return redirect("/admin/retention?saved=policy")


@page(bp, "/admin/retention/bounds", method="POST", permission=Permission.CENTRAL_RETENTION)
def retention_bounds_save(p: Page) -> Response:
    """The CCC saves the national bounds."""
    bounds = {
        k.key: (_number(p.value(f"min.{k.key}"), f"bounds.{k.key}"), _number(p.value(f"max.{k.key}"), f"bounds.{k.key}"))
        for k in KINDS
    }
    try:
        container().privacy.set_national(actor=p.user, bounds=bounds, version=_number(p.value("version"), "version"))
    except (RuleViolationError, ConflictError) as error:
        return _retention_page(p, error.status, error.message)
    return redirect("/admin/retention?saved=bounds")


@page(bp, "/admin/retention/run", method="POST", permission=Permission.RETENTION_MANAGE)
def retention_run_now(p: Page) -> Response:
    """Run the retention job for the office now; the page then shows what it did."""
    container().privacy.run(tenant=p.tenant.code, should_stop=stop_after(RUN_SECONDS))
    return redirect("/admin/retention?saved=run")


@page(bp, "/customers/{customer_id}/export", permission=Permission.CUSTOMERS_EXPORT)
def customer_export(p: Page, customer_id: str) -> Response:
    """The customer's copy of their data, to print and hand over (audited as a read of personal data)."""
    export = container().privacy.export(tenant=p.tenant.code, actor=p.user, customer_id=customer_id)
    return render(
        p,
        "customers_export.html",
        export=export,
        customer=export.customer,
        fields=domain.PROFILE_FIELDS,
        labels=FIELD_LABELS,
        kind_labels=KIND_LABELS,
        reason_labels=erasure.REASON_LABELS,
    )


@page(bp, "/customers/{customer_id}/erase", method="POST", permission=Permission.CUSTOMERS_ERASE)
def customer_erase(p: Page, customer_id: str) -> Response:
    """Erase on the customer's request, after the leader confirmed; a refusal shows on the record, nothing erased."""
    if p.value("confirm") != "yes":
        raise RuleViolationError("Đánh dấu xác nhận trước khi xoá dữ liệu.", fields={"confirm": "required"})
    if p.value("reason") not in erasure.ERASURE_REASONS:
        raise RuleViolationError("Chọn căn cứ xoá dữ liệu.", fields={"reason": "unknown"})
    try:
        container().privacy.erase(
            tenant=p.tenant.code,
            actor=p.user,
            customer_id=customer_id,
            version=_number(p.value("version"), "version"),
            reason=p.value("reason"),
            reference=p.value("reference") or None,
        )
    except (RuleViolationError, ConflictError) as error:
        return detail_page(p, customer_id, error.status, erase_error=error.message)
    return redirect(f"/customers/{customer_id}?erased=1")
