"""The subject kinds the inbox knows: label and approve permission, registered by the wiring (bootstrap.py), so the
inbox names "Kế hoạch khảo sát" without importing the survey capability (subjects import approvals, never the reverse).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.shared.permissions import Permission

from . import messages as M


@dataclass(frozen=True)
class Kind:
    """A kind of subject that is approved: its code (in the inbox's keys), its Vietnamese label, who decides it."""

    code: str
    label: str
    permission: Permission


_KINDS: dict[str, Kind] = {}


def register_kind(kind: str, label: str, permission: Permission) -> Kind:
    """Make a kind known (again with the same label and permission is a no-op; with others, an error)."""
    new = Kind(kind, label, permission)
    known = _KINDS.setdefault(kind, new)
    if known != new:
        raise ValueError(f"approval kind {kind!r} is already registered as {known}")
    return known


def kind_of(kind: str) -> Kind:
    """The registered kind; an unknown one (a kind retired since its entry was written) is decided by plan approvers."""
    return _KINDS.get(kind) or Kind(kind, M.UNKNOWN_KIND, Permission.PLANS_APPROVE)


def registered() -> tuple[Kind, ...]:
    """Every registered kind, in registration order."""
    return tuple(_KINDS.values())
