"""The baseline the knowledge search is compared with: SQLite FTS5 on the same entries (a comparison, not product code).

Two ways to use it:
- `unicode61`: the text as written, FTS5's `unicode61 remove_diacritics 2` tokenizer (which folds marks but keeps
  đ, and knows no abbreviation, Telex or bigram), the query's words OR-ed, ranked by bm25;
- `normalised`: the same folded syllables and bigrams the tantivy index holds (`chalicelib/knowledge/text.py`),
  so the difference left is the engine's.
Both filter like the product (tenant and national, published, valid today) and collapse to entries in Python.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from chalicelib.knowledge import query as q
from chalicelib.knowledge.search import NATIONAL, IndexedEntry
from chalicelib.knowledge.text import analyse, index_terms

VARIANTS = ("unicode61", "normalised")
_WORD = re.compile(r"[^\W_]+")
FOREVER = "9999-12-31"


def _text(variant: str, text: str) -> str:
    if variant == "unicode61":
        return text
    terms = index_terms(analyse(text))
    return " ".join([*terms.folded, *terms.folded_bigrams])


def build(entries: Iterable[IndexedEntry], path: Path, variant: str) -> int:
    """Write the FTS5 table of every phrasing; returns the rows written."""
    tokenizer = "unicode61 remove_diacritics 2" if variant == "unicode61" else "unicode61 remove_diacritics 0 tokenchars '_'"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE kb USING fts5(phrase, answer, entry UNINDEXED, part UNINDEXED, tenant UNINDEXED, "
        f'status UNINDEXED, valid_from UNINDEXED, valid_until UNINDEXED, tokenize="{tokenizer}")'
    )
    rows = 0

    def phrasings() -> Iterable[tuple[str, str, str, int, str, str, str, str]]:
        nonlocal rows
        for e in entries:
            meta = (e.tenant, e.status, e.valid_from.isoformat(), e.valid_until.isoformat() if e.valid_until else FOREVER)
            for part, text in [(-1, e.question), *enumerate(e.scenarios)]:
                rows += 1
                yield (_text(variant, text), _text(variant, e.answer) if part == -1 else "", e.id, part, *meta)

    with db:
        db.executemany("INSERT INTO kb VALUES (?, ?, ?, ?, ?, ?, ?, ?)", phrasings())
    db.execute("INSERT INTO kb(kb) VALUES ('optimize')")
    db.commit()
    db.execute("VACUUM")
    db.close()
    return rows


def match_expression(variant: str, text: str) -> str:
    """The FTS5 MATCH of a query: its words (or terms) OR-ed."""
    if variant == "unicode61":
        words = _WORD.findall(text.lower())
    else:
        plan = q.plan(text, frequency=lambda w: 1, size=1)
        words = [*(f for w in plan.words for f in w.folded), *plan.folded_bigrams]
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


class FtsSearch:
    """Searches one FTS5 database like the product does: filtered, ranked, collapsed."""

    def __init__(self, path: Path, variant: str) -> None:
        self.db = sqlite3.connect(path)
        self.variant = variant

    def search(self, *, tenant: str, text: str, on: date, limit: int = 5) -> list[str]:
        """Up to `limit` distinct entry ids."""
        expression = match_expression(self.variant, text)
        if not expression:
            return []
        day = on.isoformat()
        wanted = limit * 8
        while True:
            rows = self.db.execute(
                "SELECT entry FROM kb WHERE kb MATCH ? AND tenant IN (?, ?) AND status = 'published' "
                "AND valid_from <= ? AND valid_until >= ? ORDER BY bm25(kb, 1.0, 0.4) LIMIT ?",
                (expression, tenant, NATIONAL, day, day, wanted),
            ).fetchall()
            found = [entry for entry, _ in q.collapse(((r[0], None) for r in rows), limit)]
            if len(found) == limit or len(rows) < wanted or wanted >= 4096:
                return found
            wanted *= 4
