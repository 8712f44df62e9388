"""The invitation SMS (pure): unaccented Vietnamese in one GSM-7 segment (160 characters), with the office and the link.

Unicode SMS carry 70 characters a segment; the diacritics of Vietnamese would need UCS-2 and cost three segments
for the same text. So the text is written without them (đ → d) and checked against the GSM 03.38 alphabet.
"""

from __future__ import annotations

import unicodedata

SEGMENT = 160
# GSM 03.38 basic character set (one septet each) and its extension table (two septets: escape + character).
_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENDED = set("^{}\\[~]|€\f")
INVITATION = "{office}: moi Ong/Ba tra loi khao sat y kien tai {url}"


class SmsTooLongError(ValueError):
    """The text does not fit one GSM-7 segment."""


def unaccent(text: str) -> str:
    """Vietnamese without diacritics: 'Bảo hiểm xã hội Đà Nẵng' → 'Bao hiem xa hoi Da Nang'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def septets(text: str) -> int | None:
    """The GSM-7 length of a text (extension characters count two), or None when a character is not in GSM-7."""
    count = 0
    for char in text:
        if char in _BASIC:
            count += 1
        elif char in _EXTENDED:
            count += 2
        else:
            return None
    return count


def invitation_text(*, office: str, url: str) -> str:
    """The invitation: office name and link, unaccented, one segment; SmsTooLongError when it cannot fit."""
    text = unaccent(INVITATION.format(office=office, url=url))
    length = septets(text)
    if length is None or length > SEGMENT:
        raise SmsTooLongError(f"{length} septets" if length is not None else "not GSM-7")
    return text
