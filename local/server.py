"""Serves the Chalice app locally, one request at a time (as one Lambda instance would)."""

from __future__ import annotations

import json
import threading
from typing import Any

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer

_LOCK = threading.Lock()


class SerialHandler(ChaliceRequestHandler):
    """Chalice's local handler, serialized: Chalice keeps the current request on the app object."""

    def _generic_handle(self) -> None:
        with _LOCK:
            super()._generic_handle()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

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
        self._send_http_response(
            404 if error.CODE == 403 else error.CODE, {"Content-Type": "application/json; charset=utf-8"}, body
        )

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        """Quiet: the app logs each request itself."""


def make_server(app: Any, host: str, port: int) -> LocalDevServer:
    """A threaded HTTP server for the app (requests still run one at a time)."""
    config = Config.create(chalice_stage="dev", app_name="cskh", lambda_timeout=30)
    return LocalDevServer(app, config, host, port, handler_cls=SerialHandler)
