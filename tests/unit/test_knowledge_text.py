"""The knowledge bank's Vietnamese analysis: what a typed query and a written entry have in common."""

from __future__ import annotations

import unicodedata

import pytest

from chalicelib.knowledge import query
from chalicelib.knowledge.abbreviations import ABBREVIATIONS
from chalicelib.knowledge.syllables import fold as fold_word
from chalicelib.knowledge.syllables import is_syllable, repair
from chalicelib.knowledge.text import analyse, fold, index_terms, normalise


def folded(text: str) -> list[str]:
    """The folded form of each syllable, first reading."""
    return [t.forms[0].folded for t in analyse(text)]


def exact(text: str) -> list[str]:
    """The exact form of each syllable, first reading."""
    return [t.forms[0].exact for t in analyse(text)]


def readings(text: str) -> list[set[str]]:
    """Every exact reading of each syllable."""
    return [{f.exact for f in t.forms} for t in analyse(text)]


# -- folding --------------------------------------------------------------------------------------------------


def test_folding_removes_every_mark_and_reads_đ_as_d() -> None:
    assert folded("Bảo hiểm thất nghiệp") == ["bao", "hiem", "that", "nghiep"]
    assert folded("ĐÓNG đồng dòng") == ["dong", "dong", "dong"]
    assert fold("Đặng  Thị Ánh") == "dang thi anh"


def test_unicode_fold_alone_would_miss_đ() -> None:
    """NFD has no decomposition for đ, which is why SQLite's remove_diacritics and most folders keep it."""
    assert unicodedata.normalize("NFD", "đ") == "đ"
    assert fold_word("đóng") == "dong"


def test_decomposed_and_composed_input_read_the_same() -> None:
    composed = "Người lao động được hưởng chế độ thai sản"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert index_terms(analyse(decomposed)) == index_terms(analyse(composed))


def test_offsets_point_into_the_normalised_text_whatever_form_was_typed() -> None:
    decomposed = unicodedata.normalize("NFD", "Sổ bảo hiểm")
    text = normalise(decomposed)
    assert [text[t.start : t.end] for t in analyse(decomposed)] == ["Sổ", "bảo", "hiểm"]


# -- exact forms ----------------------------------------------------------------------------------------------


def test_exact_form_tells_đường_from_dương_while_folded_does_not() -> None:
    assert folded("đường") == folded("dương") == ["duong"]
    assert exact("đường") != exact("dương")


def test_exact_form_keeps_the_tone_apart_so_old_and_new_tone_placement_agree() -> None:
    assert exact("hoà") == exact("hòa")
    assert exact("Thuỷ") == exact("thủy")
    assert exact("hóa") != exact("hoà")


def test_i_and_y_spellings_of_one_syllable_agree() -> None:
    assert exact("đăng kí") == exact("đăng ký")
    assert exact("lí do") == exact("lý do")
    assert exact("qui định") == exact("quy định")
    assert exact("y tế") != exact("i tế")  # "y" alone is a word of its own


def test_a_word_typed_without_marks_is_unmarked_and_one_with_marks_is_marked() -> None:
    assert [f.marked for t in analyse("bao hiem xã hội") for f in t.forms] == [False, False, True, True]


# -- abbreviations --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("bhxh", "bảo hiểm xã hội"),
        ("BHYT", "bảo hiểm y tế"),
        ("bhtn", "bảo hiểm thất nghiệp"),
        ("tnlđ", "tai nạn lao động"),
        ("TNLD", "tai nạn lao động"),
        ("bnn", "bệnh nghề nghiệp"),
        ("kcb", "khám chữa bệnh"),
        ("cccd", "căn cước công dân"),
        ("sổ bh", "sổ bảo hiểm"),
        ("ko", "không"),
        ("k", "không"),
        ("hok", "không"),
        ("dc", "được"),
        ("đc", "được"),
        ("ng", "người"),
        ("nld", "người lao động"),
        ("nlđ", "người lao động"),
        ("nsdld", "người sử dụng lao động"),
        ("rút 1 lần", "rút một lần"),
    ],
)
def test_abbreviations_read_as_the_words_they_stand_for(typed: str, meant: str) -> None:
    assert exact(typed) == exact(meant)


def test_abbreviation_table_keys_are_folded_so_both_spellings_of_đ_share_a_row() -> None:
    assert all(key == fold_word(key) for key in ABBREVIATIONS)


def test_an_expanded_abbreviation_highlights_what_was_written() -> None:
    text = "Đóng BHXH tự nguyện"
    tokens = analyse(text)
    assert {text[t.start : t.end] for t in tokens[1:5]} == {"BHXH"}


# -- Telex and VNI leftovers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("baor hieemr", "bảo hiểm"),
        ("dduowngf", "đường"),
        ("nguwowif lao ddoongj", "người lao động"),
        ("vieejt", "việt"),
        ("vieetj", "việt"),
        ("khoong", "không"),
        ("thaats nghieepj", "thất nghiệp"),
        ("thuowr", "thuở"),
        ("ba3o hie63m", "bảo hiểm"),
        ("d9uo7ng2", "đường"),
    ],
)
def test_telex_and_vni_keys_typed_without_an_input_method_read_as_the_syllables_they_spell(typed: str, meant: str) -> None:
    wanted = [{e} for e in exact(meant)]
    assert [r & w for r, w in zip(readings(typed), wanted, strict=True)] == wanted


def test_a_repaired_word_keeps_what_was_typed_as_its_first_reading() -> None:
    (token,) = analyse("khoong")
    assert [f.exact for f in token.forms] == ["khoong", "không"]  # "xoong" is a word too: both are searched


@pytest.mark.parametrize("word", ["visa", "nghiep", "sms", "vieetf", "b2", "2025", "hiem"])
def test_words_that_are_not_keystroke_leftovers_are_left_alone(word: str) -> None:
    assert repair(word) is None


def test_a_syllable_closed_by_a_stop_takes_only_the_rising_or_heavy_tone() -> None:
    assert is_syllable("viêt", 5) and is_syllable("viêt", 1)
    assert not is_syllable("viêt", 2)
    assert not is_syllable("bhxh")


# -- tokens and bigrams ---------------------------------------------------------------------------------------


def test_bigrams_pair_neighbouring_syllables_of_one_phrase() -> None:
    terms = index_terms(analyse("Bảo hiểm y tế"))
    assert terms.folded_bigrams == ["bao_hiem", "hiem_y", "y_te"]
    assert len(terms.exact_bigrams) == 3


def test_bigrams_do_not_cross_punctuation() -> None:
    terms = index_terms(analyse("thai sản. Bảo hiểm"))
    assert "san_bao" not in terms.folded_bigrams
    assert "thai_san" in terms.folded_bigrams and "bao_hiem" in terms.folded_bigrams


def test_tokens_split_on_punctuation_and_keep_numbers() -> None:
    assert folded("Điều 31, Luật BHXH 2024/QH15") == ["dieu", "31", "luat", "bao", "hiem", "xa", "hoi", "2024", "qh15"]


# -- the query plan -------------------------------------------------------------------------------------------


def test_a_query_word_typed_with_marks_asks_for_its_exact_form_and_one_without_only_for_the_folded_one() -> None:
    plan = query.plan("đường duong", frequency=lambda w: 1, size=10)
    assert plan.words[0].exact and not plan.words[1].exact
    assert plan.words[0].folded == plan.words[1].folded == ("duong",)


def test_typo_tolerance_applies_to_rare_typed_words_of_four_letters_and_to_unknown_three_letter_words() -> None:
    counts = {"thia": 2, "sna": 0, "san": 40, "nghiep": 30_000}
    plan = query.plan("thia sna san nghiep bhxh", frequency=lambda w: counts.get(w, 0), size=100_000)
    assert [w.fuzzy for w in plan.words] == ["thia", "sna", None, None, None, None, None, None]


def test_a_common_word_is_taken_as_typed() -> None:
    assert not query.typo_prone("nghiep", 30_000, 100_000)
    assert query.typo_prone("nghep", 0, 100_000)
    assert query.typo_prone("nghia", 1, 20)  # a small bank: rare by count


@pytest.mark.parametrize(
    ("typed", "meant", "near"),
    [("thia", "thai", True), ("nghep", "nghiep", True), ("dong", "duong", True), ("thai", "thai", False), ("san", "sinh", False)],
)
def test_one_edit_means_one_letter_changed_added_dropped_or_two_swapped(typed: str, meant: str, near: bool) -> None:
    assert (meant in query.edits(typed)) is near


def test_a_typo_is_tried_against_the_banks_most_frequent_neighbours_of_it() -> None:
    bank = {"nghiep": 900, "nghe": 40, "nghiem": 5}
    assert query.neighbours("nghiep", lambda w: bank.get(w, 0)) == ("nghiem",)
    plan = query.plan("tro cap that nghep", frequency=lambda w: bank.get(w, 0), size=10_000)
    assert plan.words[-1].neighbours == ("nghiep", "nghe")  # the likeliest meant first


def test_highlights_mark_the_matched_words_of_the_original_text_as_one_span_per_phrase() -> None:
    plan = query.plan("bhxh thai san", frequency=lambda w: 1, size=10)
    text = "Chế độ thai sản khi đóng BHXH tự nguyện"
    spans = query.highlight(text, plan)
    assert [text[s:e] for s, e in spans] == ["thai sản", "BHXH"]


def test_highlights_include_typo_neighbours() -> None:
    bank = {"tro", "cap", "that", "nghiep"}
    plan = query.plan("tro cap that nghep", frequency=lambda w: int(w in bank), size=10)
    text = "Trợ cấp thất nghiệp"
    assert [text[s:e] for s, e in query.highlight(text, plan)] == ["Trợ cấp thất nghiệp"]


def test_collapse_keeps_the_best_phrasing_of_each_entry() -> None:
    ranked = [("KB-1", 9.0), ("KB-1", 8.0), ("KB-2", 7.0), ("KB-1", 6.0), ("KB-3", 5.0)]
    assert list(query.collapse(ranked, 2)) == [("KB-1", 9.0), ("KB-2", 7.0)]
