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
MAX_WORDS = 16  # a query is a question, not a document: the rest is ignored


@dataclass(frozen=True)
class Word:
    """One syllable of the query: its folded readings (typed first), its marked exact readings, and its typo
    neighbours' seed when typo tolerance applies."""

    folded: tuple[str, ...]
    exact: tuple[str, ...]
    fuzzy: str | None


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
        tolerant = as_typed and typo_prone(typed, frequency(typed), size)
        words.append(
            Word(
                folded=tuple(dict.fromkeys(f.folded for f in token.forms)),
                exact=tuple(dict.fromkeys(f.exact for f in token.forms if f.marked)),
                fuzzy=typed if tolerant else None,
            )
        )
    folded_bigrams: list[str] = []
    exact_bigrams: list[str] = []
    for left, right in zip(tokens, tokens[1:], strict=False):
        if right.joined:
            folded_bigrams += [f"{a.folded}_{b.folded}" for a in left.forms for b in right.forms]
            exact_bigrams += [f"{a.exact}_{b.exact}" for a in left.forms for b in right.forms if a.marked and b.marked]
    return QueryPlan(tuple(words), tuple(dict.fromkeys(folded_bigrams)), tuple(dict.fromkeys(exact_bigrams)))


def one_edit(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by exactly one letter changed, added or dropped, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1 :]


def highlight(text: str, query: QueryPlan) -> tuple[Span, ...]:
    """The spans of `text` (NFC) that the query matched, neighbouring words merged into one span."""
    folded = {f for w in query.words for f in w.folded}
    seeds = [w.fuzzy for w in query.words if w.fuzzy]
    spans: list[list[int]] = []
    for token in analyse(text):
        forms = {f.folded for f in token.forms}
        if forms & folded or any(one_edit(f, seed) for f in forms for seed in seeds):
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
