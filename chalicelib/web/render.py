"""Server-rendered pages: templates, the console shell and its navigation (the `page` decorator is in entrypoints/console.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalice import Response

from chalicelib.shared.clock import format_date, format_datetime
from chalicelib.shared.permissions import ROLE_LABELS, Permission, Role, permissions_of
from chalicelib.shared.tenancy import Principal
from chalicelib.tenancy.catalog import TenantSpec

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
    NavItem("/surveys", "Khảo sát", Permission.SURVEYS_READ),
    NavItem("/conferences", "Đối thoại chính sách", Permission.CONFERENCES_MANAGE),
    NavItem("/supervision", "Giám sát", Permission.SUPERVISION_MANAGE),
    NavItem("/reports/dashboard", "Báo cáo", Permission.REPORTS_READ),
    NavItem("/reports/policy", "Báo cáo chính sách", Permission.REPORTS_READ),
    NavItem("/approvals", "Chờ phê duyệt", Permission.PLANS_APPROVE),
    NavItem("/jobs", "Tác vụ nền", Permission.CONSOLE),
    NavItem("/reports/national", "Toàn quốc", Permission.CENTRAL_VIEW),
    NavItem("/central/requests", "Yêu cầu toàn quốc", Permission.CENTRAL_VIEW),
    NavItem("/admin/users", "Người dùng", Permission.USERS_MANAGE),
    NavItem("/admin/units", "Đơn vị", Permission.UNITS_MANAGE),
    NavItem("/admin/audit", "Nhật ký", Permission.AUDIT_READ),
    NavItem("/admin/notifications", "Thông báo gửi lỗi", Permission.USERS_MANAGE),
    NavItem("/admin/calendar", "Lịch làm việc", Permission.CENTRAL_CALENDAR),
    NavItem("/admin/sla", "Thời hạn xử lý", Permission.SLA_MANAGE),
    NavItem("/admin/retention", "Lưu trữ dữ liệu", Permission.RETENTION_MANAGE),
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
    client: str = ""  # the caller's address (sign-in throttling)

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
