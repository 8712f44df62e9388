"""The survey's export and archive jobs (Art. 8 steps 4–5): the report as PDF or XLSX, the raw answers as CSV or
XLSX, and the frozen copy an approved report archives."""

from __future__ import annotations

REPORT_JOB = "survey-report"
ANSWERS_JOB = "survey-answers"
ARCHIVE_JOB = "survey-archive"
ARCHIVED = ("pdf", "xlsx", "answers")  # the frozen copy's files, as `GET /api/surveys/{id}/report/files/{format}` names them
