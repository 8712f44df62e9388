"""A round's draw from a stored frame (Art. 8 step 2): the frame's people streamed from its file, the allocation,
the seeded draw with reserves and the contact-frequency exclusion (sampling.py), as the survey's members."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from chalicelib.shared.errors import NotFoundError, RuleViolationError

from . import sampling
from .domain import Design
from .frames import Frame
from .members import Contact, Member
from .ports import Drawn, DrawRequest


class Frames(Protocol):
    """Stored frames."""

    def get(self, *, tenant: str, frame_id: str) -> Frame | None: ...


class FramePeople(Protocol):
    """A frame's people, read again on each iteration."""

    def people(self, *, frame: Frame, workdir: Path) -> Iterable[sampling.Person]: ...


class FrameSampler:
    """Draws from a frame the tenant holds; people an office surveyed within the window are left out and counted."""

    def __init__(self, *, frames: Frames, files: FramePeople, contacts: sampling.RecentContacts | None) -> None:
        self._frames, self._files, self._contacts = frames, files, contacts

    def draw(self, *, tenant: str, request: DrawRequest, contact_days: int, now: datetime) -> Drawn:
        """Allocate the size over the strata (proportional, with the minimum), then draw mains and reserves."""
        frame = self._frames.get(tenant=tenant, frame_id=request.frame_id)
        if frame is None:
            raise NotFoundError("Không tìm thấy danh sách chọn mẫu.", fields={"frame_id": "not_found"})
        if request.size > frame.rows:
            raise RuleViolationError(
                f"Cỡ mẫu lớn hơn số người trong danh sách ({frame.rows}).", code="size_over_frame", fields={"size": "over_frame"}
            )
        by = sampling.check_dimensions(request.strata)
        with tempfile.TemporaryDirectory(prefix="draw-") as workdir:
            people = self._files.people(frame=frame, workdir=Path(workdir))
            counts = sampling.strata_counts(people, by)
            allocation = sampling.allocate(counts, n=request.size, minimum=request.minimum)
            sample = sampling.draw(
                seed=request.seed,
                rows=lambda: people,
                by=by,
                allocation=allocation.sizes,
                reserves=sampling.ReservePolicy(ratio=request.reserve_share),
                contacts=self._contacts if contact_days else None,
                since=now - timedelta(days=contact_days),
            )
        design = Design(
            frame_id=frame.id,
            seed=sample.seed,
            strata=by,
            planned={k: s.main for k, s in sample.strata.items() if s.main},
            reserves={k: s.reserves for k, s in sample.strata.items() if s.main},
            excluded_recent=sample.excluded,
            method=request.method,
            population={k: int(v) for k, v in counts.items()},
        )
        members = [
            Member(
                id=m.id,
                round=0,
                stratum=m.stratum,
                role="main" if m.role == sampling.MAIN else "reserve",
                rank=m.rank,
                contact=Contact(m.contact.name or "", m.contact.email or "", m.contact.phone or ""),
                person_key=m.person_key,
                attributes=dict(m.attributes),
            )
            for m in sample.members
        ]
        return Drawn(design, members)
