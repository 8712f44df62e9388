"""Invitations for a survey round of 100,000 respondents: SES and SNS calls, time to prepare and enqueue, peak memory.

moto's server runs in a child process (with the local stack's patches and its emulated SES events), so the
parent's figures are the app's own: tracemalloc's peak is what the app allocates to issue the links, write the
deliveries and queue the first chunk; the calls are counted on the app's botocore clients. 85 % of respondents
have an e-mail address, the others only a phone. Sending runs the jobs worker's chunks back to back (no pacing
delay), as many as it takes.

`python -m bench.survey_invitations [N]` runs it alone (N respondents, default 100,000).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from .report import ROOT, Section, table

RESPONDENTS = 100_000
EMAIL_SHARE = 0.85
SES_GOAL = 2_000
GROUP = "bench-survey.official"

_CHILD = """
import json, sys, time
from local import aws
port = aws.free_port()
server = aws.start_moto(port)
resources = aws.provision(f"http://127.0.0.1:{port}")
print(resources.to_json(), flush=True)
sys.stdin.read()
server.stop()
"""


def _start_moto() -> tuple[subprocess.Popen[str], dict[str, Any]]:
    child = subprocess.Popen([sys.executable, "-c", _CHILD], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    return child, json.loads(child.stdout.readline())


def _bind(resources: dict[str, Any]) -> Counter[str]:
    """The app bound to the child's stack; returns the counter of its AWS calls by service.operation."""
    from local.aws import Resources

    for limit in ("RATE_LIMIT_USER", "RATE_LIMIT_CLIENT", "RATE_LIMIT_TENANT"):
        os.environ.setdefault(limit, "0")
    os.environ.update(Resources(**resources).app_environment(base_domain="localhost"))
    from chalicelib import bootstrap
    from chalicelib.adapters import clients, dynamo
    from chalicelib.config import settings

    calls: Counter[str] = Counter()

    def count(model: Any, **kwargs: Any) -> None:
        calls[f"{model.service_model.service_name}.{model.name}"] += 1

    clients.session().register("before-call", count, unique_id="bench-invitations")
    settings.cache_clear()
    bootstrap.reset()
    bootstrap.container()
    dynamo.connection().client.meta.events.register("before-call", count, unique_id="bench-invitations")
    return calls


def _respondents(n: int) -> list[dict[str, str]]:
    cut = int(n * EMAIL_SHARE)
    return [
        {"member_id": f"m{i:06d}", **({"email": f"r{i}@example.vn"} if i < cut else {"phone": f"09{i:08d}"})} for i in range(n)
    ]


def one(n: int) -> dict[str, Any]:
    """Prepare, enqueue and send a round of `n`; the figures as a dict."""
    child, resources = _start_moto()
    try:
        calls = _bind(resources)
        from chalicelib.bootstrap import container
        from chalicelib.links.deliveries import Delivery
        from chalicelib.shared.tenancy import acting_for

        c = container()
        people = _respondents(n)
        now = datetime.now(UTC)
        office = "Bảo hiểm xã hội thành phố Hà Nội"
        with acting_for("hanoi"):
            tracemalloc.start()
            started = time.perf_counter()
            links = c.links.issue_many(
                tenant="hanoi",
                purpose="survey",
                subjects=({"survey_id": "bench", "member_id": p["member_id"]} for p in people),
                valid_from=now,
                valid_until=now + timedelta(days=14),
            )
            linked = time.perf_counter()

            def deliveries() -> Any:
                for p, link in zip(people, links, strict=True):
                    url = f"http://hanoi.localhost/s/{link.token}"
                    if "email" in p:
                        yield Delivery(
                            "hanoi",
                            GROUP,
                            p["member_id"],
                            link.link_id,
                            "survey",
                            {"member_id": p["member_id"]},
                            "email",
                            p["email"],
                            "survey-invitation",
                            data={"office_name": office, "survey_title": "chất lượng dịch vụ", "valid_until": "15/12/2026"},
                            secret={"survey_url": url},
                        )
                    else:
                        yield Delivery(
                            "hanoi",
                            GROUP,
                            p["member_id"],
                            link.link_id,
                            "survey",
                            {"member_id": p["member_id"]},
                            "sms",
                            p["phone"],
                            "invitation",
                            data={"office": office},
                            secret={"url": url},
                        )

            c.deliveries.prepare(tenant="hanoi", group=GROUP, deliveries=deliveries())
            written = time.perf_counter()
            c.deliveries.start(tenant="hanoi", group=GROUP)
            queued = time.perf_counter()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            links.clear()
            prepared = dict(calls)
            calls.clear()
            send_started = time.perf_counter()
            chunks = 0
            while c.deliveries.send_chunk(tenant="hanoi", group=GROUP, rate=1000):
                chunks += 1
            sent = time.perf_counter()
            progress = c.deliveries.progress(tenant="hanoi", group=GROUP)
        return {
            "respondents": n,
            "links_s": linked - started,
            "deliveries_s": written - linked,
            "queue_s": queued - written,
            "prepare_s": queued - started,
            "peak_mb": peak / 1024 / 1024,
            "prepare_calls": prepared,
            "send_s": sent - send_started,
            "chunks": chunks,
            "send_calls": dict(calls),
            "progress": {"total": progress.total, "sent": progress.sent, **progress.counts},
        }
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=60)


def _measure(n: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-m", "bench.survey_invitations", str(n)], cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr[-4000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run() -> Section:
    """Invitations for 100,000 respondents (85 % e-mail, 15 % SMS), in a fresh process."""
    section = Section(f"Survey invitations ({RESPONDENTS:,} respondents)")
    r = _measure(RESPONDENTS)
    sc, pc = r["send_calls"], r["prepare_calls"]
    ses, sns = sc.get("ses.SendBulkTemplatedEmail", 0), sc.get("sns.Publish", 0)
    emails = int(RESPONDENTS * EMAIL_SHARE)
    if ses > SES_GOAL:
        section.failures.append(f"SES calls: OVER TARGET, {ses:,} (goal ≤ {SES_GOAL:,})")
    if r["progress"]["sent"] != RESPONDENTS:
        section.failures.append(f"sent {r['progress']['sent']:,} of {RESPONDENTS:,}")
    section.add(
        f"{emails:,} with an e-mail address, {RESPONDENTS - emails:,} with only a phone; moto in a child process, the "
        "app in this one (its allocations traced, its AWS calls counted).",
        "",
        *table(
            ["measure", "value"],
            [
                ["SES SendBulkTemplatedEmail calls (goal ≤ 2,000)", f"**{ses:,}**"],
                ["SNS Publish calls (SMS)", f"{sns:,}"],
                ["prepare and enqueue: links issued (s)", f"{r['links_s']:.1f}"],
                ["prepare and enqueue: deliveries written (s)", f"{r['deliveries_s']:.1f}"],
                ["prepare and enqueue: first chunk queued (s)", f"{r['queue_s']:.3f}"],
                ["prepare and enqueue, total (s)", f"**{r['prepare_s']:.1f}**"],
                ["peak memory while preparing (tracemalloc, MB)", f"**{r['peak_mb']:.1f}**"],
                [
                    "DynamoDB calls to prepare",
                    ", ".join(f"{k.split('.')[1]} {v:,}" for k, v in sorted(pc.items()) if k.startswith("dynamodb")),
                ],
                ["sending, all chunks back to back (s)", f"{r['send_s']:.1f}"],
                ["chunks (jobs worker runs)", f"{r['chunks']}"],
                [
                    "DynamoDB calls to send",
                    ", ".join(f"{k.split('.')[1]} {v:,}" for k, v in sorted(sc.items()) if k.startswith("dynamodb")),
                ],
            ],
            ["l", "r"],
        ),
        "",
        f"After sending: {json.dumps(r['progress'])}. Times are moto's (one process, 2 shared cores): the call counts "
        "carry over to AWS, the seconds do not. At the default pace (14 a second) the round takes about "
        f"{RESPONDENTS / 14 / 3600:.1f} h of sending.",
    )
    return section


if __name__ == "__main__":
    print(json.dumps(one(int(sys.argv[1]) if len(sys.argv) > 1 else RESPONDENTS)))
