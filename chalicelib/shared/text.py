"""Vietnamese text for matching: search ignores case and diacritics."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without diacritics, single spaces: "Đặng Thị Ánh" → "dang thi anh"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())
