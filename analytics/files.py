"""The SQL files both engines run: the views (views/*.sql) and the named queries (queries/*.sql), in Athena's dialect."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY_DIR = HERE / "queries"
VIEW_DIR = HERE / "views"


@dataclass(frozen=True)
class SqlFile:
    """One statement in a file whose first comment line says what it answers (the named query's description)."""

    path: Path

    @property
    def name(self) -> str:
        """The file's stem: the named query's name and the CLI's argument."""
        return self.path.stem

    @property
    def text(self) -> str:
        """The statement exactly as written (the named query's text)."""
        return self.path.read_text(encoding="utf-8")

    @property
    def question(self) -> str:
        """The first comment line, without its `-- `."""
        first = self.text.splitlines()[0]
        if not first.startswith("-- "):
            raise ValueError(f"{self.path.name}: the first line must be a comment saying what it answers")
        return first.removeprefix("-- ").strip()


def queries() -> list[SqlFile]:
    """Every named query, by name."""
    return [SqlFile(p) for p in sorted(QUERY_DIR.glob("*.sql"))]


def views() -> list[SqlFile]:
    """Every view the queries read, by name (none reads another view, so any order creates them)."""
    return [SqlFile(p) for p in sorted(VIEW_DIR.glob("*.sql"))]


def query(name: str) -> SqlFile:
    """The named query `name`; KeyError names the ones there are."""
    found = {q.name: q for q in queries()}
    if name not in found:
        raise KeyError(f"no query {name!r}; there are: {', '.join(found)}")
    return found[name]
