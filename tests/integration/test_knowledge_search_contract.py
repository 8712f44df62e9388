"""One search contract, two implementations: the tantivy index the API opens, and the in-memory fake of the
service tests. What an agent on a call must be able to trust, whichever way the question is typed."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from chalicelib.knowledge.search import IndexedEntry, SearchFilters, SearchHit, SearchIndex
from chalicelib.knowledge.tantivy_index import build_index, open_index
from tests.fakes import FakeSearchIndex

TODAY = date(2026, 3, 2)
START = date(2021, 1, 1)

BANK = [
    IndexedEntry(
        "KB-TS",
        "ccc",
        "bhxh.thai-san",
        "Lao động nữ sinh con được nghỉ chế độ thai sản bao lâu?",
        "Lao động nữ sinh con được nghỉ việc hưởng chế độ thai sản trước và sau khi sinh con là 06 tháng.",
        START,
        scenarios=(
            "sinh con được nghỉ mấy tháng",
            "nghi de duoc bao nhieu thang",
            "chế độ thai sản khi sinh con thứ hai",
            "vợ sinh con chồng có được nghỉ thai sản không",
        ),
    ),
    IndexedEntry(
        "KB-TN",
        "ccc",
        "bhtn.tro-cap",
        "Điều kiện hưởng trợ cấp thất nghiệp là gì?",
        "Người lao động đã đóng bảo hiểm thất nghiệp từ đủ 12 tháng trở lên trong 24 tháng trước khi chấm dứt hợp đồng lao động.",
        START,
        scenarios=("nghỉ việc thì có được nhận tiền thất nghiệp không", "làm sao để hưởng bhtn"),
    ),
    IndexedEntry(
        "KB-TU",
        "ccc",
        "bhxh.tu-nguyen",
        "Mức đóng bảo hiểm xã hội tự nguyện hằng tháng là bao nhiêu?",
        "Mức đóng bằng 22% mức thu nhập tháng do người tham gia lựa chọn.",
        START,
    ),
    IndexedEntry(
        "KB-TNLD",
        "ccc",
        "bhxh.tai-nan",
        "Bị tai nạn lao động trên đường đi làm có được hưởng chế độ không?",
        "Tai nạn trên tuyến đường đi và về từ nơi ở đến nơi làm việc trong khoảng thời gian và tuyến đường hợp lý được hưởng chế độ.",
        START,
    ),
    IndexedEntry(
        "KB-DUONG",
        "ccc",
        "bhyt.thanh-toan",
        "Xét nghiệm dương tính có được bảo hiểm y tế thanh toán không?",
        "Chi phí xét nghiệm được quỹ bảo hiểm y tế thanh toán theo danh mục.",
        START,
    ),
    IndexedEntry(
        "KB-THE",
        "ccc",
        "bhyt.the",
        "Gia hạn thẻ bảo hiểm y tế hộ gia đình ở đâu?",
        "Người tham gia gia hạn thẻ tại đại lý thu hoặc trên ứng dụng VssID.",
        START,
    ),
    IndexedEntry(
        "KB-NGHIA",
        "ccc",
        "bhxh.bat-buoc",
        "Nghĩa vụ đóng bảo hiểm xã hội của doanh nghiệp",
        "Doanh nghiệp đóng 17,5% quỹ tiền lương tháng.",
        START,
    ),
    IndexedEntry(
        "KB-NGHI",
        "ccc",
        "bhxh.om-dau",
        "Nghỉ ốm có phải xin giấy của bệnh viện?",
        "Cần giấy chứng nhận nghỉ việc hưởng bảo hiểm xã hội do cơ sở khám chữa bệnh cấp.",
        START,
    ),
    IndexedEntry(
        "KB-CCCD",
        "ccc",
        "bhxh.so",
        "Đổi số căn cước công dân trên sổ bảo hiểm xã hội thế nào?",
        "Nộp tờ khai TK1-TS kèm bản sao căn cước tại cơ quan bảo hiểm xã hội.",
        START,
    ),
    IndexedEntry(
        "KB-RUT-OLD",
        "ccc",
        "bhxh.mot-lan",
        "Rút bảo hiểm xã hội một lần khi nghỉ việc đủ 12 tháng",
        "Theo quy định cũ, sau 12 tháng nghỉ việc không tiếp tục đóng thì được rút một lần.",
        START,
        valid_until=date(2025, 6, 30),
    ),
    IndexedEntry(
        "KB-RUT-RETIRED",
        "ccc",
        "bhxh.mot-lan",
        "Rút bảo hiểm xã hội một lần cần giấy tờ gì (bản cũ)?",
        "Bản đã thay thế.",
        START,
        status="retired",
    ),
    IndexedEntry(
        "KB-RUT-DRAFT",
        "ccc",
        "bhxh.mot-lan",
        "Rút bảo hiểm xã hội một lần theo luật mới",
        "Đang soạn.",
        START,
        status="draft",
    ),
    IndexedEntry(
        "KB-NOIBO",
        "ccc",
        "bhxh.nghiep-vu",
        "Quy trình đối soát dữ liệu thu bảo hiểm xã hội cuối tháng",
        "Hướng dẫn nội bộ cho cán bộ thu.",
        START,
        audience="internal",
    ),
    IndexedEntry(
        "KB-HN",
        "hanoi",
        "bhxh.dia-chi",
        "Địa chỉ bảo hiểm xã hội quận Cầu Giấy",
        "Bảo hiểm xã hội Hà Nội, cơ sở Cầu Giấy.",
        START,
    ),
    IndexedEntry(
        "KB-HCM",
        "hcm",
        "bhxh.dia-chi",
        "Địa chỉ bảo hiểm xã hội quận Gò Vấp",
        "Bảo hiểm xã hội TP Hồ Chí Minh, cơ sở Gò Vấp.",
        START,
    ),
    IndexedEntry(
        "KB-LATER",
        "ccc",
        "bhxh.huu-tri",
        "Tuổi nghỉ hưu năm 2030",
        "Nam 62 tuổi, nữ 60 tuổi.",
        date(2030, 1, 1),
    ),
]


def _tantivy(entries: list[IndexedEntry], tmp_path: Path) -> SearchIndex:
    build_index(entries, tmp_path / "index")
    return open_index(tmp_path / "index")


def _fake(entries: list[IndexedEntry], tmp_path: Path) -> SearchIndex:
    return FakeSearchIndex(entries)


Factory = Callable[[list[IndexedEntry]], SearchIndex]


@pytest.fixture(params=[_tantivy, _fake], ids=["tantivy", "fake"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    """Builds an index of the given entries with one implementation."""
    return lambda entries: request.param(entries, tmp_path)


@pytest.fixture
def bank(make: Factory) -> SearchIndex:
    """The contract's bank, indexed."""
    return make(BANK)


def ids(hits: list[SearchHit]) -> list[str]:
    """The entry ids, best first."""
    return [h.entry_id for h in hits]


def find(index: SearchIndex, text: str, *, tenant: str = "hanoi", **filters: object) -> list[str]:
    """The entry ids a search finds today."""
    return ids(index.search(tenant=tenant, text=text, on=TODAY, filters=SearchFilters(**filters)))  # type: ignore[arg-type]


# -- typed any way --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "entry"),
    [
        ("bao hiem that nghiep", "KB-TN"),
        ("điều kiện hưởng trợ cấp thất nghiệp", "KB-TN"),
        ("muc dong bhxh tu nguyen", "KB-TU"),
        ("tnlđ tren duong di lam", "KB-TNLD"),
        ("tnld", "KB-TNLD"),
        ("doi so cccd tren so bh", "KB-CCCD"),
        ("gia han the bhyt", "KB-THE"),
        ("baor hieemr y tees gia hanj thẻ", "KB-THE"),
        ("nghi de dc bao nhieu thang", "KB-TS"),
        ("thất nghiệp trợ cấp điều kiện", "KB-TN"),
    ],
)
def test_finds_the_entry_typed_with_or_without_marks_abbreviated_or_in_telex(bank: SearchIndex, typed: str, entry: str) -> None:
    assert find(bank, typed)[0] == entry


def test_dong_without_marks_finds_đóng(bank: SearchIndex) -> None:
    assert "KB-TU" in find(bank, "dong")


def test_a_decomposed_query_finds_what_the_composed_one_finds(bank: SearchIndex) -> None:
    composed = "chế độ thai sản"
    assert find(bank, unicodedata.normalize("NFD", composed)) == find(bank, composed)
    assert find(bank, composed)[0] == "KB-TS"


def test_word_order_is_free(bank: SearchIndex) -> None:
    assert find(bank, "nghiep that hiem bao")[0] == "KB-TN"


def test_an_exact_mark_match_ranks_above_its_folded_look_alike(bank: SearchIndex) -> None:
    marked = find(bank, "đường")
    assert marked.index("KB-TNLD") < marked.index("KB-DUONG")
    assert find(bank, "dương").index("KB-DUONG") < find(bank, "dương").index("KB-TNLD")
    assert {"KB-TNLD", "KB-DUONG"} <= set(find(bank, "duong"))


def test_a_one_letter_typo_is_tolerated(bank: SearchIndex) -> None:
    assert find(bank, "thia san")[0] == "KB-TS"  # two letters swapped
    assert find(bank, "tro cap that nghep")[0] == "KB-TN"  # one letter dropped
    assert find(bank, "gia hna the")[0] == "KB-THE"


def test_what_was_typed_outranks_its_one_letter_neighbour(bank: SearchIndex) -> None:
    found = find(bank, "nghia")
    assert found[0] == "KB-NGHIA"  # "nghĩa" as typed …
    assert "KB-NGHI" in found  # … above "nghỉ", one letter away, which is still offered


def test_nothing_searchable_finds_nothing(bank: SearchIndex) -> None:
    assert find(bank, "  ?!  ") == []
    assert find(bank, "zzqxw") == []


# -- five distinct answers, and why -------------------------------------------------------------------------


def test_scenarios_bring_their_core_entry_once(make: Factory) -> None:
    index = make(BANK)
    hits = index.search(tenant="ccc", text="sinh con nghỉ thai sản", on=TODAY)
    assert ids(hits).count("KB-TS") == 1
    assert len(set(ids(hits))) == len(hits)


def test_many_phrasings_of_one_entry_do_not_crowd_out_the_others(make: Factory) -> None:
    crowded = IndexedEntry(
        "KB-MANY", "ccc", "bhxh.x", "Thẻ bảo hiểm", "Thẻ.", START, scenarios=tuple(f"thẻ bảo hiểm {n}" for n in range(60))
    )
    index = make([crowded, *BANK])
    hits = index.search(tenant="ccc", text="thẻ bảo hiểm", on=TODAY, filters=SearchFilters(limit=3))
    assert len(hits) == 3 and len(set(ids(hits))) == 3


def test_a_hit_says_which_scenario_matched_and_highlights_it(bank: SearchIndex) -> None:
    (hit, *_) = bank.search(tenant="ccc", text="chồng có được nghỉ không", on=TODAY)
    assert hit.entry_id == "KB-TS"
    assert hit.matched.field == "scenario"
    assert hit.matched.scenario == 3
    assert hit.matched.text == "vợ sinh con chồng có được nghỉ thai sản không"
    assert [hit.matched.text[s:e] for s, e in hit.matched.spans] == ["chồng có được nghỉ", "không"]


def test_a_hit_highlights_the_matched_words_of_its_question(bank: SearchIndex) -> None:
    (hit, *_) = bank.search(tenant="ccc", text="tro cap that nghiep", on=TODAY)
    assert hit.question == "Điều kiện hưởng trợ cấp thất nghiệp là gì?"
    assert [hit.question[s:e] for s, e in hit.question_spans] == ["trợ cấp thất nghiệp"]
    assert hit.matched.field == "question"


def test_a_match_in_the_answer_alone_says_so(bank: SearchIndex) -> None:
    (hit, *_) = bank.search(tenant="ccc", text="đại lý thu", on=TODAY)
    assert hit.entry_id == "KB-THE"
    assert hit.matched.field == "answer"
    assert [hit.matched.text[s:e] for s, e in hit.matched.spans] == ["đại lý thu"]


def test_scores_fall_with_rank(bank: SearchIndex) -> None:
    scores = [h.score for h in bank.search(tenant="ccc", text="bảo hiểm xã hội", on=TODAY, filters=SearchFilters(limit=6))]
    assert scores == sorted(scores, reverse=True) and len(scores) == 6


# -- filters, tenancy, validity ------------------------------------------------------------------------------


def test_a_province_sees_its_own_entries_and_the_national_ones_never_another_provinces(bank: SearchIndex) -> None:
    assert "KB-HN" in find(bank, "dia chi bhxh quan", tenant="hanoi")
    assert "KB-HCM" not in find(bank, "dia chi bhxh quan go vap", tenant="hanoi")
    assert "KB-HCM" in find(bank, "dia chi bhxh quan go vap", tenant="hcm")
    assert "KB-TN" in find(bank, "that nghiep", tenant="hcm")


def test_the_centre_sees_the_national_bank_not_the_provinces_local_entries(bank: SearchIndex) -> None:
    assert not {"KB-HN", "KB-HCM"} & set(find(bank, "dia chi bhxh quan", tenant="ccc", limit=20))


def test_expired_retired_and_draft_entries_are_not_found_by_default(bank: SearchIndex) -> None:
    found = find(bank, "rut bhxh 1 lan", tenant="ccc", limit=20)
    assert not {"KB-RUT-OLD", "KB-RUT-RETIRED", "KB-RUT-DRAFT"} & set(found)


def test_an_entry_not_yet_valid_is_not_found(bank: SearchIndex) -> None:
    assert "KB-LATER" not in find(bank, "tuổi nghỉ hưu", tenant="ccc")


def test_an_editor_may_ask_for_expired_or_retired_entries_and_sees_they_are_not_current(bank: SearchIndex) -> None:
    everything = SearchFilters(statuses=frozenset({"published", "retired", "draft"}), current_only=False, limit=20)
    hits = {h.entry_id: h for h in bank.search(tenant="ccc", text="rut bhxh mot lan", on=TODAY, filters=everything)}
    assert {"KB-RUT-OLD", "KB-RUT-RETIRED", "KB-RUT-DRAFT"} <= set(hits)
    assert not any(hits[i].current for i in ("KB-RUT-OLD", "KB-RUT-RETIRED", "KB-RUT-DRAFT"))
    assert all(h.current for i, h in hits.items() if not i.startswith("KB-RUT"))


def test_validity_is_judged_on_the_day_asked_about(bank: SearchIndex) -> None:
    hits = bank.search(tenant="ccc", text="rut bhxh mot lan nghi viec", on=date(2025, 6, 30))
    assert hits[0].entry_id == "KB-RUT-OLD" and hits[0].current


def test_topic_filter_takes_a_branch_of_the_tree(bank: SearchIndex) -> None:
    found = find(bank, "bảo hiểm", tenant="ccc", topic="bhyt", limit=20)
    assert set(found) == {"KB-DUONG", "KB-THE"}
    assert find(bank, "bảo hiểm", tenant="ccc", topic="bhy", limit=20) == []


def test_internal_entries_are_marked_and_can_be_left_out(bank: SearchIndex) -> None:
    (hit,) = [h for h in bank.search(tenant="ccc", text="doi soat du lieu thu", on=TODAY) if h.entry_id == "KB-NOIBO"]
    assert hit.internal and hit.audience == "internal"
    assert "KB-NOIBO" not in find(bank, "doi soat du lieu thu", tenant="ccc", audience="public")


def test_limit_caps_the_hits(bank: SearchIndex) -> None:
    assert len(find(bank, "bảo hiểm", tenant="ccc", limit=2)) == 2
