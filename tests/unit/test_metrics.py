"""Metrics go out in CloudWatch's embedded format when enabled, and not at all when disabled."""

from __future__ import annotations

import json

from chalicelib.shared.observability import count


def test_a_count_is_one_embedded_metric_line_with_its_dimensions(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    count("Requests", route="GET /api/me", status_class="2xx")
    (line,) = capsys.readouterr().out.strip().splitlines()
    emitted = json.loads(line)
    assert emitted["Requests"] == [1.0] and emitted["route"] == "GET /api/me" and emitted["status_class"] == "2xx"
    assert emitted["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "CSKH"


def test_disabled_metrics_print_nothing(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    count("Requests", route="GET /api/me", status_class="2xx")
    assert capsys.readouterr().out == ""
