"""The starter knowledge bank shipped as data: well formed, honest about validity, written in NFC Vietnamese."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from chalicelib.tenancy.catalog import units_for

ROOT = Path(__file__).resolve().parents[2]
TOPICS_FILE = ROOT / "infra" / "data" / "knowledge-topics.json"
BANK_FILE = ROOT / "infra" / "data" / "knowledge-bank.json"

FIELDS = {
    "id",
    "topic",
    "question",
    "answer",
    "legal_basis",
    "valid_from",
    "valid_until",
    "audience",
    "owner_unit",
    "related",
    "scenarios",
}
# Letters that only Vietnamese (among Latin-script languages) writes: a question read to a citizen has marks.
VIETNAMESE_MARKED = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _bank() -> list[dict[str, Any]]:
    return _load(BANK_FILE)


def _leaf_topics() -> set[str]:
    return {child["code"] for top in _load(TOPICS_FILE) for child in top["children"]}


def _iso(value: str) -> dt.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return dt.date.fromisoformat(value)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def test_topic_tree_has_the_four_branches_and_prefixed_unique_codes():
    tree = _load(TOPICS_FILE)
    assert [t["code"] for t in tree] == ["bhxh", "bhyt", "bhtn", "chung"]
    codes = [c["code"] for t in tree for c in t["children"]]
    assert len(codes) == len(set(codes))
    for top in tree:
        assert top["name"] and len(top["children"]) >= 5, top["code"]
        for child in top["children"]:
            assert set(child) == {"code", "name"}, child
            assert re.fullmatch(rf"{top['code']}\.[a-z0-9]+(-[a-z0-9]+)*", child["code"]), child["code"]
            assert child["name"].strip() == child["name"] != ""


def test_every_entry_has_the_documented_fields_and_a_unique_numbered_id():
    bank = _bank()
    ids = [e["id"] for e in bank]
    assert len(ids) == len(set(ids))
    for entry in bank:
        assert set(entry) == FIELDS, entry["id"]
        assert re.fullmatch(r"KB-\d{4}", entry["id"]), entry["id"]
        assert entry["question"].strip() and entry["answer"].strip(), entry["id"]


def test_every_entry_sits_on_a_leaf_of_the_topic_tree():
    leaves = _leaf_topics()
    assert {e["topic"] for e in _bank()} <= leaves


def test_related_entries_exist_and_never_point_at_themselves():
    bank = _bank()
    ids = {e["id"] for e in bank}
    for entry in bank:
        assert len(entry["related"]) == len(set(entry["related"])), entry["id"]
        assert entry["id"] not in entry["related"], entry["id"]
        assert set(entry["related"]) <= ids, entry["id"]


def test_legal_basis_names_document_article_and_a_date_no_later_than_validity():
    for entry in _bank():
        assert entry["legal_basis"], entry["id"]
        start = _iso(entry["valid_from"])
        for row in entry["legal_basis"]:
            assert set(row) == {"document", "article", "date"}, entry["id"]
            assert row["document"].strip() and row["article"].strip(), entry["id"]
            # a rule cannot be in force before the document that states it was signed
            assert _iso(row["date"]) <= start, (entry["id"], row)


def test_validity_window_is_ordered():
    for entry in _bank():
        start = _iso(entry["valid_from"])
        if entry["valid_until"] is not None:
            assert start <= _iso(entry["valid_until"]), entry["id"]


def test_a_superseded_entry_points_at_the_entry_that_replaced_it():
    bank = _bank()
    by_id = {e["id"]: e for e in bank}
    expired = [e for e in bank if e["valid_until"] is not None]
    assert len(expired) >= 3
    for old in expired:
        end = _iso(old["valid_until"])
        successors = [by_id[r] for r in old["related"] if by_id[r]["valid_until"] is None and _iso(by_id[r]["valid_from"]) > end]
        assert successors, old["id"]


def test_audience_is_public_or_internal_and_about_a_tenth_is_internal():
    bank = _bank()
    assert {e["audience"] for e in bank} == {"public", "internal"}
    share = sum(e["audience"] == "internal" for e in bank) / len(bank)
    assert 0.07 <= share <= 0.2, share


def test_owner_unit_is_a_unit_of_the_ccc_that_keeps_the_national_bank():
    ccc_units = {u.code for u in units_for("ccc")}
    for entry in _bank():
        assert entry["owner_unit"] in ccc_units, (entry["id"], entry["owner_unit"])


def test_scenarios_are_distinct_phrasings_not_copies_of_the_question():
    for entry in _bank():
        scenarios = entry["scenarios"]
        assert 3 <= len(scenarios) <= 8, entry["id"]
        squashed = [_squash(s) for s in scenarios]
        assert len(set(squashed)) == len(squashed), entry["id"]
        assert _squash(entry["question"]) not in squashed, entry["id"]


def test_text_is_nfc_vietnamese_without_control_or_invisible_characters():
    for path in (TOPICS_FILE, BANK_FILE):
        for text in _strings(_load(path)):
            assert unicodedata.is_normalized("NFC", text), (path.name, text[:60])
            for ch in text:
                category = unicodedata.category(ch)
                assert category not in ("Cf", "Co", "Cs") and (category != "Cc" or ch == "\n"), (path.name, repr(ch))
    for entry in _bank():
        assert "\n" not in entry["question"], entry["id"]
        assert VIETNAMESE_MARKED.search(entry["question"]) and VIETNAMESE_MARKED.search(entry["answer"]), entry["id"]
        assert not entry["answer"].startswith((" ", "\n")) and not entry["answer"].endswith((" ", "\n")), entry["id"]
