"""The knowledge bank the search benchmark runs on: the starter bank, its labelled queries, and synthetic entries.

A *size* counts every searchable text — core entries and their scenarios — in the real bank's mix (seeds/004: over
2,000 core entries and 110,000 chatbot scenarios, so about 1 core entry in 56 texts). The starter bank
(`infra/data/knowledge-bank.json`) is included as written, so the labelled queries
(`bench/data/knowledge-queries.json`) have their targets; the rest is generated from it with a fixed seed: each
synthetic entry is a starter question narrowed to a group of people, a province, a circumstance or a year (the
way a real bank holds one question per case), and its scenarios are the ways people type it — with and without
marks, abbreviated, with an opener or a tail, a word dropped, now and then a typo. Most entries are national;
some are a province's own, some internal, draft, retired or expired, as in a live bank.

The data files are read from this checkout, or from the checkout named by KNOWLEDGE_DATA_ROOT while they live on
another branch.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from chalicelib.knowledge.search import IndexedEntry, Status
from chalicelib.knowledge.syllables import fold
from chalicelib.tenancy.catalog import PROVINCE_CODES, TENANT_BY_CODE

from .report import ROOT

SEED = 20260301
TEXTS_PER_CORE = 56  # 112,000 / 2,000
BANK = Path("infra/data/knowledge-bank.json")
QUERIES = Path("bench/data/knowledge-queries.json")

GROUPS = (
    "lao động nữ", "người lao động làm việc ở nước ngoài", "công chức, viên chức", "người hoạt động không chuyên trách ở xã",
    "người làm việc theo hợp đồng dưới 1 tháng", "chủ hộ kinh doanh", "người nước ngoài làm việc tại Việt Nam", "quân nhân xuất ngũ",
    "học sinh, sinh viên", "người cao tuổi", "hộ nghèo", "hộ cận nghèo", "trẻ em dưới 6 tuổi", "người khuyết tật",
    "người dân tộc thiểu số", "giáo viên hợp đồng", "công nhân khu công nghiệp", "lao động tự do", "nông dân", "ngư dân",
    "tài xế công nghệ", "người giúp việc gia đình", "người quản lý doanh nghiệp", "người làm việc không trọn thời gian",
)  # fmt: skip
CIRCUMSTANCES = (
    "khi chuyển sang công ty khác", "khi đang nghỉ không lương", "sau khi nghỉ việc", "khi hợp đồng hết hạn",
    "khi làm việc ở hai nơi", "trong thời gian thử việc", "khi bị mất sổ", "khi đổi họ tên", "khi ra nước ngoài định cư",
    "khi công ty nợ đóng", "khi công ty giải thể", "khi đang hưởng lương hưu", "khi đang mang thai", "khi bị bệnh dài ngày",
    "khi chuyển hộ khẩu sang tỉnh khác", "khi đã quá hạn nộp hồ sơ", "khi làm thủ tục qua VssID", "khi nộp hồ sơ qua bưu điện",
)  # fmt: skip
EXTRA_ANSWERS = (
    "Hồ sơ nộp tại cơ quan bảo hiểm xã hội nơi cư trú hoặc qua Cổng Dịch vụ công quốc gia.",
    "Thời hạn giải quyết là {n} ngày làm việc kể từ ngày nhận đủ hồ sơ theo quy định.",
    "Người tham gia có thể tra cứu quá trình đóng trên ứng dụng VssID.",
    "Trường hợp cần hỗ trợ, vui lòng gọi tổng đài 1900 9068.",
    "Đơn vị sử dụng lao động có trách nhiệm lập hồ sơ và nộp trong thời hạn {n} ngày.",
)
OPENERS = (
    "",
    "",
    "cho em hỏi",
    "xin hỏi",
    "mình muốn hỏi",
    "ad cho hỏi",
    "chị ơi cho hỏi",
    "tổng đài cho tôi hỏi",
    "nhờ tư vấn giúp",
)
TAILS = ("", "", "ạ", "với ạ", "vậy", "thế ạ", "không ạ", "ạ, cảm ơn")
SHORT = (
    ("bảo hiểm xã hội", "bhxh"), ("bảo hiểm y tế", "bhyt"), ("bảo hiểm thất nghiệp", "bhtn"), ("người lao động", "nld"),
    ("tai nạn lao động", "tnld"), ("căn cước công dân", "cccd"), ("không", "ko"), ("được", "dc"), ("người", "ng"),
)  # fmt: skip


@dataclass(frozen=True)
class Labelled:
    """An agent's query and the entries that answer it."""

    query: str
    expected: tuple[str, ...]
    kind: str


def data_root() -> Path:
    """This checkout when it holds the starter bank, else KNOWLEDGE_DATA_ROOT (the content branch's worktree)."""
    if (ROOT / BANK).exists():
        return ROOT
    return Path(os.environ.get("KNOWLEDGE_DATA_ROOT", ROOT))


def starter() -> list[IndexedEntry]:
    """The starter bank as the index sees it: national, published (empty when the file is not there)."""
    path = data_root() / BANK
    if not path.exists():
        return []
    return [
        IndexedEntry(
            id=row["id"],
            tenant="ccc",
            topic=row["topic"],
            question=row["question"],
            answer=row["answer"],
            valid_from=date.fromisoformat(row["valid_from"]),
            valid_until=date.fromisoformat(row["valid_until"]) if row.get("valid_until") else None,
            scenarios=tuple(row.get("scenarios", ())),
            audience=row.get("audience", "public"),
            status=row.get("status", "published"),
        )
        for row in json.loads(path.read_text(encoding="utf-8"))
    ]


def labelled() -> list[Labelled]:
    """The labelled agent queries (empty when the file is not there)."""
    path = data_root() / QUERIES
    if not path.exists():
        return []
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Labelled(r["query"], tuple(r["expected"]), r.get("kind", "other")) for r in rows]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _drop_word(rng: random.Random, text: str) -> str:
    words = text.split()
    if len(words) > 4:
        del words[rng.randrange(1, len(words) - 1)]
    return " ".join(words)


def _typo(rng: random.Random, text: str) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if long:
        i = rng.choice(long)
        j = rng.randrange(len(words[i]) - 1)
        w = words[i]
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def phrasing(rng: random.Random, question: str) -> str:
    """One way a citizen or an agent types `question`."""
    text = question.rstrip("?").strip()
    if rng.random() < 0.5:
        for long, short in SHORT:
            if rng.random() < 0.6:
                text = re.sub(long, short, text, flags=re.IGNORECASE)
    if rng.random() < 0.3:
        text = _drop_word(rng, text)
    text = " ".join(p for p in (rng.choice(OPENERS), _lower_first(text), rng.choice(TAILS)) if p)
    if rng.random() < 0.4:
        text = fold(text)
    if rng.random() < 0.08:
        text = _typo(rng, text)
    return text


def _narrowed(rng: random.Random, question: str) -> str:
    base = question.rstrip("?").strip()
    if rng.random() < 0.3:
        base = _drop_word(rng, base)
    how = rng.randrange(4)
    if how == 0:
        return f"Đối với {rng.choice(GROUPS)}, {_lower_first(base)}?"
    if how == 1:
        return f"{base} {rng.choice(CIRCUMSTANCES)}?"
    if how == 2:
        return f"Tại {TENANT_BY_CODE[rng.choice(PROVINCE_CODES)].name}, {_lower_first(base)}?"
    return f"{base} từ năm {rng.randint(2016, 2030)}?"


def _status(rng: random.Random) -> Status:
    roll = rng.random()
    return "published" if roll < 0.92 else "in_review" if roll < 0.95 else "draft" if roll < 0.97 else "retired"


def synthetic(
    size: int, bank: list[IndexedEntry], today: date, seed: int = SEED, origins: dict[str, str] | None = None
) -> Iterator[IndexedEntry]:
    """The starter bank, then synthetic entries, until `size` texts (core entries + scenarios) in all; `origins`,
    when given, gets each synthetic entry's starter entry (the question it narrows)."""
    rng = random.Random(seed)
    texts = 0
    for entry in bank:
        texts += 1 + len(entry.scenarios)
        yield entry
    number = 0
    while texts < size and bank:
        base = rng.choice(bank)
        number += 1
        question = _narrowed(rng, base.question)
        wanted = min(size - texts - 1, max(0, int(rng.gauss(TEXTS_PER_CORE - 1, 12))))
        scenarios = list(dict.fromkeys(phrasing(rng, question) for _ in range(wanted + wanted // 4)))[:wanted]
        first = base.answer.split("\n")[0].split(". ")[0].rstrip(".")
        extra = rng.choice(EXTRA_ANSWERS).format(n=rng.choice((5, 7, 10, 15, 20, 30)))
        valid_from = today - timedelta(days=rng.randint(30, 3000))
        expired = rng.random() < 0.05
        if base.valid_until is not None:  # a copy of a rule no longer in force is no longer in force either
            valid_from, expired = base.valid_from, False
        entry = replace(
            base,
            id=f"SYN-{number:07d}",
            tenant="ccc" if rng.random() < 0.9 else rng.choice(PROVINCE_CODES),
            question=question,
            answer=f"{first}. {extra}",
            valid_from=valid_from,
            valid_until=today - timedelta(days=rng.randint(1, 400)) if expired else base.valid_until,
            scenarios=tuple(scenarios),
            audience="internal" if rng.random() < 0.08 else "public",
            status=_status(rng),
        )
        texts += 1 + len(scenarios)
        if origins is not None:
            origins[entry.id] = base.id
        yield entry


def random_queries(entries: list[IndexedEntry], count: int, seed: int = SEED + 1) -> list[str]:
    """Queries typed from random entries' questions or scenarios the way agents type them: three to nine words,
    most without the opener (for latency, not for hit@5)."""
    rng = random.Random(seed)
    queries = []
    for entry in rng.sample(entries, min(count, len(entries))):
        text = phrasing(rng, rng.choice((entry.question, *entry.scenarios)))
        for opener in sorted(OPENERS, key=len, reverse=True):
            if opener and text.startswith((opener, fold(opener))) and rng.random() < 0.7:
                text = text.split(" ", len(opener.split()))[-1]
                break
        words = text.split()
        start = rng.randrange(max(1, len(words) - 3))
        queries.append(" ".join(words[start : start + rng.randint(3, 9)]))
    return queries
