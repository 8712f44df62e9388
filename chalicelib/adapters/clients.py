"""AWS clients made on first use, from one botocore session: a cold start pays only for the services it calls.

Creating a client reads its service model and endpoint rules from disk (~20 ms each in a fresh process); building
all five at start-up made the first `GET /api/requests` pay for Cognito, SQS, SES, SNS and Step Functions, none of
which it calls. These are plain botocore clients — what `boto3.client` returns — so boto3, whose import costs more
than botocore's alone, is not loaded by the app at all.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_session: Any = None


def session() -> Any:
    """The process's botocore session (credentials and region from the environment, as boto3's default)."""
    global _session
    with _lock:
        if _session is None:
            import botocore.session

            _session = botocore.session.get_session()
        return _session


class LazyClient:
    """Stands in for a botocore client and creates it when first used (any attribute: a call, `meta`, `exceptions`)."""

    def __init__(self, service: str, **options: Any) -> None:
        self._service = service
        self._options = options
        self._client: Any = None
        self._creating = threading.Lock()

    @property
    def created(self) -> bool:
        """Whether the real client exists yet."""
        return self._client is not None

    def _real(self) -> Any:
        if self._client is None:
            with self._creating:
                if self._client is None:
                    self._client = session().create_client(self._service, **self._options)
        return self._client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __repr__(self) -> str:
        return f"LazyClient({self._service!r}, created={self.created})"


def lazy_client(service: str, *, region_name: str | None = None, endpoint_url: str | None = None) -> Any:
    """A client of the service, created on first use."""
    return LazyClient(service, region_name=region_name, endpoint_url=endpoint_url)
