"""The staff console: sign-in, the shell, administration of staff and units, the CCC's directory of offices."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.auth import clear_session_cookie, session_cookie
from chalicelib.shared.errors import MalformedError
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, roles_for_tenant
from chalicelib.tenancy.catalog import UNIT_KINDS

from .render import Page, redirect, render

if TYPE_CHECKING:
    from chalicelib.identity import domain
else:
    domain = lazy("chalicelib.identity.domain")

bp = Blueprint(__name__)
_STATIC = Path(__file__).resolve().parent / "static"
UNIT_KIND_LABELS = {
    "department": "Phòng nghiệp vụ",
    "care_desk": "Bộ phận CSKH",
    "specialist_board": "Đơn vị nghiệp vụ trung ương",
    "district_office": "BHXH cơ sở",
}


def _next(p: Page) -> str:
    target = p.value("next") or p.query.get("next", "/")
    safe = target.startswith("/") and not target.startswith("//") and not target.startswith("/logout")
    return target if safe else "/"


@bp.route("/static/{name}", methods=["GET"])
def static(name: str) -> Response:
    """The console's stylesheets, scripts and icon (no build step)."""
    types = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
    path = _STATIC / name
    if path.suffix not in types or path.parent != _STATIC or not path.is_file():
        return Response(body="", status_code=404)
    return Response(
        body=path.read_text(encoding="utf-8"), headers={"Content-Type": types[path.suffix], "Cache-Control": "max-age=300"}
    )


@page(bp, "/login", public=True)
def login_form(p: Page) -> Response:
    """The Vietnamese sign-in page."""
    return render(p, "login.html", next=_next(p))


@page(bp, "/login", method="POST", public=True, form_template="login.html")
def login_submit(p: Page) -> Response:
    """Check the credentials; on success set the session cookie and go on."""
    username, password = p.value("username"), p.form.get("password", [""])[0]
    if not username or not password:
        return render(p, "login.html", 400, next=_next(p), username=username, error="Vui lòng nhập tên đăng nhập và mật khẩu.")
    outcome = container().identity.login(tenant=p.tenant.code, login=username, password=password, client=p.client)
    if isinstance(outcome, domain.PasswordNeeded):
        return render(p, "new_password.html", username=username, session=outcome.session, next=_next(p))
    return redirect(
        _next(p),
        {"Set-Cookie": session_cookie(outcome.token, outcome.expires_in, secure_only=container().settings.secure_cookies)},
    )


@page(bp, "/login/new-password", method="POST", public=True, form_template="new_password.html")
def new_password_submit(p: Page) -> Response:
    """Replace the temporary password, then sign in."""
    username, session = p.value("username"), p.value("session")
    first, second = p.form.get("new_password", [""])[0], p.form.get("confirm_password", [""])[0]
    if first != second:
        return render(
            p, "new_password.html", 400, username=username, session=session, next=_next(p), error="Hai mật khẩu không khớp."
        )
    outcome = container().identity.choose_password(tenant=p.tenant.code, login=username, session=session, new_password=first)
    if isinstance(outcome, domain.PasswordNeeded):
        return render(p, "new_password.html", username=username, session=outcome.session, next=_next(p))
    return redirect(
        _next(p),
        {"Set-Cookie": session_cookie(outcome.token, outcome.expires_in, secure_only=container().settings.secure_cookies)},
    )


@page(bp, "/logout", method="POST")
def logout(p: Page) -> Response:
    """Sign out: every session of the user ends, not just this browser's cookie."""
    container().identity.logout(principal=p.user)
    return redirect("/login", {"Set-Cookie": clear_session_cookie()})


@page(bp, "/")
def home(p: Page) -> Response:
    """The console's start page."""
    c = container()
    profile = c.identity.profile(tenant=p.tenant.code, principal=p.user)
    units = {u.id: u.name for u in c.tenancy.list_units(tenant=p.tenant.code)}
    return render(p, "home.html", profile=profile, unit_name=units.get(profile.unit_id or "", ""))


def _coming(path: str, title: str, permission: Permission) -> None:
    @page(bp, path, permission=permission)
    def coming(p: Page) -> Response:
        return render(p, "coming.html", title=title)

    coming.__name__ = coming.__qualname__ = "coming_" + path.strip("/")


for _path, _title, _perm in (
    ("/conferences", "Đối thoại chính sách", Permission.CONFERENCES_MANAGE),
    ("/supervision", "Giám sát", Permission.SUPERVISION_MANAGE),
):
    _coming(_path, _title, _perm)


@page(bp, "/central", permission=Permission.CENTRAL_VIEW)
def central(p: Page) -> Response:
    """The CCC's directory of every office, with links to their consoles."""
    tenancy = container().tenancy
    port = p.query.get("port")
    return render(p, "central.html", tenants=tenancy.list_tenants(), host_of=tenancy.host_of, port=port)


def _users_page(p: Page, status: int = 200, **extra: object) -> Response:
    c = container()
    units = c.tenancy.list_units(tenant=p.tenant.code)
    return render(
        p,
        "admin_users.html",
        status,
        users=c.identity.list_users(tenant=p.tenant.code),
        units=units,
        unit_names={u.id: u.name for u in units},
        roles=roles_for_tenant(p.tenant.code),
        **extra,
    )


@page(bp, "/admin/users", permission=Permission.USERS_MANAGE)
def users(p: Page) -> Response:
    """Staff of the tenant, and the form to add one."""
    return _users_page(p)


@page(bp, "/admin/users", method="POST", permission=Permission.USERS_MANAGE)
def users_create(p: Page) -> Response:
    """Create an account and show its temporary password once."""
    account = container().identity.create_user(
        tenant=p.tenant.code,
        actor=p.user,
        login=p.value("username").lower(),
        full_name=p.value("full_name"),
        roles=p.values("roles"),
        unit_id=p.value("unit_id") or None,
        email=p.value("email") or None,
        agent_code=p.value("agent_code") or None,
    )
    return _users_page(p, 201, created=account)


def _version(p: Page) -> int:
    try:
        return int(p.value("version"))
    except ValueError:
        raise MalformedError("Thiếu phiên bản dữ liệu.", fields={"version": "missing"}) from None


@page(bp, "/admin/users/{login}", method="POST", permission=Permission.USERS_MANAGE)
def users_update(p: Page, login: str) -> Response:
    """Apply an administrator's action on one account: save, disable, enable, reset password."""
    identity, action = container().identity, p.value("action")
    if action == "reset_password":
        return _users_page(p, created=identity.reset_password(tenant=p.tenant.code, actor=p.user, login=login))
    if action in ("disable", "enable"):
        identity.set_enabled(tenant=p.tenant.code, actor=p.user, login=login, version=_version(p), enabled=action == "enable")
    else:
        identity.update_user(
            tenant=p.tenant.code,
            actor=p.user,
            login=login,
            version=_version(p),
            full_name=p.value("full_name") or None,
            roles=p.values("roles") or None,
            unit_id=p.value("unit_id") or None,
            agent_code=p.value("agent_code") or None,
        )
    return redirect("/admin/users")


@page(bp, "/admin/units", permission=Permission.UNITS_MANAGE)
def units(p: Page) -> Response:
    """Units of the tenant, and the form to add one."""
    listed = container().tenancy.list_units(tenant=p.tenant.code, include_inactive=True)
    return render(p, "admin_units.html", units=listed, kinds=UNIT_KINDS, kind_labels=UNIT_KIND_LABELS)


@page(bp, "/admin/units", method="POST", permission=Permission.UNITS_MANAGE)
def units_create(p: Page) -> Response:
    """Add a unit."""
    container().tenancy.create_unit(
        tenant=p.tenant.code, actor=p.user, code=p.value("code").lower(), name=p.value("name"), kind=p.value("kind")
    )
    return redirect("/admin/units")


@page(bp, "/admin/units/{unit_id}", method="POST", permission=Permission.UNITS_MANAGE)
def units_update(p: Page, unit_id: str) -> Response:
    """Rename, deactivate or reactivate a unit."""
    action = p.value("action")
    active = {"deactivate": False, "activate": True}.get(action)
    container().tenancy.update_unit(
        tenant=p.tenant.code, actor=p.user, unit_id=unit_id, version=_version(p), name=p.value("name") or None, active=active
    )
    return redirect("/admin/units")


@page(bp, "/admin/audit", permission=Permission.AUDIT_READ)
def audit(p: Page) -> Response:
    """This month's audit trail (or the month asked for)."""
    c = container()
    month = p.query.get("month") or c.clock.now().strftime("%Y-%m")
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise MalformedError("Tháng phải có dạng yyyy-mm.")
    return render(p, "admin_audit.html", month=month, events=c.audit.list_month(tenant=p.tenant.code, month=month, limit=200))
