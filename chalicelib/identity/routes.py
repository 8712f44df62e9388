"""Sign-in, the signed-in user, and the tenant administrator's staff management."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.identity.schemas import (
    LoginBody,
    LoginResponse,
    MeRead,
    NewAccountRead,
    NewPasswordBody,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
    VersionBody,
)
from chalicelib.shared.auth import clear_session_cookie, session_cookie
from chalicelib.shared.http import json_response
from chalicelib.shared.lazy import lazy
from chalicelib.shared.permissions import Permission, permissions_of
from chalicelib.shared.tenancy import RequestContext

if TYPE_CHECKING:
    from . import domain
    from .domain import PasswordNeeded, SignedIn, StaffUser
else:
    domain = lazy("chalicelib.identity.domain")

bp = Blueprint(__name__)
TAGS = ("identity",)


def user_read(user: StaffUser) -> UserRead:
    """The API view of a staff member."""
    return UserRead(
        username=user.login,
        full_name=user.full_name,
        roles=list(user.roles),
        unit_id=user.unit_id,
        email=user.email,
        agent_code=user.agent_code,
        enabled=user.enabled,
        version=user.version,
    )


def login_response(ctx: RequestContext, outcome: SignedIn | PasswordNeeded) -> Response:
    """The JSON answer of a sign-in step, with the session cookie when it succeeded."""
    if isinstance(outcome, domain.PasswordNeeded):
        return json_response(LoginResponse(challenge="new_password_required", session=outcome.session).model_dump(mode="json"))
    user = container().identity.profile(tenant=ctx.tenant, principal=outcome.principal)
    body = LoginResponse(access_token=outcome.token, expires_in=outcome.expires_in, user=user_read(user))
    return json_response(
        body.model_dump(mode="json"),
        headers={
            "Set-Cookie": session_cookie(outcome.token, outcome.expires_in, secure_only=container().settings.secure_cookies)
        },
    )


@route(bp, "/api/auth/login", method="POST", body=LoginBody, response=LoginResponse, public=True, tags=TAGS, errors=(401, 403))
def login(ctx: RequestContext, body: LoginBody) -> Response:
    """Sign in with the tenant's username and password (failures are throttled: 429 with Retry-After)."""
    outcome = container().identity.login(tenant=ctx.tenant, login=body.username, password=body.password, client=ctx.client)
    return login_response(ctx, outcome)


@route(
    bp,
    "/api/auth/new-password",
    method="POST",
    body=NewPasswordBody,
    response=LoginResponse,
    public=True,
    tags=TAGS,
    errors=(401, 403),
)
def new_password(ctx: RequestContext, body: NewPasswordBody) -> Response:
    """Replace a temporary password at first sign-in."""
    outcome = container().identity.choose_password(
        tenant=ctx.tenant, login=body.username, session=body.session, new_password=body.new_password
    )
    return login_response(ctx, outcome)


@route(bp, "/api/auth/logout", method="POST", status=204, tags=TAGS)
def logout(ctx: RequestContext) -> Response:
    """End the user's sessions (every token issued so far) and forget the cookie."""
    container().identity.logout(principal=ctx.user)
    return Response(body="", status_code=204, headers={"Set-Cookie": clear_session_cookie()})


@route(bp, "/api/me", permission=Permission.CONSOLE, response=MeRead, tags=TAGS)
def me(ctx: RequestContext) -> MeRead:
    """The signed-in user, their tenant, roles and permissions."""
    c = container()
    user = c.identity.profile(tenant=ctx.tenant, principal=ctx.user)
    spec = next(t for t in c.tenancy.list_tenants() if t.code == ctx.tenant)
    return MeRead(
        user=user_read(user),
        tenant={"code": spec.code, "name": spec.name, "short_name": spec.short_name},
        roles=sorted(ctx.user.roles),
        permissions=sorted(permissions_of(ctx.user.roles, ctx.tenant)),
    )


@route(bp, "/api/users", permission=Permission.USERS_MANAGE, response=UserPage, tags=TAGS)
def list_users(ctx: RequestContext) -> UserPage:
    """The tenant's staff."""
    return UserPage(items=[user_read(u) for u in container().identity.list_users(tenant=ctx.tenant)])


@route(
    bp,
    "/api/users",
    method="POST",
    permission=Permission.USERS_MANAGE,
    body=UserCreate,
    response=NewAccountRead,
    status=201,
    tags=TAGS,
)
def create_user(ctx: RequestContext, body: UserCreate) -> NewAccountRead:
    """Create a staff account; the temporary password is returned once."""
    account = container().identity.create_user(
        tenant=ctx.tenant, actor=ctx.user, login=body.username, **body.model_dump(exclude={"username"})
    )
    return NewAccountRead(user=user_read(account.user), temporary_password=account.temporary_password)


@route(bp, "/api/users/{username}", permission=Permission.USERS_MANAGE, response=UserRead, tags=TAGS)
def get_user(ctx: RequestContext, username: str) -> UserRead:
    """One staff member."""
    return user_read(container().identity.get_user(tenant=ctx.tenant, login=username))


@route(
    bp, "/api/users/{username}", method="PUT", permission=Permission.USERS_MANAGE, body=UserUpdate, response=UserRead, tags=TAGS
)
def update_user(ctx: RequestContext, body: UserUpdate, username: str) -> UserRead:
    """Change a staff member's name, roles, unit or agent code."""
    return user_read(container().identity.update_user(tenant=ctx.tenant, actor=ctx.user, login=username, **body.model_dump()))


@route(
    bp,
    "/api/users/{username}/disable",
    method="POST",
    permission=Permission.USERS_MANAGE,
    body=VersionBody,
    response=UserRead,
    tags=TAGS,
)
def disable_user(ctx: RequestContext, body: VersionBody, username: str) -> UserRead:
    """Stop an account from signing in."""
    return user_read(
        container().identity.set_enabled(tenant=ctx.tenant, actor=ctx.user, login=username, version=body.version, enabled=False)
    )


@route(
    bp,
    "/api/users/{username}/enable",
    method="POST",
    permission=Permission.USERS_MANAGE,
    body=VersionBody,
    response=UserRead,
    tags=TAGS,
)
def enable_user(ctx: RequestContext, body: VersionBody, username: str) -> UserRead:
    """Let a disabled account sign in again."""
    return user_read(
        container().identity.set_enabled(tenant=ctx.tenant, actor=ctx.user, login=username, version=body.version, enabled=True)
    )


@route(
    bp,
    "/api/users/{username}/reset-password",
    method="POST",
    permission=Permission.USERS_MANAGE,
    response=NewAccountRead,
    tags=TAGS,
)
def reset_password(ctx: RequestContext, username: str) -> NewAccountRead:
    """Give an account a new temporary password, returned once."""
    account = container().identity.reset_password(tenant=ctx.tenant, actor=ctx.user, login=username)
    return NewAccountRead(user=user_read(account.user), temporary_password=account.temporary_password)
