"""Invitations for a survey round of 100,000 respondents: SES and SNS calls, time to prepare and enqueue, peak memory.

Two parts. **Prepare and enqueue** against moto: moto's server runs in a child process (with the local stack's
patches), so the parent's figures are the app's own — tracemalloc's peak is what the app allocates to issue the
links, write the deliveries and queue the first chunk, and the calls are counted on the app's botocore clients.
**Sending** runs the jobs worker's chunks back to back (no pacing delay) through the real DeliveryService with the
in-memory store and recording SES / SNS adapters: the calls it makes are the figure (moto's patched GSI lists
make a 100,000-item round's claims quadratic there, which says nothing of DynamoDB; tests/integration/
test_deliveries.py sends through moto's SES at 120). 85 % of respondents have an e-mail address, the others only
a phone.

`python -m bench.survey_invitations prepare|send [N]` runs one part alone (N respondents, default 100,000).
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


def _deliveries(people: list[dict[str, str]], links: Any) -> Any:
    from chalicelib.links.deliveries import Delivery

    office = "Bảo hiểm xã hội thành phố Hà Nội"
    data = {"office_name": office, "survey_title": "chất lượng dịch vụ", "valid_until": "15/12/2026"}
    for p, link in zip(people, links, strict=True):
        url = f"http://hanoi.localhost/s/{link.token}"
        subject = {"member_id": p["member_id"]}
        if "email" in p:
            yield Delivery(
                "hanoi",
                GROUP,
                p["member_id"],
                link.link_id,
                "survey",
                subject,
                "email",
                p["email"],
                "survey-invitation",
                data=data,
                secret={"survey_url": url},
            )
        else:
            yield Delivery(
                "hanoi",
                GROUP,
                p["member_id"],
                link.link_id,
                "survey",
                subject,
                "sms",
                p["phone"],
                "invitation",
                data={"office": office},
                secret={"url": url},
            )


def prepare(n: int) -> dict[str, Any]:
    """Issue `n` links, write their deliveries and queue the first chunk, against moto in a child process."""
    child, resources = _start_moto()
    try:
        calls = _bind(resources)
        from chalicelib.bootstrap import container
        from chalicelib.shared.tenancy import acting_for

        c = container()
        people = _respondents(n)
        now = datetime.now(UTC)
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
            c.deliveries.prepare(tenant="hanoi", group=GROUP, deliveries=_deliveries(people, links))
            written = time.perf_counter()
            c.deliveries.start(tenant="hanoi", group=GROUP)
            queued = time.perf_counter()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            progress = c.deliveries.progress(tenant="hanoi", group=GROUP)
        return {
            "respondents": n,
            "links_s": linked - started,
            "deliveries_s": written - linked,
            "queue_s": queued - written,
            "prepare_s": queued - started,
            "peak_mb": peak / 1024 / 1024,
            "calls": dict(calls),
            "total": progress.total,
        }
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=60)


def send(n: int) -> dict[str, Any]:
    """Send a prepared round of `n` through DeliveryService with the in-memory store; the provider calls counted."""
    from chalicelib.adapters.messaging import BulkResult
    from chalicelib.links.domain import issue
    from chalicelib.links.sending import DeliveryService
    from chalicelib.shared.clock import SystemClock
    from tests.fakes import FakeDeliveryStore

    calls: Counter[str] = Counter()

    class Mailer:
        def send_bulk(self, *, template: str, destinations: list[Any]) -> list[BulkResult]:
            calls["ses.SendBulkTemplatedEmail"] += 1
            calls["ses.destinations"] += len(destinations)
            return [BulkResult(f"m{calls['ses.destinations']}-{i}") for i in range(len(destinations))]

    class Sms:
        def send(self, *, to: str, text: str, attributes: dict[str, str] | None = None) -> str:
            calls["sns.Publish"] += 1
            calls["sms.longest"] = max(calls["sms.longest"], len(text))
            return f"s{calls['sns.Publish']}"

    class Queue:
        def send(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None:
            calls["sqs.SendMessage"] += 1

    store = FakeDeliveryStore()
    service = DeliveryService(store=store, mailer=Mailer(), sms=Sms(), queue=Queue(), clock=SystemClock(), rate=14)
    people = _respondents(n)
    service.prepare(tenant="hanoi", group=GROUP, deliveries=_deliveries(people, [issue() for _ in people]))
    started = time.perf_counter()
    chunks = 0
    while service.send_chunk(tenant="hanoi", group=GROUP, rate=1000):
        chunks += 1
    progress = service.progress(tenant="hanoi", group=GROUP)
    return {
        "respondents": n,
        "send_s": time.perf_counter() - started,
        "chunks": chunks,
        "calls": dict(calls),
        "store_writes": store.writes,
        "progress": {"total": progress.total, "sent": progress.sent, **progress.counts},
    }


def _measure(part: str, n: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.survey_invitations", part, str(n)], cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-4000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run() -> Section:
    """Invitations for 100,000 respondents (85 % e-mail, 15 % SMS), each part in a fresh process."""
    section = Section(f"Survey invitations ({RESPONDENTS:,} respondents)")
    p = _measure("prepare", RESPONDENTS)
    r = _measure("send", RESPONDENTS)
    sc, pc = r["calls"], p["calls"]
    ses, sns = sc.get("ses.SendBulkTemplatedEmail", 0), sc.get("sns.Publish", 0)
    emails = int(RESPONDENTS * EMAIL_SHARE)
    if ses > SES_GOAL:
        section.failures.append(f"SES calls: OVER TARGET, {ses:,} (goal ≤ {SES_GOAL:,})")
    if r["progress"]["sent"] != RESPONDENTS or p["total"] != RESPONDENTS:
        section.failures.append(f"prepared {p['total']:,}, sent {r['progress']['sent']:,} of {RESPONDENTS:,}")
    dynamo = ", ".join(f"{k.split('.')[1]} {v:,}" for k, v in sorted(pc.items()) if k.startswith("dynamodb"))
    section.add(
        f"{emails:,} respondents with an e-mail address, {RESPONDENTS - emails:,} with only a phone.",
        "",
        *table(
            ["measure", "value"],
            [
                [
                    "SES SendBulkTemplatedEmail calls (goal ≤ 2,000)",
                    f"**{ses:,}** ({sc.get('ses.destinations', 0):,} destinations)",
                ],
                ["SNS Publish calls (SMS; longest text, characters)", f"{sns:,} ({sc.get('sms.longest', 0)})"],
                ["sending: chunks (jobs worker runs, 2,000 each at most)", f"{r['chunks']}"],
                [
                    "delivery store transactions, written and sent (99 a write; a claim and a record per 50 sent)",
                    f"{r['store_writes']:,}",
                ],
                ["prepare on moto: links issued (s)", f"{p['links_s']:.1f}"],
                ["prepare on moto: deliveries written (s)", f"{p['deliveries_s']:.1f}"],
                ["prepare on moto: first chunk queued (s)", f"{p['queue_s']:.3f}"],
                ["prepare and enqueue on moto, total (s)", f"**{p['prepare_s']:.1f}**"],
                ["peak memory while preparing (tracemalloc, MB)", f"**{p['peak_mb']:.1f}**"],
                ["AWS calls to prepare", f"{dynamo}, SQS SendMessage {pc.get('sqs.SendMessage', 0)}"],
            ],
            ["l", "r"],
        ),
        "",
        f"After sending: {json.dumps(r['progress'])}. The prepare times are moto's (one process, 2 shared cores): "
        "the call counts carry over to AWS, the seconds do not. At the default pace (14 a second) the round takes "
        f"about {RESPONDENTS / 14 / 3600:.1f} h of sending.",
    )
    return section


if __name__ == "__main__":
    part, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else RESPONDENTS
    print(json.dumps(prepare(count) if part == "prepare" else send(count)))
