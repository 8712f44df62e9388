"""Vietnamese text as the knowledge bank indexes and searches it: the same analysis for the bank and for queries.

Each word becomes one or more syllable tokens with two forms: *exact* (its letters and vowel marks, the tone as a
digit: "đường" → "đương2", so old and new tone placement agree) and *folded* (no marks at all, đ → d: "duong").
The index holds both, with syllable bigrams of each ("bảo hiểm" is one word of two syllables). A query word
typed with marks matches the exact form too, so *đường* ranks above its look-alike *dương*; one typed without
marks matches the folded form only, so `dong` finds *đóng*, *đồng* and *dòng* alike.

Repairs, made the same way on both sides: NFD or NFC input; i/y spelling variants ("kí" = "ký", "qui" = "quy");
abbreviations expanded (`abbreviations.py`); Telex or VNI keys typed without an input method ("baor hieemr")
read as the syllable they spell — as an extra form beside what was typed, never instead of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .abbreviations import ABBREVIATIONS
from .syllables import fold as fold_word
from .syllables import repair, split_tone

_WORD = re.compile(r"[^\W_]+")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’…\n]")  # punctuation ends a phrase: no bigram across it
_PLAIN_ONSETS = tuple("bcdđghklmnprstvx") + ("ch", "kh", "nh", "ph", "th", "tr", "ng", "ngh", "gh")


@dataclass(frozen=True, slots=True)
class Form:
    """One reading of a syllable: its exact form ("đương2"), its folded form ("duong"), whether it carries marks."""

    exact: str
    folded: str
    marked: bool


@dataclass(frozen=True, slots=True)
class Token:
    """A syllable at [start, end) of the NFC text, its readings (what was typed first), and whether it continues
    the phrase of the token before it (so the two make a bigram)."""

    start: int
    end: int
    forms: tuple[Form, ...]
    joined: bool


def normalise(text: str) -> str:
    """The text as stored and highlighted: NFC, so offsets mean the same whichever form was typed."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case, no marks, đ → d, single spaces: "Thai sản  ĐỢT 2" → "thai san dot 2"."""
    return " ".join(fold_word(normalise(text)).split())


def _canonical(base: str) -> str:
    """One spelling for the i/y variants: "ky" → "ki", "ly" → "li", "qui" → "quy" (onset-less "y" stays)."""
    if base.startswith("qu") and base[2:] == "i":
        return "quy"
    if base.endswith("y") and base[:-1] in _PLAIN_ONSETS:
        return base[:-1] + "i"
    return base


def _form(base: str, tone: int) -> Form:
    base = _canonical(base)
    folded = fold_word(base)
    return Form(base + str(tone) if tone else base, folded, tone != 0 or folded != base)


@lru_cache(maxsize=131072)
def readings(word: str) -> tuple[tuple[Form, ...], ...]:
    """The syllables one lower-case NFC word stands for, each with its forms: "bhxh" → 4 syllables."""
    expansion = ABBREVIATIONS.get(fold_word(word))
    if expansion is not None:
        return tuple((_form(*split_tone(part)),) for part in expansion.split())
    typed = _form(*split_tone(word))
    repaired = repair(word)
    if repaired is None:
        return ((typed,),)
    other = _form(*repaired)
    return ((typed, other),) if other != typed else ((typed,),)


def analyse(text: str) -> list[Token]:
    """The syllable tokens of `text` (offsets into `normalise(text)`)."""
    text = normalise(text)
    tokens: list[Token] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        joined = bool(tokens) and not _BREAK.search(text, previous_end, match.start())
        for forms in readings(match.group().lower()):
            tokens.append(Token(match.start(), match.end(), forms, joined))
            joined = True
        previous_end = match.end()
    return tokens


def _bigrams(tokens: list[Token], side: str) -> Iterator[str]:
    for left, right in zip(tokens, tokens[1:], strict=False):
        if right.joined:
            for a in {getattr(f, side) for f in left.forms}:
                for b in {getattr(f, side) for f in right.forms}:
                    yield f"{a}_{b}"


@dataclass(frozen=True, slots=True)
class Terms:
    """What the index stores for one text: exact and folded syllables, exact and folded bigrams."""

    exact: list[str]
    folded: list[str]
    exact_bigrams: list[str]
    folded_bigrams: list[str]


def index_terms(tokens: Iterable[Token]) -> Terms:
    """The index terms of analysed text, every reading of every syllable included."""
    tokens = list(tokens)
    exact = [e for t in tokens for e in dict.fromkeys(f.exact for f in t.forms)]
    folded = [f for t in tokens for f in dict.fromkeys(f.folded for f in t.forms)]
    return Terms(exact, folded, list(_bigrams(tokens, "exact")), list(_bigrams(tokens, "folded")))
