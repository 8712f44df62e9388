"""DuckDB over the exported files, with the same table and view names as Athena (dialect.py bridges the SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infra.definitions import ANALYTICS

from . import files
from .dialect import MACROS, to_duckdb

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Result:
    """A query's columns and rows."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def as_dicts(self) -> list[dict[str, Any]]:
        """Each row as {column: value}."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def item_type() -> str:
    """The declared `Item`: each attribute of ANALYTICS.item_attributes as a DynamoDB string (the Glue table's twin)."""
    fields = ", ".join(f'"{name}" STRUCT("S" VARCHAR)' for name in ANALYTICS.item_attributes)
    return f"STRUCT({fields})"


def connect(root: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with `table_export` over every export under `root`, its partitions, and the views."""
    import duckdb  # dev-only, and heavy: only the runner and its tests import it

    pattern = f"{root.resolve()}/{ANALYTICS.export_prefix}/*/AWSDynamoDB/*/data/*.json.gz"
    if not list(root.glob(f"{ANALYTICS.export_prefix}/*/AWSDynamoDB/*/data/*.json.gz")):
        raise FileNotFoundError(f"no export under {root} (python -m analytics export writes one)")
    con = duckdb.connect()
    con.execute("SET autoinstall_known_extensions = false")  # json and icu are built in; nothing is fetched
    con.execute("SET autoload_known_extensions = false")
    for macro in MACROS:
        con.execute(macro)
    literal = pattern.replace("'", "''")
    columns = item_type().replace("'", "''")
    # The snapshot is the export's date, the partition Athena's table has (AWS: registered by the export machine).
    con.execute(
        f"""CREATE VIEW {ANALYTICS.export_table} AS
        SELECT Item AS item, regexp_extract(filename, '/{ANALYTICS.export_prefix}/([^/]+)/AWSDynamoDB/', 1) AS snapshot
        FROM read_json('{literal}', format = 'newline_delimited', columns = {{'Item': '{columns}'}}, filename = true)"""
    )
    con.execute(f'CREATE VIEW "{ANALYTICS.export_table}$partitions" AS SELECT DISTINCT snapshot FROM {ANALYTICS.export_table}')
    for view in files.views():
        con.execute(to_duckdb(view.text))
    return con


def run(con: duckdb.DuckDBPyConnection, name: str) -> Result:
    """Run the named query `name` (analytics/queries/{name}.sql)."""
    cursor = con.execute(to_duckdb(files.query(name).text))
    rows = cursor.fetchall()
    return Result([column[0] for column in cursor.description or []], rows)
