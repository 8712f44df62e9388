"""The other capabilities as the knowledge bank's ports see them (wired in bootstrap), and the topic tree."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .ports import AnsweredRequest

TOPICS_FILE = Path(__file__).resolve().parent / "topics.json"  # a copy of infra/data/knowledge-topics.json (tested)


@lru_cache(maxsize=1)
def topic_tree() -> list[dict[str, Any]]:
    """The topic tree: [{code, name, children: [...]}]."""
    return list(json.loads(TOPICS_FILE.read_text(encoding="utf-8")))


def topic_names() -> dict[str, str]:
    """Every topic code with its Vietnamese name, parents before children."""
    names: dict[str, str] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            names[node["code"]] = node["name"]
            walk(node.get("children") or [])

    walk(topic_tree())
    return names


class AnsweredRequests:
    """Requests, as a proposal reads them: the question and the answer once answered (and not redacted)."""

    def __init__(self, get: Callable[..., Any]) -> None:
        self._get = get

    def answered(self, *, tenant: str, request_id: str) -> AnsweredRequest | None:
        """None unless the request exists in `tenant`, is answered or closed, and still has its content."""
        request = self._get(tenant=tenant, request_id=request_id)
        if request is None or request.status.value not in ("answered", "closed") or request.redacted_at or not request.answer:
            return None
        return AnsweredRequest(request.id, request.subject, request.question, request.answer)


class OfficeUnits:
    """The office's active units (the tenancy capability)."""

    def __init__(self, list_units: Callable[..., list[Any]]) -> None:
        self._list = list_units

    def exists(self, *, tenant: str, unit_id: str) -> bool:
        """Whether `unit_id` is an active unit of `tenant`."""
        return any(u.id == unit_id for u in self._list(tenant=tenant))
