"""The built search index on its way from the build to the API process: the archive in S3, and the process's copy.

The build (`indexing.py`) writes `knowledge-index/{n}.tar.gz` and then the generation item; each API process holds
the newest index it opened, asks for the generation at most every `check_seconds`, and when a newer build exists
downloads and opens it under /tmp (Lambda's writable disk) before letting the old one go.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from chalicelib.shared.observability import logger

from .ports import Archives, Generations
from .search import ANSWERABLE, SearchFilters, SearchHit, SearchIndex


class S3Archives:
    """Index archives in the knowledge bucket."""

    def __init__(self, client: Any, *, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def upload(self, *, key: str, path: Path) -> None:
        """One PutObject (the archives are a few MB)."""
        with path.open("rb") as body:
            self._client.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType="application/gzip")

    def download(self, *, key: str, path: Path) -> None:
        """One GetObject, written to `path`."""
        response = self._client.get_object(Bucket=self._bucket, Key=key)
        with path.open("wb") as out:
            shutil.copyfileobj(response["Body"], out)


class EmptyIndex:
    """The index before the first build: finds nothing."""

    def search(self, *, tenant: str, text: str, on: date, filters: SearchFilters = ANSWERABLE) -> list[SearchHit]:
        """Nothing."""
        return []


class IndexCache:
    """The API process's newest index, refreshed when a newer generation is recorded (checked every `check_seconds`)."""

    def __init__(
        self,
        *,
        generations: Generations,
        archives: Archives,
        directory: Path,
        check_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._generations = generations
        self._archives = archives
        self._directory = directory
        self._check_seconds = check_seconds
        self._monotonic = monotonic
        self._index: SearchIndex = EmptyIndex()
        self._number = 0
        self._checked_at: float | None = None
        self._lock = threading.Lock()

    @property
    def number(self) -> int:
        """The generation held (0: none yet)."""
        return self._number

    def current(self) -> SearchIndex:
        """The newest index this process knows of (a failed refresh keeps the one it has)."""
        now = self._monotonic()
        if self._checked_at is not None and now - self._checked_at < self._check_seconds:
            return self._index
        with self._lock:
            if self._checked_at is None or now - self._checked_at >= self._check_seconds:
                self._checked_at = now
                try:
                    self._refresh()
                except Exception:  # noqa: BLE001 - searching the index it has beats failing the agent's search
                    logger.exception("knowledge index refresh failed; the previous index stays")
        return self._index

    def _refresh(self) -> None:
        newest = self._generations.newest()
        if newest is None or newest.number <= self._number:
            return
        from .tantivy_index import open_index, unpack

        mine = self._directory / str(os.getpid())  # the local stack's worker processes are forked from one parent
        mine.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=mine) as scratch:
            archive = Path(scratch) / "index.tar.gz"
            self._archives.download(key=newest.archive, path=archive)
            target = mine / f"g{newest.number}"
            unpack(archive, target)
        opened = open_index(target)
        previous = mine / f"g{self._number}"
        self._index, self._number = opened, newest.number
        if self._number and previous.exists() and previous != target:
            shutil.rmtree(previous, ignore_errors=True)
