"""Markdown helpers and the machine facts every results file starts with."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


@dataclass
class Section:
    """One benchmark's part of results.md: a title, markdown lines, and whether a finding failed."""

    title: str
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, *lines: str) -> None:
        """Append markdown lines."""
        self.lines.extend(lines)

    def markdown(self) -> str:
        """The section as markdown."""
        return "\n".join([f"## {self.title}", "", *self.lines, "", f"_Benchmark ran in {self.seconds:.1f} s._", ""])


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], align: Sequence[str] | None = None) -> list[str]:
    """A markdown table; `align` holds 'l' or 'r' per column (right-aligned numbers read better)."""
    align = align or ["l"] * len(headers)
    rule = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    for row in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
    return out


def median(values: Sequence[float]) -> float:
    """The median (0 for no values)."""
    return float(statistics.median(values)) if values else 0.0


def _nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(os.cpu_count())


def cpu_model() -> str:
    """The CPU's model name."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def machine_facts() -> list[str]:
    """Date, CPU count (`nproc`), CPU model, memory, Python and the versions that matter."""
    versions = ", ".join(
        f"{d} {_version(d)}" for d in ("boto3", "botocore", "chalice", "pynamodb", "aws-lambda-powertools", "moto")
    )
    return table(
        ["Fact", "Value"],
        [
            ("Date (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M")),
            ("nproc", _nproc()),
            ("CPU", cpu_model()),
            ("Memory", _memory()),
            ("Load average at start (1/5/15 min)", " / ".join(f"{v:.2f}" for v in os.getloadavg())),
            ("OS", f"{platform.system()} {platform.release()}"),
            ("Python", f"{platform.python_implementation()} {sys.version.split()[0]} ({PYTHON.relative_to(ROOT)})"),
            ("Packages", versions),
        ],
    )
