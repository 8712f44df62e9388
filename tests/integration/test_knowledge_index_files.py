"""The tantivy index as a file: built by a job, packed into one archive, unpacked and opened where the API runs."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from chalicelib.knowledge.search import IndexedEntry
from chalicelib.knowledge.tantivy_index import MANIFEST, IndexFormatError, build_index, open_index, pack, unpack

ROOT = Path(__file__).resolve().parents[2]
ENTRY = IndexedEntry("KB-1", "ccc", "bhtn", "Điều kiện hưởng trợ cấp thất nghiệp", "Đóng đủ 12 tháng.", date(2021, 1, 1))


def test_an_index_packed_into_one_archive_opens_elsewhere_and_finds_the_same(tmp_path: Path) -> None:
    stats = build_index([ENTRY], tmp_path / "built")
    archive = pack(tmp_path / "built", tmp_path / "knowledge.tar.gz")
    opened = open_index(unpack(archive, tmp_path / "lambda-tmp" / "knowledge"))
    (hit,) = opened.search(tenant="hanoi", text="tro cap that nghiep", on=date(2026, 1, 1))
    assert hit.entry_id == "KB-1"
    assert (stats.entries, stats.documents) == (1, 1)


def test_unpacking_again_replaces_the_previous_index(tmp_path: Path) -> None:
    build_index([ENTRY], tmp_path / "v1")
    other = IndexedEntry("KB-2", "ccc", "bhyt", "Gia hạn thẻ bảo hiểm y tế", "Tại đại lý thu.", date(2021, 1, 1))
    build_index([other], tmp_path / "v2")
    target = tmp_path / "knowledge"
    unpack(pack(tmp_path / "v1", tmp_path / "v1.tar.gz"), target)
    opened = open_index(unpack(pack(tmp_path / "v2", tmp_path / "v2.tar.gz"), target))
    assert [h.entry_id for h in opened.search(tenant="ccc", text="the bhyt", on=date(2026, 1, 1))] == ["KB-2"]
    assert opened.search(tenant="ccc", text="that nghiep", on=date(2026, 1, 1)) == []


def test_an_index_of_another_format_is_refused_so_it_gets_rebuilt(tmp_path: Path) -> None:
    build_index([ENTRY], tmp_path / "index")
    (tmp_path / "index" / MANIFEST).write_text(json.dumps({"format": 0}), encoding="utf-8")
    with pytest.raises(IndexFormatError):
        open_index(tmp_path / "index")
    with pytest.raises(IndexFormatError):
        open_index(tmp_path / "nothing-here")


def test_importing_the_knowledge_package_does_not_load_tantivy() -> None:
    """Cold start: the engine loads on the first search, not when the app imports its modules."""
    code = (
        "import sys; import chalicelib.knowledge.tantivy_index, chalicelib.knowledge.search, chalicelib.knowledge.query; "
        "print('tantivy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_large_banks_query_leaves_out_words_in_most_phrasings_yet_finds_the_answer(tmp_path: Path) -> None:
    from tests.integration.test_knowledge_search_contract import BANK, TODAY

    build_index(BANK, tmp_path / "index")
    index = open_index(tmp_path / "index")
    index.COMMON_FROM = 0  # as if the bank were large: "bảo hiểm" is in most of this one's phrasings
    assert index._telling([("phrase_folded", "bao", 1.0), ("phrase_folded", "han", 1.0)]) == [("phrase_folded", "han", 1.0)]
    assert index.search(tenant="ccc", text="gia hạn bảo hiểm", on=TODAY)[0].entry_id == "KB-THE"
    assert index.search(tenant="ccc", text="bảo hiểm xã hội", on=TODAY)  # only common words: the least common kept
