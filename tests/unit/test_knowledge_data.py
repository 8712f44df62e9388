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
QUERIES_FILE = ROOT / "bench" / "data" / "knowledge-queries.json"
QUERY_KINDS = {"marks", "no-marks", "abbreviation", "typo", "paraphrase", "word-order", "telex-leftover", "nfd"}
# Short forms callers type (DOMAIN.md §3): an "abbreviation" query uses at least one of them.
ABBREVIATIONS = {
    "bhxh",
    "bhyt",
    "bhtn",
    "tnlđ",
    "kcb",
    "cccd",
    "ko",
    "k",
    "đc",
    "dc",
    "bh",
    "hgđ",
    "đk",
    "hđlđ",
    "nsdlđ",
    "nlđ",
    "lđ",
    "ts",
    "hs",
    "tn",
    "bn",
    "bv",
}
# Telex keystrokes left in the text when the input method is off: doubled vowels/đ, w-horns, tone keys after a vowel.
TELEX_LEFTOVER = re.compile(r"(aa|ee|oo|dd|uw|ow|aw)|[aeiouy][sfrxj]\b")

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


def _queries() -> list[dict[str, Any]]:
    return _load(QUERIES_FILE)


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


def test_the_starter_bank_is_big_enough_to_be_useful_on_day_one():
    bank = _bank()
    assert len(bank) >= 150
    per_branch = {top: sum(e["topic"].startswith(top + ".") for e in bank) for top in ("bhxh", "bhyt", "bhtn", "chung")}
    assert per_branch["bhxh"] >= 60 and per_branch["bhyt"] >= 20 and per_branch["bhtn"] >= 10 and per_branch["chung"] >= 20


def test_labelled_queries_cover_every_kind_and_point_at_current_entries():
    by_id = {e["id"]: e for e in _bank()}
    queries = _queries()
    assert len(queries) >= 60
    for kind in QUERY_KINDS:
        assert sum(q["kind"] == kind for q in queries) >= 5, kind
    for q in queries:
        assert set(q) == {"query", "expected", "kind"} and q["kind"] in QUERY_KINDS, q
        assert q["expected"] and len(set(q["expected"])) == len(q["expected"]), q
        for entry_id in q["expected"]:
            # an agent mid-call must be sent to the rule in force, never to a superseded one
            assert entry_id in by_id and by_id[entry_id]["valid_until"] is None, (q["query"], entry_id)


def test_queries_are_not_copies_of_a_question_or_scenario():
    written = {_squash(e["question"]) for e in _bank()} | {_squash(s) for e in _bank() for s in e["scenarios"]}
    seen: set[str] = set()
    for q in _queries():
        squashed = _squash(q["query"])
        assert squashed not in written, q["query"]
        assert squashed not in seen, q["query"]
        seen.add(squashed)


def test_each_query_is_typed_the_way_its_kind_says():
    for q in _queries():
        text, kind = q["query"], q["kind"]
        for ch in text:
            assert unicodedata.category(ch)[0] != "C", repr(text)
        if kind == "nfd":
            # decomposed marks: not NFC as typed, Vietnamese once composed
            assert not unicodedata.is_normalized("NFC", text) and unicodedata.is_normalized("NFD", text), text
            assert VIETNAMESE_MARKED.search(unicodedata.normalize("NFC", text)), text
            continue
        assert unicodedata.is_normalized("NFC", text), text
        if kind == "no-marks":
            assert text.isascii(), text
        if kind == "marks":
            assert VIETNAMESE_MARKED.search(text), text
        if kind == "telex-leftover":
            assert text.isascii() and TELEX_LEFTOVER.search(text), text
        if kind == "abbreviation":
            assert ABBREVIATIONS & set(text.casefold().split()), text
