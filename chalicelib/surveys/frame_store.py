"""Where frames live: the `Frame` item in the table and the normalised rows in the files bucket.

Item: PK `T#{tenant}#FRAME#{id}`, SK `FRAME`; the tenant's frames newest first on GSI1 `T#{tenant}#FRAMES` /
`{created}#{id}` (docs/data-model.md "Sampling frame"). The rows are one gzip JSON-lines file in the files bucket
(frame_files.py). The files bucket expires objects
after 7 days (infra/definitions.py FILES_BUCKET), so the item carries the same expiry (TTL): a frame is working
data for a draw, and the drawn members are kept with their survey.

The item is written last and whole (a put of the job's own id): an import that fails before it leaves no frame,
and a retried import writes the same item again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.shared.clock import iso, parse_iso

from .frames import Frame

SK = "FRAME"


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
