"""Single-use public links (pure): the token, its hash, and what a link says when someone follows it.

The token is the only secret: ≥ 128 random bits (here 192), sent to the respondent and never stored. The store keeps
its SHA-256, which is also the link's id — knowing the id gives no way back to the token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

TOKEN_BYTES = 24  # 192 random bits: secrets.token_urlsafe(24) is 32 characters
TOKEN_MAX_LENGTH = 256  # a longer "token" is hashed from its first characters: same work, never found


class ResolveOutcome(StrEnum):
    """What a followed link finds (API.md "Link statuses")."""

    OK = "ok"
    UNKNOWN = "unknown"  # no such token (or a forged or malformed one)
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    USED = "used"


@dataclass(frozen=True)
class IssuedLink:
    """A new link: the token (to send, once) and the link's id (to keep)."""

    token: str
    link_id: str


@dataclass(frozen=True)
class Link:
    """A stored link: whose it is (purpose and subject), its validity window, and when it was opened and used."""

    tenant: str
    link_id: str
    purpose: str
    subject: dict[str, str]
    valid_from: datetime
    valid_until: datetime
    issued_at: datetime
    opened_at: datetime | None = None
    used_at: datetime | None = None
    version: int = field(default=0, compare=False)

    def outcome(self, now: datetime) -> ResolveOutcome:
        """Used first (a used link says so, whenever it is followed), then the window."""
        if self.used_at is not None:
            return ResolveOutcome.USED
        if now < self.valid_from:
            return ResolveOutcome.NOT_YET_VALID
        if now >= self.valid_until:
            return ResolveOutcome.EXPIRED
        return ResolveOutcome.OK

    def opened(self, at: datetime) -> Link:
        """The link after its first opening (a later opening changes nothing)."""
        return self if self.opened_at is not None else replace(self, opened_at=at)


def new_token() -> str:
    """A fresh token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The link id of a token: SHA-256 of its UTF-8 bytes, whatever they are (a malformed token is hashed too)."""
    data = token[:TOKEN_MAX_LENGTH].encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def issue() -> IssuedLink:
    """A new token and its link id."""
    token = new_token()
    return IssuedLink(token, token_hash(token))


def valid_window(valid_from: datetime, valid_until: datetime) -> bool:
    """Whether the window is a proper one (until after from)."""
    return valid_until > valid_from
