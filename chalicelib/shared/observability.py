"""Logger and metrics shared by every module; personal data is scrubbed from every log line (tracing: shared/tracing.py)."""

from __future__ import annotations

import logging
import os
import re

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit, single_metric

# Art. 3.2, 7.1, 16.1b: personal data is confidential. ID numbers (CMND 9 / CCCD 12 digits), social-insurance
# codes (10), phone numbers (10–11, or +84…) and e-mail addresses never reach a log line, whatever logs them.
_PERSONAL = (
    # 9+ digits in a row: CMND/CCCD, social-insurance codes, the digits of a health-card code, bare phone numbers.
    (re.compile(r"\d{9,}"), "[redacted]"),
    # Phone numbers written in groups: 0912 345 678, 0912.345.678, +84 912 345 678.
    (re.compile(r"(?:\+84[ .-]?|\b0)\d{2,3}[ .-]?\d{3}[ .-]?\d{3,4}\b"), "[redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[redacted-email]"),
)


def scrub(text: str) -> str:
    """Replace anything that looks like an ID number, a phone number or an e-mail address."""
    for pattern, replacement in _PERSONAL:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, scrubbed of personal data after formatting (keys and message alike)."""

    def format(self, record: logging.LogRecord) -> str:  # noqa: A003 - logging's name
        """Format as powertools does, then scrub."""
        return scrub(super().format(record))


logger = Logger(service="cskh", logger_formatter=RedactingFormatter())
metrics = Metrics(namespace="CSKH", service="cskh")


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """One metric in CloudWatch's embedded format, with its own dimensions; nothing when metrics are disabled.

    powertools' `single_metric` prints even with `POWERTOOLS_METRICS_DISABLED=true` (the local stack's and the
    tests' setting), one JSON line per call into the console.
    """
    if os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() == "true":
        return
    with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=metrics.namespace) as metric:
        for key, text in dimensions.items():
            metric.add_dimension(name=key, value=text)
