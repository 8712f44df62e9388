"""A frame's rows: one gzip JSON-lines file at `frames/{tenant}/{id}.jsonl.gz` in the files bucket, one person a
line (key, contact, attributes), written and read as a stream (memory stays flat)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from .frames import Frame
from .sampling import Contact, Person

CONTENT_TYPE = "application/x-ndjson"


class Files(Protocol):
    """The files bucket (adapters/files.py S3Files)."""

    def put(self, *, key: str, path: Path, content_type: str) -> int: ...

    def fetch(self, *, key: str, path: Path) -> int: ...


def file_key(tenant: str, frame_id: str) -> str:
    """Where a frame's rows are."""
    return f"frames/{tenant}/{frame_id}.jsonl.gz"


class FrameWriter:
    """The normalised rows, one JSON line each, gzip-compressed as they come (memory stays flat)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = gzip.open(path, "wt", encoding="utf-8", compresslevel=5)

    def write(self, person: Person) -> None:
        """One person."""
        c = person.contact
        record = {"k": person.person_key, "n": c.name, "e": c.email, "p": c.phone, "a": person.attributes}
        self._file.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")

    def close(self) -> None:
        """Finish the file."""
        self._file.close()


def read_frame(path: Path) -> Iterator[Person]:
    """The people of a normalised frame file, streamed."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            r = json.loads(line)
            yield Person(r["k"], Contact(email=r.get("e"), phone=r.get("p"), name=r.get("n")), dict(r.get("a") or {}))


class FrameFiles:
    """A frame's rows in the files bucket: put once by the job, fetched to a local file for each draw."""

    def __init__(self, files: Files) -> None:
        self._files = files

    def put(self, *, tenant: str, frame_id: str, path: Path) -> str:
        """Store the normalised file; returns its key."""
        key = file_key(tenant, frame_id)
        self._files.put(key=key, path=path, content_type=CONTENT_TYPE)
        return key

    def people(self, *, frame: Frame, workdir: Path) -> Iterable[Person]:
        """The frame's people, fetched once to `workdir` and read again on each iteration (a draw reads twice)."""
        path = workdir / f"frame-{frame.id}.jsonl.gz"
        if not path.exists():
            self._files.fetch(key=frame.file_key, path=path)
        return _Reread(path)


class _Reread:
    def __init__(self, path: Path) -> None:
        self._path = path

    def __iter__(self) -> Iterator[Person]:
        return read_frame(self._path)
