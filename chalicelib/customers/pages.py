"""Console pages of customers: look-up (works without JavaScript), the record with its timeline, the create form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from chalice import Blueprint, Response
from pydantic import ValidationError

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.errors import ConflictError, RuleViolationError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, allows
from chalicelib.web.render import Page, redirect, render

from .schemas import CustomerIdentity

if TYPE_CHECKING:
    from . import domain, erasure
else:
    domain = lazy("chalicelib.customers.domain")
    erasure = lazy("chalicelib.customers.erasure")

bp = Blueprint(__name__)
T = TypeVar("T")

KIND_LABELS = {"individual": "Cá nhân", "organization": "Tổ chức"}
FIELD_LABELS = {
    "kind": "Loại khách hàng",
    "full_name": "Họ và tên",
    "id_number": "Số CMND/CCCD/Hộ chiếu",
    "social_insurance_code": "Mã số BHXH",
    "health_card_code": "Mã thẻ BHYT",
    "org_name": "Tên tổ chức",
    "unit_code": "Mã số đơn vị",
    "phone": "Số điện thoại",
    "email": "Thư điện tử",
    "address": "Địa chỉ",
    "identifier": "Mã định danh",
    "name": "Họ tên",
}
FORMAT_HINTS = {
    "id_number": "CMND 9 chữ số, CCCD 12 chữ số, hoặc hộ chiếu 1–2 chữ cái và 6–8 chữ số.",
    "social_insurance_code": "Mã số BHXH gồm 10 chữ số.",
    "health_card_code": "Mã thẻ BHYT gồm 2 chữ cái và 13 chữ số.",
    "unit_code": "Mã số đơn vị gồm 3–15 chữ cái hoặc chữ số.",
    "phone": "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84).",
    "email": "Địa chỉ thư điện tử không hợp lệ.",
}
PROBLEMS = {
    "required": "Bắt buộc nhập.",
    "not_for_kind": "Không áp dụng cho loại khách hàng này.",
    "too_short": "Nhập ít nhất 3 ký tự (họ tên: 2 ký tự).",
    "unknown": "Giá trị không hợp lệ.",
}


def problem_text(name: str, problem: str) -> str:
    """The Vietnamese explanation of a field problem code."""
    if problem.startswith("duplicate:"):
        return "Đã có hồ sơ khách hàng mang thông tin này."
    if problem == "format":
        return FORMAT_HINTS.get(name, "Không đúng định dạng.")
    return PROBLEMS.get(problem, "Giá trị không hợp lệ.")


def _attempt(call: Callable[[], T]) -> tuple[T | None, RuleViolationError | ConflictError | None]:
    """Run a use case whose refusal the page shows next to the fields (the others go to the error page)."""
    try:
        return call(), None
    except (RuleViolationError, ConflictError) as error:
        return None, error


def _form_identity(p: Page) -> CustomerIdentity:
    values = {name: p.value(name) or None for name in domain.PROFILE_FIELDS}
    try:
        return CustomerIdentity(kind=p.value("kind"), **values)  # type: ignore[arg-type]
    except ValidationError as exc:
        fields = {str(e["loc"][0]): "unknown" if e["loc"][0] == "kind" else "format" for e in exc.errors()}
        raise RuleViolationError(fields=fields) from None


def _context() -> dict[str, Any]:
    return {"kind_labels": KIND_LABELS, "labels": FIELD_LABELS, "identifiers": domain.IDENTIFIERS, "problem_text": problem_text}


@page(bp, "/customers", permission=Permission.CUSTOMERS_READ)
def customers_search(p: Page) -> Response:
    """Look up customers by an identifier or a name; results show masked identifiers."""
    identifier, name = p.query.get("identifier", "").strip(), p.query.get("q", "").strip()
    results, error = None, None
    if identifier or name:
        service = container().customers
        results, error = _attempt(
            lambda: service.search(tenant=p.tenant.code, actor=p.user, identifier=identifier or None, name=name or None)
        )
    return render(p, "customers_search.html", identifier=identifier, q=name, results=results, error=error, **_context())


@page(bp, "/customers/new", permission=Permission.CUSTOMERS_WRITE)
def customers_new(p: Page) -> Response:
    """The form to record a new customer."""
    return render(p, "customers_new.html", values={"kind": p.query.get("kind", "individual")}, error=None, **_context())


@page(bp, "/customers/new", method="POST", permission=Permission.CUSTOMERS_WRITE)
def customers_create(p: Page) -> Response:
    """Record the customer and open the record; refusals are shown next to the fields."""
    service = container().customers
    created, error = _attempt(lambda: service.create(tenant=p.tenant.code, actor=p.user, data=_form_identity(p)))
    if created is not None:
        return redirect(f"/customers/{created.id}")
    values = {name: p.value(name) for name in ("kind", *domain.PROFILE_FIELDS)}
    status = error.status if error else 400
    return render(p, "customers_new.html", status, values=values, error=error, **_context())


def detail_page(p: Page, customer_id: str, status: int = 200, **extra: Any) -> Response:
    """The record page (the read is audited), with what the signed-in user may do about the customer's data."""
    customer = container().customers.get(tenant=p.tenant.code, actor=p.user, customer_id=customer_id)
    granted = {
        perm: allows(p.user.roles, p.tenant.code, perm) for perm in (Permission.CUSTOMERS_EXPORT, Permission.CUSTOMERS_ERASE)
    }
    return render(
        p,
        "customers_detail.html",
        status,
        customer=customer,
        fields=domain.PROFILE_FIELDS,
        can_export=granted[Permission.CUSTOMERS_EXPORT],
        can_erase=granted[Permission.CUSTOMERS_ERASE],
        erasure_reasons=erasure.ERASURE_REASONS,
        reason_labels=erasure.REASON_LABELS,
        erased=p.query.get("erased") == "1",
        **_context(),
        **extra,
    )


@page(bp, "/customers/{customer_id}", permission=Permission.CUSTOMERS_READ)
def customers_detail(p: Page, customer_id: str) -> Response:
    """The customer's record with every field and the timeline (the read is audited)."""
    return detail_page(p, customer_id)
