"""`make run`: the whole product on this machine — AWS emulated by moto in-process, every tenant, demo data.

python -m local [--port 8000] [--workers 4] [--state-dir .local] [--reset] [--no-demo] [--demo-size 1500]
"""

from __future__ import annotations

import os

# Before any app module is imported: the local console logs warnings only and prints no metrics.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

import argparse  # noqa: E402
import fcntl  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import IO  # noqa: E402

from infra.definitions import DEFAULT_REGION  # noqa: E402

from . import aws, schedules, snapshot, worker  # noqa: E402
from .demo_requests import DEMO_TENANTS, seed_requests  # noqa: E402
from .demo_year import DEFAULT_SIZE, seed_and_check  # noqa: E402
from .demo_year.shape import BY_CODE as DEMO_YEAR_OFFICES  # noqa: E402
from .interrupts import Interrupts  # noqa: E402
from .knowledge_seed import build_index  # noqa: E402
from .policy_seed import seed_policy  # noqa: E402
from .seed import DEMO_PASSWORD, DemoUser, demo_roles, seed  # noqa: E402
from .survey_seed import Sizes, answer_link, demo_pages, seed_surveys  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _demo_users(tenants: list[str]) -> list[DemoUser]:
    return [DemoUser(t, r.value, r.value.replace("_", "-"), DEMO_PASSWORD) for t in tenants for r in demo_roles(t)]


def main(argv: list[str] | None = None) -> int:
    """Start moto, provision, restore or seed, serve until interrupted, then save the data."""
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WORKERS", "4")),
        help="HTTP worker processes, each one app instance (default 4, or WORKERS)",
    )
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_PORT", "0")) or None)
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".local")
    parser.add_argument("--reset", action="store_true", help="forget the saved data and seed afresh")
    parser.add_argument("--tenants", help="comma-separated tenant codes to seed (default: all 35)")
    parser.add_argument("--small-demo", action="store_true", help="seed the demo surveys a few times smaller (quicker)")
    parser.add_argument("--no-demo", action="store_true", help="no year of demo requests (the reports stay empty)")
    parser.add_argument("--demo-size", type=int, default=DEFAULT_SIZE, help="requests in the demo year (default %(default)s)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    from chalicelib.tenancy.catalog import TENANTS

    tenants = [t.code for t in TENANTS]
    if args.tenants:
        tenants = [code for code in args.tenants.split(",") if code in tenants]

    lock = _lock(args.state_dir)
    moto_port = args.moto_port or aws.free_port()
    moto = aws.start_moto(moto_port)
    resources = aws.provision(f"http://127.0.0.1:{moto_port}", DEFAULT_REGION)
    os.environ.update(resources.app_environment(base_domain="localhost"))
    os.environ["PUBLIC_URL_TEMPLATE"] = f"http://{{tenant}}.localhost:{args.port}"

    from chalicelib.bootstrap import container

    container()  # binds the models to the emulated table
    state_file = args.state_dir / "state.json"
    saved = snapshot.Snapshot(resources, state_file)
    if args.reset:
        state_file.unlink(missing_ok=True)
        saved.journal.unlink(missing_ok=True)
    restored = saved.restore()
    if not restored:
        try:
            seed(resources, tuple(tenants))  # builds the knowledge index too
            seed_requests(container(), tuple(t for t in DEMO_TENANTS if t in tenants))
            surveys = seed_surveys(tuple(tenants), Sizes.small() if args.small_demo else Sizes())
            if surveys.surveys:
                print(f"Demo surveys seeded in {surveys.seconds} s ({surveys.completed} answers).", flush=True)
            if not args.no_demo:
                print(seed_and_check(container().sla, tenants, size=args.demo_size), flush=True)
                print(seed_policy(container(), [t for t in DEMO_YEAR_OFFICES if t in tenants]), flush=True)
        except KeyboardInterrupt:  # nothing is saved before the seed is whole: the next start seeds afresh
            moto.stop()
            print("Đã dừng khi đang tạo dữ liệu mẫu; chưa lưu gì — lần chạy sau sẽ tạo lại từ đầu.", flush=True)
            return 130
        saved.save(full=True)
    else:
        build_index()  # S3 is not kept between runs: the index is built again from the restored table
    _quiet_gc()

    from .server import Workers, listen

    sock = listen("0.0.0.0", args.port)
    workers = Workers(sock, args.workers)
    stop = threading.Event()
    interrupts = Interrupts(stop)
    interrupts.install()
    demo = _demo_users(tenants)
    (args.state_dir / "demo-users.json").write_text(
        json.dumps([asdict(u) for u in demo], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (args.state_dir / "stack.json").write_text(resources.to_json(), encoding="utf-8")
    try:
        workers.start()

        def save_periodically() -> None:
            while not stop.wait(15):
                saved.save()

        threading.Thread(target=save_periodically, daemon=True).start()
        worker.start(resources, stop)
        schedules.start(stop)  # app.py's scheduled jobs, as EventBridge runs them deployed
        # A fresh seed's answer e-mails go out as the worker starts: the banner waits a little for one's link.
        link = None if restored else answer_link(region=resources.region, seconds=10)
        _banner(args.port, moto_port, restored, args.state_dir, args.workers, link, demo_pages(args.port))
        while not interrupts.wait(1):
            workers.check()
        print("Đang dừng và lưu dữ liệu…", flush=True)
    finally:
        stop.set()
        workers.stop()
        sock.close()
        saved.save(full=True)
        moto.stop()
        lock.close()
        interrupts.ignore()
        print("Đã lưu dữ liệu vào", state_file, "— chạy lại `make run` để tiếp tục.", flush=True)
    return 0


def _quiet_gc() -> None:
    """Keep the collector off the loaded data: moto holds every item as many small objects, and a full collection
    walking them all paused every request for a quarter of a second. Its garbage is freed by reference counts."""
    gc.freeze()  # what is loaded now is never collected, nor walked again
    gc.set_threshold(50_000, 20, 100)  # young collections ~70 times rarer than the default 700


def _lock(state_dir: Path) -> IO[str]:
    """One stack per data folder: a second one would overwrite the first one's saved data."""
    state_dir.mkdir(parents=True, exist_ok=True)
    handle = (state_dir / "run.lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit(f"Another `make run` is already using {state_dir}; stop it first (or pass --state-dir).")
    return handle


def _banner(
    port: int, moto_port: int, restored: bool, state_dir: Path, workers: int, link: str | None = None, surveys: Sequence[str] = ()
) -> None:
    from chalicelib.shared.permissions import ROLE_LABELS, Role
    from chalicelib.tenancy.catalog import TENANTS

    lines = [
        "",
        "CSKH — Hệ thống Chăm sóc khách hàng BHXH Việt Nam (local)",
        f"  Data: {'restored from' if restored else 'seeded, saved to'} {state_dir / 'state.json'}",
        f"  AWS (moto): http://127.0.0.1:{moto_port}   (GET /moto-api/data.json shows sent mail and SMS)",
        f"  HTTP: {workers} worker process{'es' if workers > 1 else ''}, one app instance each (WORKERS=N to change)",
        f"  Directory of offices: http://localhost:{port}",
        "  Offices:",
    ]
    lines += [f"    {t.short_name:<18} http://{t.code}.localhost:{port}" for t in TENANTS]
    lines += ["", f"  Demo sign-ins (password for all: {DEMO_PASSWORD}); username = role on each office's host:"]
    lines += [
        f"    {r.value.replace('_', '-'):<16} {ROLE_LABELS[r]}"
        + ("  (ccc only)" if r in (Role.CCC_OFFICER, Role.CENTRAL_ADMIN) else "")
        for r in Role
    ]
    lines += [f"  Every sign-in: {state_dir / 'demo-users.json'}"]
    if link:
        lines += [f"  A respondent's page (no sign-in; the answer e-mail's link, usable once): {link}"]
    lines += list(surveys)
    lines += ["  Stop with Ctrl+C (data is kept).", ""]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
