"""A query read once for every index: the words to look for, their weights, typo tolerance, and highlights.

Both implementations of `SearchIndex` score the same plan, so they agree on what a query means:
- each word counts by its folded form; a word typed with marks also by its exact form, so the exact-mark match
  ranks above a folded look-alike (*đường* above *dương*);
- adjacent words count again as a bigram, so the phrase in order ranks above the same words scattered;
- a rare word of four letters or more, or a three-letter word the bank does not know — which is what a typo
  makes — also matches words one edit away (a letter changed, added, dropped, or two swapped), at a fraction of
  its weight: what was typed is always searched as typed, and a document with the typed word outranks one with
  only a neighbour of it. A common word is taken as meant (and its neighbours would cost the most to look up).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from .search import Field, IndexedEntry, Matched, SearchHit, Span
from .syllables import fold as fold_word
from .text import analyse, normalise

PHRASE_WEIGHT = 1.0  # the question and each scenario
ANSWER_WEIGHT = 0.4  # the answer body: long, and about more than the question
FOLDED_WEIGHT = 1.0
EXACT_WEIGHT = 1.0  # on top of the folded match, for a word typed with marks
BIGRAM_WEIGHT = 1.0
EXACT_BIGRAM_WEIGHT = 0.5
FUZZY_SHARE = 0.3  # a neighbour one edit away scores at most this share of the typed word's weight
FUZZY_MIN_LENGTH = 4
FUZZY_RARE_SHARE = 0.005  # a word in fewer than this share of the bank's texts may be a typo …
FUZZY_RARE_COUNT = 3  # … or in fewer than this many (a small bank)
MAX_NEIGHBOURS = 8  # a typed word's most frequent neighbours looked for
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
MAX_WORDS = 16  # a query is a question, not a document: the rest is ignored


@dataclass(frozen=True)
class Word:
    """One syllable of the query: its folded readings (typed first), its marked exact readings, and its typo
    neighbours' seed when typo tolerance applies."""

    folded: tuple[str, ...]
    exact: tuple[str, ...]
    fuzzy: str | None
    neighbours: tuple[str, ...] = ()  # the bank's words one edit from `fuzzy`, most frequent first
    neighbour_weight: float = 0.0  # each neighbour's constant score: FUZZY_SHARE of the typed word's idf


@dataclass(frozen=True)
class QueryPlan:
    """What a query looks for."""

    words: tuple[Word, ...]
    folded_bigrams: tuple[str, ...]
    exact_bigrams: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """Nothing searchable was typed (only punctuation or spaces)."""
        return not self.words


def typo_prone(word: str, found: int, size: int) -> bool:
    """Whether a typed folded word, found in `found` of the bank's `size` texts, gets typo tolerance."""
    if word.isdigit() or len(word) < 3:
        return False
    return found == 0 or (len(word) >= FUZZY_MIN_LENGTH and found < max(FUZZY_RARE_SHARE * size, FUZZY_RARE_COUNT))


def plan(text: str, *, frequency: Callable[[str], int], size: int) -> QueryPlan:
    """Read a query; `frequency(folded)` is how many of the bank's `size` texts hold that word."""
    text = normalise(text)
    tokens = analyse(text)[:MAX_WORDS]
    words: list[Word] = []
    for token in tokens:
        typed = token.forms[0].folded
        as_typed = fold_word(text[token.start : token.end]) == typed  # not an abbreviation's expansion
        found = frequency(typed)
        tolerant = as_typed and typo_prone(typed, found, size)
        near = neighbours(typed, frequency) if tolerant else ()
        words.append(
            Word(
                folded=tuple(dict.fromkeys(f.folded for f in token.forms)),
                exact=tuple(dict.fromkeys(f.exact for f in token.forms if f.marked)),
                fuzzy=typed if tolerant else None,
                neighbours=near,
                neighbour_weight=FUZZY_SHARE * FOLDED_WEIGHT * idf(max(found, 1), size),
            )
        )
    folded_bigrams: list[str] = []
    exact_bigrams: list[str] = []
    for left, right in zip(tokens, tokens[1:], strict=False):
        if right.joined:
            folded_bigrams += [f"{a.folded}_{b.folded}" for a in left.forms for b in right.forms]
            exact_bigrams += [f"{a.exact}_{b.exact}" for a in left.forms for b in right.forms if a.marked and b.marked]
    return QueryPlan(tuple(words), tuple(dict.fromkeys(folded_bigrams)), tuple(dict.fromkeys(exact_bigrams)))


def idf(found: int, size: int) -> float:
    """BM25's inverse document frequency."""
    return math.log(1 + (size - found + 0.5) / (found + 0.5))


def edits(word: str) -> set[str]:
    """Every string one edit from `word`: a letter dropped, two neighbours swapped, a letter changed or added."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    dropped = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    added = {a + c + b for a, b in splits for c in _LETTERS}
    return (dropped | swapped | changed | added) - {word, ""}


def neighbours(word: str, frequency: Callable[[str], int]) -> tuple[str, ...]:
    """The bank's words one edit from `word`, the MAX_NEIGHBOURS most frequent (the likeliest meant)."""
    found = [(n, c) for n in edits(word) if (c := frequency(n)) > 0]
    found.sort(key=lambda nc: (-nc[1], nc[0]))
    return tuple(n for n, _ in found[:MAX_NEIGHBOURS])


def highlight(text: str, query: QueryPlan) -> tuple[Span, ...]:
    """The spans of `text` (NFC) that the query matched, neighbouring words merged into one span."""
    folded = {f for w in query.words for f in (*w.folded, *w.neighbours)}
    spans: list[list[int]] = []
    for token in analyse(text):
        if any(f.folded in folded for f in token.forms):
            if spans and (token.start <= spans[-1][1] or not text[spans[-1][1] : token.start].strip()):
                spans[-1][1] = max(spans[-1][1], token.end)
            else:
                spans.append([token.start, token.end])
    return tuple((s, e) for s, e in spans)


def hit(
    entry: IndexedEntry, *, score: float, query: QueryPlan, on: date, scenario: int | None, scenario_text: str = ""
) -> SearchHit:
    """The hit for `entry` whose best phrasing was its scenario number `scenario` (text given) or, for None, the
    core document: the question when it holds a matched word, else the answer."""
    question_spans = highlight(entry.question, query)
    field: Field = "scenario" if scenario is not None else ("question" if question_spans else "answer")
    text = {"scenario": scenario_text, "question": entry.question, "answer": entry.answer}[field]
    spans = question_spans if field == "question" else highlight(text, query)
    return SearchHit(
        entry_id=entry.id,
        tenant=entry.tenant,
        topic=entry.topic,
        audience=entry.audience,
        status=entry.status,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
        current=entry.current_on(on),
        score=score,
        question=entry.question,
        question_spans=question_spans,
        matched=Matched(field=field, text=text, spans=spans, scenario=scenario),
    )


K = TypeVar("K")
V = TypeVar("V")


def collapse(ranked: Iterable[tuple[K, V]], limit: int) -> Iterator[tuple[K, V]]:
    """The first (best) item of each key, in rank order, at most `limit` of them: five answers, not five phrasings."""
    seen: set[K] = set()
    for key, value in ranked:
        if key not in seen:
            seen.add(key)
            yield key, value
            if len(seen) == limit:
                return
