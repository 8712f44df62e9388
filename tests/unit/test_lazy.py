"""Modules loaded on first use (chalicelib/shared/lazy.py): complete for every thread that reads them first."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.shared.lazy import lazy


@pytest.fixture
def slow_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A module whose code takes a while between its first and its last name."""
    name = "lazy_probe_slow"
    (tmp_path / f"{name}.py").write_text("import time\nFIRST = 1\ntime.sleep(0.2)\nLAST = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_its_code_runs_on_the_first_read_not_before(slow_module):
    module = lazy(slow_module)
    assert "LAST" not in object.__getattribute__(module, "__dict__")
    assert module.LAST == 2


def test_threads_reading_it_at_once_all_find_it_complete(slow_module):
    module = lazy(slow_module)
    found: list[object] = []

    def read() -> None:
        try:
            found.append(module.LAST)
        except AttributeError as error:
            found.append(error)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [2] * 8


def test_an_import_elsewhere_gets_the_same_module(slow_module):
    module = lazy(slow_module)
    imported = __import__(slow_module)
    assert imported is module and imported.FIRST == 1
