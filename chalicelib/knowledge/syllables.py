"""One Vietnamese syllable: its tone apart from its letters, whether it can be a syllable, Telex and VNI leftovers.

A syllable is kept as its *base* (lower-case letters with the vowel marks â ă ê ô ơ ư and đ, NFC) and a *tone*
(0 level, 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng — VNI's numbering). Keeping the tone apart makes "hoà" and "hòa",
"thuỷ" and "thủy" (old and new tone placement) the same syllable.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = {"\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}  # combining acute … dot below
_VOWEL_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn

_ONSETS = ("ngh", "ng", "gh", "gi", "ch", "kh", "nh", "ph", "th", "tr", "qu", *"bcdđghklmnprstvx", "")
# Rhymes without a final consonant (a vowel, or a vowel closed by the semivowels i/y/o/u).
_OPEN = set(
    "a e ê i o ô ơ u ư y oa oe uê uy ua ưa ia ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu oai oay oeo "
    "uây uôi ươi ươu iêu yêu uya uyu uơ".split()
)
# Nuclei and the final consonants each takes; the second group cannot stand without one.
_CLOSED = {
    "a": "c ch m n ng nh p t",
    "e": "c m n ng p t",
    "ê": "ch m n nh p t",
    "i": "ch m n nh p t",
    "o": "c m n ng p t",
    "ô": "c m n ng p t",
    "ơ": "m n p t",
    "u": "c m n ng p t",
    "ư": "c m n ng t",
    "y": "ch nh t",
    "oa": "c ch m n ng nh p t",
    "oe": "n t",
    "uê": "ch nh n",
    "uy": "ch n nh t",
    "ă": "c m n ng p t",
    "â": "c m n ng p t",
    "oă": "c m n ng t",
    "uâ": "n ng t",
    "uô": "c m n ng t",
    "ươ": "c m n ng p t",
    "iê": "c m n ng p t",
    "yê": "m n ng t",
    "uyê": "n t",
    "oo": "c ng",
}
RHYMES = _OPEN | {nucleus + final for nucleus, finals in _CLOSED.items() for final in finals.split()}
_STOPS = ("c", "ch", "p", "t")  # a syllable closed by a stop takes only sắc or nặng
_FOLDED_RHYMES = {r.translate(str.maketrans("âăêôơư", "aaeoou")) for r in RHYMES}
_FOLDED_ONSETS = tuple(o.replace("đ", "d") for o in _ONSETS)

_TELEX_TONES = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5}
_TELEX_VOWELS = (("uow", "ươ"), ("uwow", "ươ"), ("uw", "ư"), ("ow", "ơ"), ("aw", "ă"), ("aa", "â"), ("ee", "ê"), ("oo", "ô"))
_FINALS = ("ch", "nh", "ng", "c", "m", "n", "p", "t", "")
_VNI = re.compile(r"[a-z]+[1-9][a-z1-9]*")


@lru_cache(maxsize=65536)
def split_tone(word: str) -> tuple[str, int]:
    """("hoà" | "hòa") → ("hoa", 2): the base letters (NFC, vowel marks kept) and the tone; the last tone mark wins."""
    tone = 0
    kept = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without any mark, đ → d ("Đường" → "duong"): Unicode does not see đ as d with a mark."""
    bare = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


def is_syllable(base: str, tone: int | None = None) -> bool:
    """Whether lower-case `base` (vowel marks, no tone) can be a Vietnamese syllable, and carry `tone` if given."""
    for onset in _ONSETS:
        rhyme = base[len(onset) :]
        if base.startswith(onset) and rhyme in RHYMES:
            return tone is None or not rhyme.endswith(_STOPS) or tone in (1, 5)
    return False


def is_unmarked_syllable(word: str) -> bool:
    """Whether plain `word` is a syllable typed without its marks ("nghiep", "duong")."""
    return any(word.startswith(onset) and word[len(onset) :] in _FOLDED_RHYMES for onset in _FOLDED_ONSETS)


def _place_w(base: str) -> str:
    """A Telex "w" typed after the syllable: horn or breve on its vowels ("truongw" → "trương")."""
    for plain, marked in (("uo", "ươ"), ("u", "ư"), ("o", "ơ"), ("a", "ă")):
        if plain in base:
            return base.replace(plain, marked, 1)
    return base


def _telex(word: str) -> tuple[str, int] | None:
    """Telex keystrokes left in plain ASCII ("hieemr", "dduowngf", "vieejt") → (base, tone), or None."""
    tone = 0
    if len(word) > 1 and word[-1] in _TELEX_TONES:
        tone, word = _TELEX_TONES[word[-1]], word[:-1]
    else:  # the tone key typed between the vowels and the final consonant: "vieejt", "dduowjc"
        for i in range(1, len(word) - 1):
            if word[i] in _TELEX_TONES and word[i - 1] in "aeiouyw" and word[i + 1 :] in _FINALS:
                tone, word = _TELEX_TONES[word[i]], word[:i] + word[i + 1 :]
                break
    if word.startswith("dd"):
        word = "đ" + word[2:]
    for keys, letter in _TELEX_VOWELS:
        word = word.replace(keys, letter)
    if "w" in word:
        word = _place_w(word.replace("w", ""))
    if re.search("uơ.", word):  # "uơ" before a final is "ươ" ("đuơng" → "đương") …
        word = word.replace("uơ", "ươ")
    elif word.endswith("ươ"):  # … and without one it is "uơ" ("thuowr" → "thuở")
        word = word[:-2] + "uơ"
    return (word, tone) if word.isalpha() else None


def _vni(word: str) -> tuple[str, int] | None:
    """VNI keystrokes left in the text ("ba3o", "hie63m", "d9uo7ng2") → (base, tone), or None."""
    tone, letters = 0, ""
    for ch in word:
        if ch in "12345":
            tone = int(ch)
        elif ch in "6789":
            letters = _vni_mark(letters, ch)
        elif ch.isdigit():
            return None
        else:
            letters += ch
    return letters, tone


def _vni_mark(letters: str, key: str) -> str:
    """Apply a VNI vowel key (6 circumflex, 7 horn, 8 breve, 9 đ) to the last letter it can mark."""
    if key == "9":
        return letters.replace("d", "đ", 1)
    if key == "7" and "uo" in letters:
        return letters.replace("uo", "ươ", 1)
    targets = {"6": {"a": "â", "e": "ê", "o": "ô"}, "7": {"u": "ư", "o": "ơ"}, "8": {"a": "ă"}}[key]
    for i in range(len(letters) - 1, -1, -1):
        if letters[i] in targets:
            return letters[:i] + targets[letters[i]] + letters[i + 1 :]
    return letters


@lru_cache(maxsize=65536)
def repair(word: str) -> tuple[str, int] | None:
    """The syllable meant by Telex or VNI keys typed without an input method, when that reading is unambiguous.

    Only plain ASCII words are read, only when the word is not already a syllable as typed (except "oo", where
    "khoong" is "không" but "xoong" is also a word — the caller keeps both), and only when the reading is a
    syllable that can carry its tone ("vieetf" is nothing).
    """
    if not word.isascii() or len(word) < 2 or word.isdigit():
        return None
    if any(ch.isdigit() for ch in word):
        read = _vni(word) if _VNI.fullmatch(word) else None
    elif is_unmarked_syllable(word) and "oo" not in word:
        return None
    else:
        read = _telex(word)
    if read is None or read == (word, 0) or not is_syllable(*read):
        return None
    return read
