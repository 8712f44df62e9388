"""Server-rendered pages: templates, the page decorator (sign-in by cookie, CSRF on forms), HTML errors."""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.identity.permissions import ROLE_LABELS, Permission, Role, permissions_of
from chalicelib.shared.auth import authenticate, authorize, clear_session_cookie, csrf_token, resolve_tenant, session_token
from chalicelib.shared.clock import format_date, format_datetime
from chalicelib.shared.edge import EDGE, ready
from chalicelib.shared.errors import AppError, ForbiddenError, MalformedError, PayloadTooLargeError, UnauthorizedError
from chalicelib.shared.http import begin_request, finish_request, handle_errors
from chalicelib.shared.observability import logger
from chalicelib.shared.tenancy import Principal
from chalicelib.tenancy.catalog import TENANT_BY_CODE, TENANTS, TenantSpec

HTML_TYPE = "text/html; charset=utf-8"
_TEMPLATES = Path(__file__).resolve().parent / "templates"

if TYPE_CHECKING:
    from jinja2 import Environment


@lru_cache(maxsize=1)
def templates() -> Environment:
    """The template environment, made by the first page rendered: the API never imports Jinja2 (~11 ms)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
    )
    env.filters["date"] = format_date
    env.filters["datetime"] = format_datetime
    env.globals["role_label"] = lambda r: ROLE_LABELS.get(Role(r), r) if r in Role.__members__.values() else r
    return env


@dataclass(frozen=True)
class NavItem:
    """A link of the console's navigation, shown to those who hold its permission."""

    path: str
    label: str
    permission: Permission


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("/", "Tổng quan", Permission.CONSOLE),
    NavItem("/requests", "Yêu cầu", Permission.REQUESTS_READ),
    NavItem("/customers", "Khách hàng", Permission.CUSTOMERS_READ),
    NavItem("/knowledge", "Ngân hàng hỏi đáp", Permission.KNOWLEDGE_READ),
    NavItem("/surveys", "Khảo sát", Permission.SURVEYS_MANAGE),
    NavItem("/conferences", "Đối thoại chính sách", Permission.CONFERENCES_MANAGE),
    NavItem("/supervision", "Giám sát", Permission.SUPERVISION_MANAGE),
    NavItem("/reports", "Báo cáo", Permission.REPORTS_READ),
    NavItem("/central", "Toàn quốc", Permission.CENTRAL_VIEW),
    NavItem("/central/requests", "Yêu cầu toàn quốc", Permission.CENTRAL_VIEW),
    NavItem("/admin/users", "Người dùng", Permission.USERS_MANAGE),
    NavItem("/admin/units", "Đơn vị", Permission.UNITS_MANAGE),
    NavItem("/admin/audit", "Nhật ký", Permission.AUDIT_READ),
    NavItem("/admin/notifications", "Thông báo gửi lỗi", Permission.USERS_MANAGE),
    NavItem("/admin/calendar", "Lịch làm việc", Permission.CENTRAL_CALENDAR),
    NavItem("/admin/sla", "Thời hạn xử lý", Permission.SLA_MANAGE),
)


@dataclass(frozen=True)
class Page:
    """What a page handler knows: tenant, user, the anti-forgery token, the submitted form."""

    tenant: TenantSpec
    principal: Principal | None
    csrf: str = ""
    path: str = "/"
    form: dict[str, list[str]] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)

    @property
    def user(self) -> Principal:
        """The signed-in user (pages that are not public always have one)."""
        assert self.principal is not None
        return self.principal

    def value(self, name: str, default: str = "") -> str:
        """One form field, stripped."""
        values = self.form.get(name)
        return values[0].strip() if values else default

    def values(self, name: str) -> list[str]:
        """Every value of a repeated form field (checkboxes)."""
        return [v.strip() for v in self.form.get(name, []) if v.strip()]


def html(template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> Response:
    """Render a template as an HTML response."""
    body = templates().get_template(template).render(**context)
    return Response(body=body, status_code=status, headers={"Content-Type": HTML_TYPE, **(headers or {})})


def render(page: Page, template: str, status: int = 200, **context: Any) -> Response:
    """Render a console page inside the shell (header, navigation, user)."""
    nav: list[NavItem] = []
    if page.principal is not None:
        granted = permissions_of(page.principal.roles, page.tenant.code)
        nav = [item for item in NAVIGATION if item.permission in granted]
    return html(template, status, page=page, tenant=page.tenant, user=page.principal, nav=nav, csrf=page.csrf, **context)


def redirect(location: str, headers: dict[str, str] | None = None) -> Response:
    """A 303 See Other, so that a reload never re-posts a form."""
    return Response(body="", status_code=303, headers={"Location": location, **(headers or {})})


def _error_page(tenant: TenantSpec | None, principal: Principal | None) -> Callable[[AppError], Response]:
    def render_error(error: AppError) -> Response:
        if tenant is None:
            return html("unknown_host.html", error.status)
        page = Page(tenant=tenant, principal=principal)
        return render(page, "error.html", error.status, error=error)

    return render_error


def _safe_next(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/"


def page(
    bp: Blueprint, path: str, *, method: str = "GET", permission: Permission | None = Permission.CONSOLE, public: bool = False,
    form_template: str | None = None,
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Register a console page: `fn(page, **path_params)`; unsigned visitors are sent to the sign-in page.

    With `form_template`, a rule broken by the submitted form (4xx) shows that form again with the message and
    what was typed, instead of an error page.
    """

    def decorator(fn: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(fn)
        def view(**params: str) -> Response:
            request: Request = bp.current_request  # type: ignore[assignment]
            started = time.perf_counter()
            begin_request(request)
            state: dict[str, Any] = {"tenant": None, "principal": None, "page": None}

            def call() -> Response:
                edge = ready()
                host = request.headers.get("host", "")
                if request.path == "/" and edge.tenants is not None and edge.tenants.is_apex(host):
                    return html("directory.html", tenants=TENANTS, host=host)
                tenant = TENANT_BY_CODE[resolve_tenant(request)]
                state["tenant"] = tenant
                logger.append_keys(tenant=tenant.code)
                form = _read_form(request) if method == "POST" else {}
                query = dict(request.query_params or {})
                if public:
                    state["page"] = Page(tenant=tenant, principal=None, path=request.path, form=form, query=query)
                    return fn(state["page"], **params)
                try:
                    principal = authenticate(request, tenant.code, csrf_in_header=False) if session_token(request) else None
                except UnauthorizedError:
                    principal = None
                except ForbiddenError:  # a session of another tenant: sign in here
                    principal = None
                if principal is None:
                    target = "/login?next=" + quote(_safe_next(request.path))
                    return redirect(target, {"Set-Cookie": clear_session_cookie()})
                state["principal"] = principal
                token = session_token(request) or ""
                csrf = csrf_token(token)
                if method == "POST" and not hmac.compare_digest((form.get("csrf") or [""])[0], csrf):
                    raise ForbiddenError("Phiên làm việc không hợp lệ, vui lòng tải lại trang.", code="csrf_failed")
                if permission is not None:
                    authorize(principal, tenant.code, permission)
                state["page"] = Page(tenant=tenant, principal=principal, csrf=csrf, path=request.path, form=form, query=query)
                return fn(state["page"], **params)

            def render_error(error: AppError) -> Response:
                current: Page | None = state["page"]
                if form_template and current is not None and 400 <= error.status < 500:
                    reserved = {"page", "tenant", "user", "nav", "csrf", "status", "template", "error", "fields"}
                    typed = {k: v[0] for k, v in current.form.items() if "password" not in k and k not in reserved}
                    return render(current, form_template, error.status, error=error.message, fields=error.fields, **typed)
                return _error_page(state["tenant"], state["principal"])(error)

            response = handle_errors(render_error, call)
            return finish_request(request, response, started, path)

        if method == "POST":
            bp.route(path, methods=["POST"], content_types=["application/x-www-form-urlencoded", "multipart/form-data"])(view)
        else:
            bp.route(path, methods=[method])(view)
        return fn

    return decorator


def _read_form(request: Request) -> dict[str, list[str]]:
    raw = request.raw_body or b""
    if len(raw) > EDGE.max_body_bytes:
        raise PayloadTooLargeError()
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return parse_qs(text, keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise MalformedError("Biểu mẫu không hợp lệ.") from None
