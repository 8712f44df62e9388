"""The fuzz run of the test suite, recorded: cases and HTTP calls per role, answers by status, failures by check.

The same run as tests/api/test_fuzz.py (tests/fuzzing.py): `python -m local` on a free port with a temporary data
folder and tenants ccc and hanoi, then schemathesis's CLI as each role (examples, coverage and fuzzing phases,
deterministic generation, no shrinking) with the checks not_a_server_error, status_code_conformance and
response_schema_conformance. A finding is any failure of a check or any 5xx.
"""

from __future__ import annotations

import time
from collections import Counter
from importlib import metadata

from .report import Section, table


def run() -> Section:
    """Fuzz once and describe what it did."""
    from tests.fuzzing import CHECKS, MAX_EXAMPLES, PHASES, ROLES, TENANTS, fuzz

    section = Section("Fuzzing the API: schemathesis over /openapi.json as six roles")
    started = time.perf_counter()
    runs, wall = fuzz(ROLES)
    shown = sorted({status for r in runs for status in r.statuses})
    rows = []
    total: Counter[int] = Counter()
    for r in runs:
        total.update(r.statuses)
        failures = ", ".join(f"{name}: {n}" for name, n in r.failures.items()) or "none"
        scope = "sign-in steps" if r.role.login is None else (", ".join(r.role.tags) if r.role.tags else "every operation")
        rows.append(
            (
                f"{r.role.name} ({r.role.tenant}{'' if r.role.login is None else ', ' + r.role.login})",
                scope,
                r.operations,
                r.cases,
                r.calls,
                *(r.statuses.get(s, 0) for s in shown),
                failures,
                f"{r.seconds:.1f}",
            )
        )
    rows.append(
        (
            "**all**",
            "",
            "",
            sum(r.cases for r in runs),
            sum(r.calls for r in runs),
            *(total.get(s, 0) for s in shown),
            "none" if not any(r.failures for r in runs) else "see above",
            f"{wall:.1f} (wall, stack included)",
        )
    )
    headers = ["Role", "Operations", "Tested", "Cases", "HTTP calls", *map(str, shown), "Failed checks", "Seconds"]
    section.add(
        f"schemathesis {metadata.version('schemathesis')}, hypothesis {metadata.version('hypothesis')}; phases "
        f"{', '.join(PHASES)}; at most {MAX_EXAMPLES} generated cases per operation and role in the fuzzing phase (the "
        "coverage phase adds its boundary and negative cases); deterministic generation, no shrinking; checks "
        f"{', '.join(f'`{c}`' for c in CHECKS)}. Stack: `python -m local` with tenants {', '.join(TENANTS)}, two HTTP "
        "workers, a temporary data folder; the tenants' runs side by side, one schemathesis worker each.",
        "",
        "Answers by HTTP status (from the run's HAR); a case may make more than one call:",
        "",
        *table(headers, rows, ["l", "l", "r", "r", "r", *["r"] * len(shown), "l", "r"]),
    )
    server_errors = sum(n for s, n in total.items() if s >= 500)
    failed = [r for r in runs if r.failures or r.exit_code != 0]
    for r in failed:
        section.failures.append(f"fuzz: {r.role.name} failed {r.failures} on {', '.join(r.failed_operations[:10])}")
    if server_errors:
        section.failures.append(f"fuzz: {server_errors} answers were 5xx")
    section.add("", f"5xx answers: {server_errors}. Roles with a failed check: {len(failed)} of {len(runs)}.")
    section.seconds = time.perf_counter() - started
    return section
