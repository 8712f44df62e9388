"""Schemathesis over /openapi.json as several roles on a throwaway local stack (tests/fuzzing.py): no 5xx, every
status and every body as the contract documents them. Bounded (about a minute on two cores); `-m "not fuzz"` skips it."""

from __future__ import annotations

import pytest

from tests.fuzzing import ROLES, fuzz


@pytest.mark.fuzz
def test_generated_calls_get_no_5xx_and_only_documented_statuses_and_bodies():
    runs, _ = fuzz(ROLES)
    found = {
        run.role.name: {"failures": run.failures, "operations": run.failed_operations, "output": run.output[-3000:]}
        for run in runs
        if run.failures or run.exit_code != 0
    }
    assert not found, found
    for run in runs:
        assert run.operations > 0 and run.cases > 0 and run.calls >= run.cases, run.role.name
        assert not any(status >= 500 for status in run.statuses), (run.role.name, run.statuses)
        assert run.statuses[429] < run.calls / 10, (run.role.name, "the run was throttled, not fuzzed")
        if run.role.login is not None:
            # The run reached the operations as the role: its token held to the end (not every answer a 401).
            assert run.statuses[401] < run.calls / 10 and sum(n for s, n in run.statuses.items() if s < 300) > 0, run.role.name
