"""The results page of a survey with 1,000 vs 100,000 responses: items read, calls and time (issue 10, "Measured").

Two surveys on the in-process moto stack, the same design: a 30-question questionnaire (27 closed questions tagged
with the index's 3 angles, 9 factors and 27 criteria — 25 on a 1–5 scale, one single choice, one yes/no — and 3
open ones), an official round stratified in 10 strata (Hà Nội's districts) with the channel (5), target group (4)
and form (2) groups, so each round has 10 × (1 + 5 + 4 + 2) = 120 result cells. The questionnaire is made and
frozen by the questionnaire service; the survey is created by the survey service and its open round written with
the store's `save_part` (the draw of 100,000 members is skipped: the page never reads a member). Writing 100,000
answers through the submission path is too slow for a bench, and the page never reads an answer either, so the
answers are generated in memory, each is counted with `counting.count` (the production counting, the same call
the submission makes), the counts are aggregated per cell with `counting.add` (the reconcile job's recount), and
the cells are written once each through the store's own cell update, `adjust_cells` (DynamoDB ADD) — one update per
cell, the items a page reads exactly as the submissions would have left them.

Timed: `SurveyAnalysis.results` (the survey, its questionnaire version, the round's cells) and
`comparison("channel")` on what it read, as the results page calls them; 21 times for each survey after 2 warm
reads, the two surveys interleaved so that the shared machine's load falls on both alike. DynamoDB calls are
counted on the app's connection. The ranking of a national survey's provinces is the same computation on the
province comparison of the parts' cells (O(parts × cells)), so it is not timed apart. The figure is the ratio
100,000 / 1,000 (goal: items read and calls the same for both, time ≈ 1×).
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from .dynamo_calls import start_stack
from .report import Section, median, table

SIZES = (1_000, 100_000)
TENANT = "hanoi"
STRATA = tuple(f"q{i:02d}" for i in range(1, 11))  # ten districts
CHANNELS = ("hotline", "national_portal", "email", "fanpage", "post")
GROUPS = ("Người lao động", "Người hưởng lương hưu", "Người tham gia BHXH tự nguyện", "Người có thẻ BHYT hộ gia đình")
ANGLES = ("policy", "service", "rights")
READS = 21
WARM = 2


def questionnaire() -> Any:
    """30 questions: 25 on the 1–5 scale, a single choice and a yes/no (all tagged), 3 open ones."""
    from chalicelib.surveys.questionnaire import Choice, Content, Question, Section

    tagged: list[Question] = []
    for i in range(27):
        angle, factor = ANGLES[i // 9], f"Yếu tố {i // 3 + 1}"
        tags = {"angle": angle, "factor": factor, "criterion": f"Tiêu chí {i + 1}"}
        if i == 25:
            choices = (Choice("a", "Rất nhanh"), Choice("b", "Đúng hẹn"), Choice("c", "Chậm"))
            tagged.append(Question(f"q{i + 1}", "single", f"Câu hỏi {i + 1}", choices=choices, **tags))
        elif i == 26:
            tagged.append(Question(f"q{i + 1}", "yes_no", f"Câu hỏi {i + 1}", **tags))
        else:
            tagged.append(Question(f"q{i + 1}", "likert", f"Câu hỏi {i + 1}", **tags))
    open_ones = tuple(Question(f"q{i}", "text", f"Góp ý {i}", required=False) for i in (28, 29, 30))
    return Content(
        title="Phiếu khảo sát (bench)",
        form_kind="individual_interview",
        sections=(Section("Đánh giá", tuple(tagged)), Section("Góp ý", open_ones)),
    )


def _answers(rng: random.Random, version: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for q in version.content.questions():
        if q.kind == "likert":
            found[q.id] = rng.choices((1, 2, 3, 4, 5), (3, 7, 15, 45, 30))[0]
        elif q.kind == "single":
            found[q.id] = rng.choice(("a", "b", "c"))
        elif q.kind == "yes_no":
            found[q.id] = "yes" if rng.random() < 0.8 else "no"
        elif rng.random() < 0.2:
            found[q.id] = "Ý kiến góp ý."
    return found


def _survey(c: Any, version: Any, responses: int) -> Any:
    """The survey (through the service) and its open round (written with the store's system step)."""
    from chalicelib.shared.permissions import Role
    from chalicelib.surveys.domain import Design, Plan, Round, Settings
    from chalicelib.surveys.store import DynamoSurveyStore
    from chalicelib.surveys.tally_store import DynamoTallyStore
    from local.demo_requests import _principal

    owner = _principal(TENANT, Role.FOCAL_OFFICER)
    now = datetime.now(UTC)
    plan = Plan(
        title=f"Khảo sát bench {responses:,}",
        kind="care",
        purpose="Đo thời gian đọc kết quả.",
        period_start=now.date(),
        period_end=now.date() + timedelta(days=60),
        methods=("individual_interview",),
        lead_unit="cham-soc-khach-hang",
        target_groups=GROUPS,
        questionnaire_id=version.questionnaire_id,
    )
    survey = c.surveys.create(tenant=TENANT, actor=owner, plan=plan, settings=Settings())
    per = -(-responses // len(STRATA))
    design = Design(
        "bench-frame", "bench", ("district",), {s: per for s in STRATA}, {}, 0, population={s: per * 20 for s in STRATA}
    )
    survey.rounds.append(Round(1, "official", design, now, owner.username, "open", version.number, now, now + timedelta(days=30)))
    DynamoSurveyStore(journal=None, approvals=None, tally=DynamoTallyStore()).save_part(survey)  # type: ignore[arg-type]
    return survey


def _write(survey: Any, version: Any, responses: int) -> tuple[float, int]:
    """Count `responses` generated answers and write the aggregated cells; (seconds, cells written)."""
    from chalicelib.surveys import counting, index
    from chalicelib.surveys.store import DynamoSurveyStore

    rng = random.Random(responses)
    root = index.tree(version)
    total: dict[counting.CellKey, counting.Values] = {}
    started = time.perf_counter()
    for n in range(responses):
        groups = {
            "channel": rng.choice(CHANNELS),
            "group": rng.choice(GROUPS),
            "form": rng.choice(("individual_interview", "questionnaire")),
        }
        counted = counting.count(version, _answers(rng, version), root=root, weights={}, groups=groups)
        counting.add(total, STRATA[n % len(STRATA)], counted)
    store = DynamoSurveyStore(journal=None, approvals=None, tally=None)  # type: ignore[arg-type]
    store.adjust_cells(tenant=TENANT, survey_id=survey.id, round_number=1, deltas=total)
    return time.perf_counter() - started, len(total)


def _read(c: Any, surveys: list[str]) -> list[dict[str, Any]]:
    """Each survey's results page read READS times, interleaved."""
    from chalicelib.adapters import dynamo

    analysis = c.survey_analysis

    def page(survey_id: str) -> tuple[Any, Any]:
        found = analysis.results(tenant=TENANT, survey_id=survey_id)
        return found, analysis.comparison(found, "channel")

    for survey_id in surveys:
        for _ in range(WARM):
            page(survey_id)
    calls: dict[str, Counter[str]] = {s: Counter() for s in surveys}
    times: dict[str, list[float]] = {s: [] for s in surveys}
    last: dict[str, Any] = {}
    for _ in range(READS):
        for survey_id in surveys:
            stop = dynamo.on_call(lambda operation_name, s=survey_id: calls[s].update([operation_name]))
            try:
                tick = time.perf_counter()
                last[survey_id] = page(survey_id)
                times[survey_id].append((time.perf_counter() - tick) * 1000)
            finally:
                stop()
    return [
        {
            "found": last[s][0],
            "comparison": last[s][1],
            "cells": len(last[s][0].source.cells),
            "calls": {op: n // READS for op, n in calls[s].items()},
            "median": median(times[s]),
            "p90": sorted(times[s])[int(0.9 * (len(times[s]) - 1))],
        }
        for s in surveys
    ]


def run(sizes: tuple[int, ...] = SIZES) -> Section:
    """Measure and report."""
    section = Section("Survey results page: items read and time, 1,000 vs 100,000 responses")
    started = time.perf_counter()
    server, _ = start_stack(tenants=None)
    try:
        from chalicelib.bootstrap import container
        from chalicelib.shared.tenancy import acting_for

        c = container()
        with acting_for(TENANT):
            made = c.questionnaires.create(tenant=TENANT, actor="bench", content=questionnaire())
            version = c.questionnaires.freeze(tenant=TENANT, questionnaire_id=made.id)
            surveys = [_survey(c, version, size) for size in sizes]
            written = [_write(s, version, size) for s, size in zip(surveys, sizes, strict=True)]
            reads = _read(c, [s.id for s in surveys])
        rows = []
        for size, (seconds, cells), r in zip(sizes, written, reads, strict=True):
            results = r["found"].results
            if results.respondents != size:
                section.failures.append(f"Survey results: {size:,} responses read back as {results.respondents:,}")
            items = r["cells"] + 2  # the cells, the survey, the questionnaire version
            overall = results.overall
            rows.append((size, seconds, cells, items, r, overall))
        section.add(
            __doc__.split("\n\n", 1)[1].strip(),  # type: ignore[union-attr]
            "",
            *table(
                (
                    "Responses",
                    "Counted and written, s",
                    "Cells written",
                    "Items read",
                    "DynamoDB calls per page",
                    "Page, median ms",
                    "Page, p90 ms",
                    "Overall index",
                ),
                [
                    (
                        f"{size:,}",
                        f"{seconds:.1f}",
                        cells,
                        items,
                        ", ".join(f"{op} × {n}" for op, n in sorted(r["calls"].items())),
                        f"{r['median']:.1f}",
                        f"{r['p90']:.1f}",
                        f"{overall.value:.3f} ± {overall.margin:.3f}" if overall else "—",
                    )
                    for size, seconds, cells, items, r, overall in rows
                ],
                ["r", "r", "r", "r", "l", "r", "r", "r"],
            ),
        )
        if len(rows) >= 2:
            small, large = rows[0], rows[-1]
            item_ratio = large[3] / small[3]
            call_ratio = sum(large[4]["calls"].values()) / sum(small[4]["calls"].values())
            time_ratio = large[4]["median"] / small[4]["median"]
            section.add(
                "",
                f"**Ratio {large[0]:,} / {small[0]:,} responses: items read {item_ratio:.2f}×, calls {call_ratio:.2f}×, "
                f"page time {time_ratio:.2f}×** (items = 10 strata × 12 cells + the survey + its questionnaire version; "
                "never a member or an answer).",
            )
            if item_ratio > 1.0 or call_ratio > 1.0:
                section.failures.append(f"Survey results: OVER TARGET, items read grow {item_ratio:.2f}× with responses")
            if time_ratio > 1.5:
                section.failures.append(f"Survey results: page time {time_ratio:.2f}× at {large[0]:,} responses")
    finally:
        server.stop()
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    chosen = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print(run(chosen).markdown())
