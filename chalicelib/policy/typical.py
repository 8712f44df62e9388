"""Typical questions (Art. 14 step 3 "tổng hợp, phân tích"): the most asked questions of a period per category. Pure.

Requests answered from the knowledge bank group by the entry (`kb:{id}`); the others by their subject with case,
diacritics and spacing ignored (`q:{folded subject}`), labelled by the subject as most often written (on a tie, as first written). Each question
keeps how many requests asked it and up to EVIDENCE_MAX of them (the earliest received first) as its evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from chalicelib.shared.text import fold

from .domain import CATEGORIES, EVIDENCE_MAX, TYPICAL_SHOWN, Typical, ref

LABEL_MAX = 300


@dataclass(frozen=True)
class Asked:
    """What the count needs of one request (no personal data: its id, category, subject and cited entry)."""

    tenant: str
    request_id: str
    category: str
    subject: str
    knowledge_id: str | None = None


@dataclass
class _Group:
    count: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    requests: list[str] = field(default_factory=list)
    knowledge: str | None = None


def group_key(asked: Asked) -> str:
    """Which typical question a request counts towards."""
    return f"kb:{asked.knowledge_id}" if asked.knowledge_id else f"q:{fold(asked.subject)}"


Names = Callable[[set[str]], Mapping[str, str]]


def typical_questions(
    requests: Iterable[Asked], *, entries: Names | None = None, shown: int = TYPICAL_SHOWN
) -> dict[str, list[Typical]]:
    """Per category, the `shown` most asked questions (ties: the label's order). `requests` is read once, as it
    comes (a generator over a year's requests holds only the groups); `entries` names the shown knowledge entries."""
    groups: dict[str, dict[str, _Group]] = {c: {} for c in CATEGORIES}
    for asked in requests:
        if asked.category not in groups or not (asked.subject.strip() or asked.knowledge_id):
            continue
        group = groups[asked.category].setdefault(group_key(asked), _Group())
        group.count += 1
        group.labels[" ".join(asked.subject.split())] += 1
        if len(group.requests) < EVIDENCE_MAX:
            group.requests.append(ref(asked.tenant, asked.request_id))
        if asked.knowledge_id:
            group.knowledge = ref(asked.tenant, asked.knowledge_id)
    found: dict[str, list[Typical]] = {}
    for category, by_key in groups.items():
        items = [_typical(key, g) for key, g in by_key.items()]
        found[category] = sorted(items, key=lambda t: (-t.count, fold(t.label), t.key))[:shown]
    cited = {t.key[3:] for items in found.values() for t in items if t.key.startswith("kb:")}
    names = entries(cited) if entries is not None and cited else {}
    if names:  # labelled by the entry's question; the order stays the counts'
        found = {c: [_named(t, names) for t in items] for c, items in found.items()}
    return found


def _named(t: Typical, names: Mapping[str, str]) -> Typical:
    name = names.get(t.key[3:]) if t.key.startswith("kb:") else None
    return Typical(t.key, name[:LABEL_MAX], t.count, t.knowledge, t.requests) if name else t


def _typical(key: str, group: _Group) -> Typical:
    written = max(group.labels.items(), key=lambda p: p[1])[0] if group.labels else ""  # ties: the first written
    return Typical(key, written[:LABEL_MAX], group.count, (group.knowledge,) if group.knowledge else (), tuple(group.requests))


def merge(lists: Iterable[Iterable[Typical]], *, shown: int = TYPICAL_SHOWN) -> list[Typical]:
    """Several offices' typical questions of one category as one list: the same key's counts summed, evidence joined."""
    merged: dict[str, Typical] = {}
    for items in lists:
        for t in items:
            # an entry of one office's bank is not another's: the national key of a `kb:` question is its label's
            key = f"q:{fold(t.label)}"
            seen = merged.get(key)
            if seen is None:
                merged[key] = Typical(key, t.label, t.count, t.knowledge, t.requests[:EVIDENCE_MAX])
                continue
            knowledge = tuple(dict.fromkeys((*seen.knowledge, *t.knowledge)))
            merged[key] = Typical(key, seen.label, seen.count + t.count, knowledge, (*seen.requests, *t.requests)[:EVIDENCE_MAX])
    return sorted(merged.values(), key=lambda t: (-t.count, fold(t.label), t.key))[:shown]
