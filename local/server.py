"""Serves the Chalice app locally the way Lambda does: several worker processes, each one app instance.

Chalice keeps the current request on the app object, so one instance handles one request at a time, like one
Lambda instance. Concurrency comes from processes: the parent binds one listening socket (large backlog) and starts
`python -m local.server` workers that inherit it; each builds its own app against the emulated AWS of the parent
(over HTTP) and takes a connection only while it is idle, so waiting requests go to the next free instance.
Every response closes its connection, so a client's next request is dispatched afresh, as API Gateway would.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from http.server import HTTPServer
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BACKLOG = 1024
READY_SECONDS = 90.0


def listen(host: str, port: int) -> socket.socket:
    """The shared socket, bound before any worker starts (a busy port fails at once); `Workers.start` listens on it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.setblocking(False)  # idle workers all wake on a new connection; the ones that lose the accept go on waiting
    sock.set_inheritable(True)
    return sock


class Workers:
    """N worker processes serving the app on one listening socket; restarted when one dies, stopped together."""

    def __init__(self, sock: socket.socket, count: int, env: dict[str, str] | None = None) -> None:
        if count < 1:
            raise ValueError("at least one worker")
        self._sock = sock
        self._count = count
        self._env = dict(env if env is not None else os.environ)
        self._processes: list[subprocess.Popen[bytes]] = []
        self._stopping = False

    @property
    def pids(self) -> list[int]:
        """The workers' process ids."""
        return [p.pid for p in self._processes]

    def start(self, timeout: float = READY_SECONDS) -> None:
        """Start every worker, wait until each has built its app, then listen (until then connections are refused)."""
        pending = [self._spawn() for _ in range(self._count)]
        self._processes = [p for p, _ in pending]
        deadline = time.monotonic() + timeout
        for process, ready in pending:
            self._wait_ready(process, ready, deadline)
        self._sock.listen(BACKLOG)

    def _spawn(self) -> tuple[subprocess.Popen[bytes], int]:
        read, write = os.pipe()
        process = subprocess.Popen(
            [sys.executable, "-m", "local.server", "--fd", str(self._sock.fileno()), "--ready-fd", str(write)],
            cwd=ROOT,
            env=self._env,
            pass_fds=(self._sock.fileno(), write),
            stdin=subprocess.DEVNULL,
        )
        os.close(write)
        return process, read

    @staticmethod
    def _wait_ready(process: subprocess.Popen[bytes], ready: int, deadline: float) -> None:
        try:
            while time.monotonic() < deadline:
                readable, _, _ = select.select([ready], [], [], 0.5)
                if readable:
                    if os.read(ready, 1) == b"1":
                        return
                    break  # closed without a word: the worker failed
                if process.poll() is not None:
                    break
            raise RuntimeError(f"HTTP worker {process.pid} did not start (exit status {process.poll()})")
        finally:
            os.close(ready)

    def check(self) -> int:
        """Restart workers that died; returns how many were restarted."""
        restarted = 0
        for index, process in enumerate(self._processes):
            if self._stopping or process.poll() is None:
                continue
            print(f"HTTP worker {process.pid} exited ({process.returncode}); starting another", file=sys.stderr, flush=True)
            replacement, ready = self._spawn()
            self._processes[index] = replacement
            self._wait_ready(replacement, ready, time.monotonic() + READY_SECONDS)
            restarted += 1
        return restarted

    def stop(self, timeout: float = 15.0) -> None:
        """Ask every worker to finish its request and exit; kill those that do not in time."""
        self._stopping = True
        for process in self._processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self._processes:
            try:
                process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


# -- inside a worker -----------------------------------------------------------------------------------------------


def _handler_class() -> Any:
    from chalice.local import ChaliceRequestHandler

    class InstanceHandler(ChaliceRequestHandler):
        """Chalice's local handler: one request at a time per instance, contract-shaped gateway errors, no keep-alive."""

        def _generic_handle(self) -> None:
            instance: Instance = self.server  # type: ignore[assignment]
            with instance.busy():
                super()._generic_handle()

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

        def __getattr__(self, name: str) -> Any:
            # Any other method (TRACE, QUERY, PROPFIND, …) goes to the app too, which answers 405 in the contract's
            # shape, as for any method a route does not have; http.server alone would answer 501 in HTML.
            if name.startswith("do_"):
                return self._generic_handle
            raise AttributeError(name)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """http.server's own refusals (a garbled request line, an oversized header) in the contract's shape."""
            code_name, text = _SERVER_ERRORS.get(code, ("malformed_request", "Yêu cầu không hợp lệ."))
            body = json.dumps({"error": {"code": code_name, "message": text}}, ensure_ascii=False).encode()
            self.close_connection = True
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if getattr(self, "command", "") != "HEAD":
                self.wfile.write(body)

        def end_headers(self) -> None:
            self.send_header("Connection", "close")  # the next request goes to whichever instance is free
            super().end_headers()

        def _send_error_response(self, error: Any) -> None:
            # API Gateway's own errors (no such route) in the contract's shape, as the deployed gateway responses do.
            body = json.dumps(
                {
                    "error": {
                        "code": "not_found" if error.CODE in (403, 404) else "gateway_error",
                        "message": "Không tìm thấy đường dẫn này.",
                    }
                },
                ensure_ascii=False,
            )
            from chalicelib.shared.http import NO_STORE, SECURITY_HEADERS

            headers = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": NO_STORE, **SECURITY_HEADERS}
            self._send_http_response(404 if error.CODE == 403 else error.CODE, headers, body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            """Quiet: the app logs each request itself."""

    return InstanceHandler


_SERVER_ERRORS = {
    400: ("malformed_request", "Yêu cầu không hợp lệ."),
    414: ("uri_too_long", "Đường dẫn quá dài."),
    431: ("headers_too_large", "Tiêu đề yêu cầu quá lớn."),
    505: ("http_version_not_supported", "Phiên bản HTTP không được hỗ trợ."),
}


class Instance(ThreadingMixIn, HTTPServer):
    """One app instance on an inherited listening socket: connections are read on threads, the app runs serially."""

    daemon_threads = True

    def __init__(self, sock: socket.socket, handler: Any) -> None:
        super().__init__(sock.getsockname(), handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.server_name, self.server_port = "localhost", sock.getsockname()[1]
        self._app_lock = threading.Lock()
        self._state = threading.Condition()
        self._waiting = 0  # requests received and not yet answered

    @contextmanager
    def busy(self) -> Iterator[None]:
        """One request: counted from its arrival (the accept loop waits for it) until it is answered."""
        with self._state:
            self._waiting += 1
            self._state.notify_all()
        try:
            with self._app_lock:
                yield
        finally:
            with self._state:
                self._waiting -= 1
                self._state.notify_all()

    def serve(self, stopped: Callable[[], bool]) -> None:
        """Accept a connection only while no request is waiting here, until `stopped()`."""
        while not self.socket.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) and not stopped():
            time.sleep(0.05)  # the parent listens once every worker is ready
        while not stopped():
            with self._state:
                self._state.wait_for(lambda: self._waiting == 0 or stopped(), timeout=0.5)
                if self._waiting:
                    continue
            readable, _, _ = select.select([self.socket], [], [], 0.5)
            if not readable or stopped():
                continue
            self._handle_request_noblock()  # type: ignore[attr-defined]  # a lost accept race fails quietly
            with self._state:  # let the new connection's request arrive before taking another connection
                self._state.wait_for(lambda: self._waiting > 0, timeout=0.05)
        with self._app_lock:  # let the request in progress finish
            pass


def _warm() -> None:
    """What every instance would otherwise load on its first requests: the DynamoDB client, the holiday tables."""
    from datetime import date

    from chalicelib.adapters.dynamo import connection
    from chalicelib.sla.law import law_days_off

    connection().client  # noqa: B018 - created on first use
    for year in (date.today().year, date.today().year + 1):
        law_days_off(year)


def main(argv: list[str] | None = None) -> int:
    """A worker: build the app (environment set by the parent), tell the parent, serve until SIGTERM or it is gone."""
    parser = argparse.ArgumentParser(prog="python -m local.server")
    parser.add_argument("--fd", type=int, required=True, help="the inherited listening socket")
    parser.add_argument("--ready-fd", type=int, help="a pipe to write one byte to once serving")
    args = parser.parse_args(argv)
    parent = os.getppid()
    terms: list[int] = []  # a signal handler that took a lock could wait on itself (local/interrupts.py)
    signal.signal(signal.SIGTERM, lambda signum, frame: terms.append(signum))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the parent stops the workers
    sock = socket.socket(fileno=args.fd)
    sock.setblocking(False)
    from chalice.config import Config

    from app import app
    from chalicelib.bootstrap import container

    container()
    _warm()
    gc.freeze()  # the app as imported is never walked by the collector again
    config = Config.create(chalice_stage="dev", app_name="cskh", lambda_timeout=30)
    server = Instance(sock, partial(_handler_class(), app_object=app, config=config))
    if args.ready_fd is not None:
        os.write(args.ready_fd, b"1")
        os.close(args.ready_fd)
    server.serve(lambda: bool(terms) or os.getppid() != parent)  # a killed parent leaves no orphan on the port
    return 0


if __name__ == "__main__":
    sys.exit(main())
