"""The policy reports' sections and text limits (Decision 681 Art. 14: the five categories and an overall part): what
the schemas bound their fields by, apart from the domain so that registering the routes does not load it."""

from __future__ import annotations

from chalicelib.requests.domain import Category

CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)
OVERALL = "overall"
SECTIONS: tuple[str, ...] = (*CATEGORIES, OVERALL)  # where recommendations and counts are kept
TEXT_MAX = 10_000
TITLE_MAX = 200
