"""Demo knowledge bank: the starter bank (infra/data/knowledge-bank.json) as the CCC's published national bank —
each entry written, submitted and published (three versions), owned by its unit, its quarterly review due at a
day spread over the quarter so the review queue shows some overdue and some due soon — plus a few local entries
in Hà Nội, a couple of gaps and citations; then the search index is built, as `make run` needs it at start."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from chalicelib.knowledge.domain import NATIONAL, Content, Entry, LegalBasis, Version
from chalicelib.knowledge.service import gap_key, month_of
from chalicelib.knowledge.store import DynamoEntryStore
from chalicelib.shared.clock import SystemClock, to_local
from chalicelib.shared.tenancy import acting_for, allow_national_reads

BANK_FILE = Path(__file__).resolve().parent.parent / "infra" / "data" / "knowledge-bank.json"
OVERDUE_DAYS = 12  # the earliest review dates lie this many days back, the latest a quarter ahead


def content_of(row: dict) -> Content:
    """A starter-bank row as the domain's content."""
    return Content(
        topic=row["topic"],
        question=row["question"],
        answer=row["answer"],
        legal_basis=tuple(
            LegalBasis(b["document"], b.get("article") or "", date.fromisoformat(b["date"]) if b.get("date") else None)
            for b in row.get("legal_basis") or []
        ),
        valid_from=date.fromisoformat(row["valid_from"]),
        valid_until=date.fromisoformat(row["valid_until"]) if row.get("valid_until") else None,
        owner_unit=row["owner_unit"],
        audience=row.get("audience", "public"),
        related=tuple(row.get("related") or ()),
        scenarios=tuple(row.get("scenarios") or ()),
    )


def published(
    entry_id: str,
    tenant: str,
    content: Content,
    *,
    author: str,
    leader: str,
    at: datetime,
    review_due: date,
    status: str = "published",
) -> Entry:
    """An entry written by `author`, submitted, and (unless `status` says otherwise) published by `leader` at `at`."""
    entry = Entry(entry_id, tenant, content, author, at - timedelta(days=2), updated_by=author, updated_at=at)
    snapshot = content.snapshot()
    steps: list[tuple[str, str, str, datetime]] = [("created", "draft", author, at - timedelta(days=2))]
    if status in ("in_review", "published"):
        steps.append(("submitted", "in_review", author, at - timedelta(days=1)))
        entry.submitted_by = author
    if status == "published":
        steps.append(("published", "published", leader, at))
        entry.published_by, entry.published_at, entry.review_due = leader, at, review_due
        entry.updated_by = leader
    entry.status = status  # type: ignore[assignment]
    entry.new_versions = [
        Version(n, when, who, action, tuple(snapshot) if n == 1 else (), state, snapshot)  # type: ignore[arg-type]
        for n, (action, state, who, when) in enumerate(steps, start=1)
    ]
    entry.revision = len(entry.new_versions)
    return entry


def _saved(store: DynamoEntryStore, entry: Entry) -> None:
    store.save(entry)  # one transaction: the entry and its versions


HANOI_ENTRIES = (
    (
        "HN-0001",
        "published",
        Content(
            topic="chung.giao-dich-dien-tu",
            question="Địa chỉ và giờ tiếp nhận hồ sơ của BHXH thành phố Hà Nội?",
            answer="BHXH thành phố Hà Nội tiếp nhận hồ sơ tại Bộ phận một cửa, số 14 phố Láng Hạ, quận Ba Đình:\n"
            "- Sáng từ 8 giờ đến 12 giờ, chiều từ 13 giờ đến 17 giờ, từ thứ Hai đến thứ Sáu;\n"
            "- Sáng thứ Bảy tiếp nhận hồ sơ cấp lại thẻ BHYT và sổ BHXH.\n"
            "Hồ sơ giao dịch điện tử được tiếp nhận mọi lúc qua Cổng Dịch vụ công quốc gia.",
            valid_from=date(2025, 7, 1),
            owner_unit="truyen-thong",
            scenarios=("bhxh ha noi o dau", "giờ làm việc bhxh hà nội", "nộp hồ sơ bhxh hà nội ở láng hạ mấy giờ"),
        ),
    ),
    (
        "HN-0002",
        "in_review",
        Content(
            topic="chung.giao-dich-dien-tu",
            question="Người dân Hà Nội có thể nhận kết quả hồ sơ BHXH qua bưu điện không?",
            answer="Có. Khi nộp hồ sơ, Ông/Bà đăng ký nhận kết quả qua dịch vụ bưu chính công ích; cước do người nhận trả.",
            valid_from=date(2025, 7, 1),
            owner_unit="truyen-thong",
            scenarios=("nhan ket qua qua buu dien ha noi",),
        ),
    ),
    (
        "HN-0003",
        "draft",
        Content(
            topic="chung.giao-dich-dien-tu",
            question="Số điện thoại tư vấn của BHXH thành phố Hà Nội?",
            answer="Ông/Bà gọi tổng đài 1900 9068 của BHXH Việt Nam, hoặc số của Phòng Truyền thông BHXH Hà Nội trong giờ hành chính.",
            valid_from=date(2025, 7, 1),
            owner_unit="truyen-thong",
            audience="internal",
        ),
    ),
)
GAPS = {
    "hanoi": ("bảo hiểm xe máy bắt buộc", "bảo hiểm xe máy bắt buộc", "vay tiền bằng sổ bhxh"),
    NATIONAL: ("mất thẻ ngân hàng nhận lương hưu",),
}
CITED = {"hanoi": ("KB-0001", "KB-0001", "KB-0002"), NATIONAL: ("KB-0001",)}


def seed_knowledge(tenants: tuple[str, ...]) -> dict[str, float]:
    """Write the demo bank for the tenants given (the national bank with `ccc`), then build the index; seconds taken."""
    started = time.perf_counter()
    store = DynamoEntryStore()
    now = SystemClock().now()
    today = to_local(now).date()
    counts: dict[str, float] = {}
    if NATIONAL in tenants:
        rows = json.loads(BANK_FILE.read_text(encoding="utf-8"))
        span = 90 + OVERDUE_DAYS
        with acting_for(NATIONAL):
            for n, row in enumerate(rows):
                due = today - timedelta(days=OVERDUE_DAYS) + timedelta(days=n * span // len(rows))
                at = now - timedelta(days=90) + timedelta(days=n * span // len(rows))
                entry = published(
                    row["id"], NATIONAL, content_of(row), author="ccc.ccc-officer", leader="ccc.leader", at=at, review_due=due
                )
                _saved(store, entry)
        counts["national_entries"] = len(rows)
    if "hanoi" in tenants:
        with acting_for("hanoi"):
            for entry_id, status, content in HANOI_ENTRIES:
                due = today + timedelta(days=5)
                entry = published(
                    entry_id,
                    "hanoi",
                    content,
                    author="hanoi.focal-officer",
                    leader="hanoi.leader",
                    at=now - timedelta(days=30),
                    review_due=due,
                    status=status,
                )
                _saved(store, entry)
    month = month_of(now)
    for tenant, queries in GAPS.items():
        if tenant in tenants:
            with acting_for(tenant):
                for query in queries:
                    store.count_gap(tenant=tenant, month=month, query=gap_key(query), label=gap_key(query))
    for tenant, ids in CITED.items():
        if tenant in tenants and NATIONAL in tenants:
            with acting_for(tenant):
                for entry_id in ids:
                    cited = store.get(tenant=NATIONAL, entry_id=entry_id)
                    if cited is not None:
                        store.count_citation(tenant=tenant, month=month, entry=cited)
    counts["write_seconds"] = round(time.perf_counter() - started, 2)
    build_started = time.perf_counter()
    build_index()
    counts["index_seconds"] = round(time.perf_counter() - build_started, 2)
    return counts


def build_index() -> None:
    """Build the search index from the table now (the CCC's national view reads every bank)."""
    from chalicelib.bootstrap import container

    with acting_for(NATIONAL):
        allow_national_reads()
        container().knowledge_index.rebuild()
