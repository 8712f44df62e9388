"""The targets the agency's indicators are held against (seeds/004 "Hướng tới tương lai", after Resolution 28-NQ/TW).

- Satisfaction ("Ba là"): over 80 % of people satisfied by 2025, 85 % by 2030, over 90 % by 2045.
- Instant support ("Một là", the hotline): 85 % in 2025, 90 % in 2030, 97 % in 2045 (DOMAIN.md §7).
A year is held against the latest milestone it has reached (2026 against 2025's), before the first against it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Milestone:
    """A target share by a year; `above` when the share must exceed it ("trên 80 %")."""

    year: int
    share: float
    above: bool = False

    @property
    def text(self) -> str:
        """ "trên 80 %" or "85 %"."""
        number = f"{self.share * 100:.0f} %"
        return f"trên {number}" if self.above else number

    def met(self, value: float) -> bool:
        """Whether a share meets the target."""
        return value > self.share if self.above else value >= self.share


SATISFACTION = (Milestone(2025, 0.80, above=True), Milestone(2030, 0.85), Milestone(2045, 0.90, above=True))
INSTANT_SUPPORT = (Milestone(2025, 0.85), Milestone(2030, 0.90), Milestone(2045, 0.97))


def in_force(milestones: tuple[Milestone, ...], year: int) -> Milestone:
    """The milestone a year is held against: the latest whose year has come, else the first."""
    reached = [m for m in milestones if m.year <= year]
    return reached[-1] if reached else milestones[0]
