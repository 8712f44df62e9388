"""The knowledge bank's export and import jobs at 112,000 entries: time, peak memory, file size, rows per second.

Each measurement runs in a fresh process (`python -m bench.jobs_export MODE FORMAT`) through the job handlers
themselves (chalicelib/knowledge/transfer_jobs.py), with the bank streamed from a generator and the files on local
disk (no S3, no DynamoDB: the figures are the writer's and the reader's). Peak memory is the process's maximum
resident set (getrusage), the interpreter and its imports included; the baseline line is that process before the
job. The entries are the starter bank's 173, varied to 112,000 (about 1.2 KB of answer and 5 phrasings each).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .report import Section, table

ENTRIES = 112_000
ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/bench-jobs-export")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def entries(count: int) -> Iterator[Any]:
    """`count` entries made from the starter bank, one at a time."""
    from chalicelib.knowledge.transfer import EntryRecord, LegalBasis

    raw = json.loads((ROOT / "infra" / "data" / "knowledge-bank.json").read_text(encoding="utf-8"))
    for n in range(count):
        e = raw[n % len(raw)]
        yield EntryRecord(
            id=f"KB-{n:06d}",
            topic=e["topic"],
            question=f"{e['question']} (biến thể {n})",
            answer=e["answer"],
            legal_basis=tuple(
                LegalBasis(b["document"], b.get("article", ""), date.fromisoformat(b["date"]) if b.get("date") else None)
                for b in e["legal_basis"]
            ),
            valid_from=date.fromisoformat(e["valid_from"]) if e["valid_from"] else None,
            valid_until=date.fromisoformat(e["valid_until"]) if e["valid_until"] else None,
            audience=e["audience"],
            status="published",
            owner_unit=e["owner_unit"],
            related=tuple(e["related"]),
            scenarios=tuple(e["scenarios"]),
        )


class _Bank:
    def __init__(self, count: int) -> None:
        self.count_ = count
        self.written = 0

    def count(self, *, tenant: str) -> int:
        return self.count_

    def entries(self, *, tenant: str) -> Iterator[Any]:
        return entries(self.count_)

    def import_entries(self, *, tenant: str, actor: str, entries: Sequence[Any]) -> None:
        self.written += len(entries)


class _Files:
    """The bucket as a folder."""

    def put(self, *, key: str, path: Path, content_type: str) -> int:
        target = WORK / key.replace("/", "_")
        path.replace(target)
        return target.stat().st_size

    def fetch(self, *, key: str, path: Path) -> int:
        shutil.copyfile(WORK / key, path)  # streamed, as the S3 adapter copies in chunks
        return path.stat().st_size


def one(mode: str, fmt: str) -> dict[str, float]:
    """One measurement in this process."""
    import tempfile

    from chalicelib.jobs.domain import QUEUED, Job
    from chalicelib.jobs.service import JobRun
    from chalicelib.knowledge.transfer_jobs import KnowledgeTransfer
    from chalicelib.shared.clock import FixedClock

    WORK.mkdir(exist_ok=True)
    bank = _Bank(ENTRIES)
    handlers = KnowledgeTransfer(bank=bank, clock=FixedClock(datetime(2026, 3, 2, tzinfo=UTC)))
    params: dict[str, Any] = {"format": fmt} if mode == "export" else {"key": f"input.{fmt}", "file_name": f"input.{fmt}"}
    job = Job(
        id="bench", tenant="ccc", kind=mode, requested_by="bench", status=QUEUED, created_at=datetime.now(UTC), params=params
    )
    baseline = _rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        run = JobRun(job, _Files(), Path(folder), lambda done, total, stage: None)  # type: ignore[arg-type]
        started = time.perf_counter()
        output = handlers.export_bank(run) if mode == "export" else handlers.import_bank(run)
        seconds = time.perf_counter() - started
    result = {"seconds": seconds, "peak_mb": _rss_mb(), "baseline_mb": baseline}
    if output is not None:
        produced = WORK / output.key.replace("/", "_")
        produced.replace(WORK / f"input.{fmt}")
        result["bytes"] = float(output.size)
    else:
        result["rows"] = float(bank.written)
    return result


def _measure(mode: str, fmt: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.jobs_export", mode, fmt], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _import_time() -> float:
    """openpyxl's import in a fresh interpreter, in ms (best of 5)."""
    code = "import time; t = time.perf_counter(); import openpyxl; print((time.perf_counter() - t) * 1000)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout) for _ in range(5)
    ]
    return min(runs)


def run() -> Section:
    """Export then import 112,000 entries in each format."""
    section = Section("Knowledge bank export and import jobs (112,000 entries)")
    rows = []
    for fmt in ("xlsx", "csv"):
        export = _measure("export", fmt)
        imported = _measure("import", fmt)
        size = export["bytes"] / 1024 / 1024
        rows.append(
            [
                f"export {fmt}",
                f"{export['seconds']:.1f}",
                f"{ENTRIES / export['seconds']:,.0f}",
                f"{export['peak_mb']:.0f}",
                f"{export['baseline_mb']:.0f}",
                f"{size:.1f}",
            ]
        )
        rows.append(
            [
                f"import {fmt} (check + write)",
                f"{imported['seconds']:.1f}",
                f"{imported['rows'] / imported['seconds']:,.0f}",
                f"{imported['peak_mb']:.0f}",
                f"{imported['baseline_mb']:.0f}",
                "",
            ]
        )
        if imported["rows"] != ENTRIES:
            section.failures.append(f"import {fmt} wrote {imported['rows']:.0f} of {ENTRIES} entries")
    section.add(
        *table(
            ["job", "seconds", "rows/s", "peak RSS MB", "RSS before MB", "file MB"],
            rows,
            ["l", "r", "r", "r", "r", "r"],
        ),
        "",
        f"openpyxl import in a fresh interpreter: {_import_time():.0f} ms (best of 5); it is imported only by an XLSX job.",
    )
    return section


if __name__ == "__main__":
    print(json.dumps(one(sys.argv[1], sys.argv[2])))
