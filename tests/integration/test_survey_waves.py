"""The waves machine (infra/statemachines/survey-waves.asl.json) run by moto's Step Functions: a round's send, its
reminders and its close reach the jobs queue in order, at their times; the service makes a closed round's later
steps do nothing."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from tests.api.test_survey_race import _open_round


def _mine(stack: Any, survey_id: str, expected: int, seconds: float = 60.0) -> list[str]:
    """The steps of this survey's wave messages, in the order the queue received them; others' are left visible."""
    sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name=stack.region)
    found: list[tuple[int, str]] = []
    deadline = time.monotonic() + seconds
    while len(found) < expected and time.monotonic() < deadline:
        got = sqs.receive_message(
            QueueUrl=stack.jobs_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["SentTimestamp"]
        ).get("Messages", [])
        for m in got:
            body = json.loads(m["Body"])
            if body.get("type") == "survey_wave" and body.get("survey_id") == survey_id:
                found.append((int(m["Attributes"]["SentTimestamp"]), body["step"]))
                sqs.delete_message(QueueUrl=stack.jobs_queue_url, ReceiptHandle=m["ReceiptHandle"])
            else:
                sqs.change_message_visibility(
                    QueueUrl=stack.jobs_queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
                )
    return [step for _, step in sorted(found)]


def test_the_machine_sends_reminds_twice_and_closes_in_that_order(stack: Any, unique: str) -> None:
    from chalicelib.adapters.stepfunctions import SurveyWaves

    client = boto3.client("stepfunctions", endpoint_url=stack.endpoint, region_name=stack.region)
    waves = SurveyWaves(client, arn=stack.app_environment(base_domain="localhost")["SURVEY_WAVES_STATE_MACHINE_ARN"])
    now = datetime.now(UTC)
    survey_id = f"waves{unique}"
    steps = [(now + timedelta(seconds=s), step) for s, step in ((1, "send"), (3, "remind"), (5, "remind"), (7, "close"))]
    waves.start(tenant="hanoi", survey_id=survey_id, round_number=1, steps=steps)
    waves.start(tenant="hanoi", survey_id=survey_id, round_number=1, steps=steps)  # a retried open: the same execution
    assert _mine(stack, survey_id, 4) == ["send", "remind", "remind", "close"]
    assert _mine(stack, survey_id, 1, seconds=3) == [], "one execution, each step once"


def test_a_round_closed_early_makes_the_later_steps_do_nothing(api: Any, unique: str, run_jobs: Any, sent: Any) -> None:
    from chalicelib import bootstrap
    from chalicelib.shared.tenancy import acting_for

    survey_id, _ = _open_round(api, unique, run_jobs)
    officer = api("hanoi").login("focal-officer")
    version = officer.get(f"/api/surveys/{survey_id}").json["version"]
    closed = officer.post(f"/api/surveys/{survey_id}/rounds/1/close", {"version": version})
    assert closed.status == 200, closed.text
    before = len(sent()["bulk"]) + len(sent()["emails"])
    service = bootstrap.container().surveys
    with acting_for("hanoi"):
        for step in ("send", "remind", "close"):
            assert service.on_wave(tenant="hanoi", survey_id=survey_id, round_number=1, step=step) == 0
    assert len(sent()["bulk"]) + len(sent()["emails"]) == before
    assert officer.get(f"/api/surveys/{survey_id}").json["rounds"][0]["status"] == "closed"
