"""The respondent's page `/s/{token}`: public, no account, server-rendered, a few questions a screen (API.md "Public
survey pages"). GET shows the screen the respondent left off at; POST reads a screen and shows the next one, its
errors, or the thank-you page. Unknown, expired, used and closed links get a clear Vietnamese page with the
office's hotline — with the status a client can act on (404, 410, 429), never a trace."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint, Response

from chalicelib.entrypoints import container
from chalicelib.entrypoints.console import page
from chalicelib.shared.lazy import lazy
from chalicelib.web.render import HTML_TYPE, Page

if TYPE_CHECKING:
    from . import form, respond
    from .respond import Done, Problem, Sitting
else:
    form = lazy("chalicelib.surveys.form")
    respond = lazy("chalicelib.surveys.respond")

bp = Blueprint(__name__)
STATUS = {"unknown": 404, "expired": 410, "not_yet_valid": 403, "closed": 410, "limited": 429, "used": 200, "declined": 200}
HEADERS: dict[str, str | list[str]] = {
    "Content-Type": HTML_TYPE,
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}  # the token is in the URL


def _shown(p: Page, token: str, outcome: Sitting | Problem | Done) -> Response:
    name, hotline = container().respondents.office(p.tenant.code)
    if isinstance(outcome, respond.Problem):
        body = form.render_problem(outcome.kind, office_name=name, hotline=hotline)
        extra: dict[str, str | list[str]] = {"Retry-After": "600"} if outcome.kind == "limited" else {}
        return Response(body=body, status_code=STATUS[outcome.kind], headers={**HEADERS, **extra})
    if isinstance(outcome, respond.Done):
        body = form.render_done(office_name=name, hotline=hotline, purpose="", again=outcome.again)
        return Response(body=body, status_code=200, headers=HEADERS)
    body = form.render_screen(
        outcome.version,
        outcome.screen,
        outcome.answers,
        outcome.errors,
        action_url=f"/s/{token}",
        office_name=name,
        hotline=hotline,
        purpose=outcome.purpose_text,
        back_url=f"/s/{token}?screen={outcome.screen - 1}",
        can_decline=outcome.member is not None,
    )
    return Response(body=body, status_code=200, headers=HEADERS)


@page(bp, "/s/{token}", public=True)
def respondent_form(p: Page, token: str) -> Response:
    """The screen the respondent left off at (the first on a first visit)."""
    wanted = p.query.get("screen", "")
    screen = int(wanted) if wanted.isdigit() and len(wanted) < 4 else None
    return _shown(p, token, container().respondents.open(tenant=p.tenant.code, token=token, client=p.client, screen=screen))


@page(bp, "/s/{token}", method="POST", public=True)
def respondent_answer(p: Page, token: str) -> Response:
    """A screen's answers: the next screen, this one with its errors, or the thank-you page."""
    screen = p.value("screen")
    outcome = container().respondents.answer(
        tenant=p.tenant.code,
        token=token,
        client=p.client,
        screen=int(screen) if screen.isdigit() and len(screen) < 4 else 0,
        form=p.form,
        back=False,
        decline=p.value("action") == "decline",
    )
    return _shown(p, token, outcome)
