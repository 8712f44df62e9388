"""`chalice package` and `chalice deploy` read app.py with Chalice's analyser (to write the IAM policy): it must parse."""

from __future__ import annotations

from pathlib import Path

from chalice.analyzer import get_client_calls_for_app

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_chalices_policy_analyser_reads_app_py():
    assert isinstance(get_client_calls_for_app(APP.read_text(encoding="utf-8")), dict)
