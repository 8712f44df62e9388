"""Athena's (Trino's) SQL as DuckDB reads it: the files are written once, in Athena's dialect, for both engines.

They keep to what both engines share (struct fields, CASE, window functions, `x + INTERVAL '1' DAY`,
`AT TIME ZONE`, `CROSS JOIN UNNEST … AS t (x)`), and the few differences left are bridged here:
- Trino's functions DuckDB lacks are defined as DuckDB macros of the same name and meaning (MACROS);
- Trino's type syntax DuckDB cannot parse is rewritten (REWRITES): `ARRAY(JSON)` is DuckDB's `JSON[]`;
- Hive's partition listing `"table_export$partitions"` is a DuckDB view of the export's snapshots (engine.py).
tests/integration/test_analytics_queries.py checks each of these against its Trino meaning.
"""

from __future__ import annotations

import re

MACROS: tuple[str, ...] = (
    # Trino: the scalar at a JSON path as varchar, NULL for a JSON null or a missing path.
    "CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)",
    # Trino: an ISO 8601 text with its offset (`…Z`) as a timestamp with time zone.
    "CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
)

REWRITES: tuple[tuple[re.Pattern[str], str], ...] = ((re.compile(r"\bARRAY\s*\(\s*JSON\s*\)", re.IGNORECASE), "JSON[]"),)


def to_duckdb(sql: str) -> str:
    """The statement with Trino's type syntax replaced by DuckDB's (functions are macros, not rewritten)."""
    for pattern, replacement in REWRITES:
        sql = pattern.sub(replacement, sql)
    return sql
