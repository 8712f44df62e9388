"""Where frames live: the `Frame` item in the table and the normalised rows in the files bucket.

Item: PK `T#{tenant}#FRAME#{id}`, SK `FRAME`; the tenant's frames newest first on GSI1 `T#{tenant}#FRAMES` /
`{created}#{id}` (docs/data-model.md "Sampling frame"). The rows are one gzip JSON-lines file at
`frames/{tenant}/{id}.jsonl.gz` (one person a line: key, contact, attributes). The files bucket expires objects
after 7 days (infra/definitions.py FILES_BUCKET), so the item carries the same expiry (TTL): a frame is working
data for a draw, and the drawn members are kept with their survey.

The item is written last and whole (a put of the job's own id): an import that fails before it leaves no frame,
and a retried import writes the same item again.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.shared.clock import iso, parse_iso

from .frames import Frame
from .sampling import Contact, Person

SK = "FRAME"
CONTENT_TYPE = "application/x-ndjson"


class FrameItem(BaseItem, discriminator="Frame"):
    """A sampling frame's summary (its rows are in the files bucket)."""

    source = UnicodeAttribute()
    title = UnicodeAttribute()
    rows = NumberAttribute()
    duplicates = NumberAttribute(default=0)
    counts = JSONAttribute()
    columns = JSONAttribute()
    file_key = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    params = JSONAttribute(default=dict)


class FrameStore:
    """Frame items: written once by their job, read by id, listed newest first."""

    def save(self, frame: Frame) -> None:
        """Write the frame's item (the same again on a retry)."""
        item = FrameItem(
            _pk(frame.tenant, frame.id),
            SK,
            tenant=frame.tenant,
            source=frame.source,
            title=frame.title,
            rows=frame.rows,
            duplicates=frame.duplicates,
            counts=frame.counts,
            columns=list(frame.columns),
            file_key=frame.file_key,
            created_by=frame.created_by,
            created_at=iso(frame.created_at),
            params=dict(frame.params),
            expires_at=int(frame.expires_at.timestamp()),
            GSI1PK=tenant_key(frame.tenant, "FRAMES"),
            GSI1SK=f"{iso(frame.created_at)}#{frame.id}",
        )
        with translated():
            item.save(add_version_condition=False)

    def get(self, *, tenant: str, frame_id: str) -> Frame | None:
        """One frame of the tenant, or None."""
        with translated():
            try:
                return _frame(FrameItem.get(_pk(tenant, frame_id), SK))
            except FrameItem.DoesNotExist:
                return None

    def list(self, *, tenant: str, limit: int = 50) -> list[Frame]:
        """The tenant's frames, newest first (one Query)."""
        with translated():
            items = FrameItem.gsi1.query(tenant_key(tenant, "FRAMES"), scan_index_forward=False, limit=limit)
            return [_frame(i) for i in items if isinstance(i, FrameItem)]


def _pk(tenant: str, frame_id: str) -> str:
    return tenant_key(tenant, "FRAME", frame_id)


def _frame(item: FrameItem) -> Frame:
    return Frame(
        id=item.PK.rsplit("#", 1)[1],
        tenant=item.tenant,
        source=item.source,
        title=item.title,
        rows=int(item.rows),
        duplicates=int(item.duplicates or 0),
        counts={k: {v: int(n) for v, n in values.items()} for k, values in (item.counts or {}).items()},
        columns=tuple(item.columns or ()),
        file_key=item.file_key,
        created_by=item.created_by,
        created_at=parse_iso(item.created_at),
        expires_at=datetime.fromtimestamp(item.expires_at or 0, UTC),
        params=dict(item.params or {}),
    )


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
