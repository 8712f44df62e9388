"""Sample size, allocation to strata, and the reproducible draw with reserves (Art. 8 step 2; pure).

- Size: Cochran `n0 = z² p (1-p) / e²` with the finite-population correction `n = n0 / (1 + (n0-1)/N)`, and
  Yamane `n = N / (1 + N e²)` (the formula Vietnamese agencies cite, which assumes p = 0.5); both are shown, the
  one asked for is applied. Every figure is rounded up: a sample is never smaller than the formula asks.
- Allocation: proportional to the strata's sizes with a minimum per stratum (never more than a stratum holds), and
  largest-remainder rounding so the total is exactly n. When the minimums alone exceed n, the minimums win: every
  stratum gets its minimum (or all it holds) and the total grows to their sum (`Allocation.grown`), because a
  stratum below its minimum cannot be reported on at all; the plan shows the larger total.
- Draw: every frame row gets the priority `blake2b(seed, person_key)`; a stratum's sample is its rows with the
  smallest priorities (a simple random sample without replacement — any n of N equally likely — whose order is
  the reserve order). Main members are the first n_h, reserves the next r_h. The frame is streamed and only a
  bounded heap per stratum is kept, so the same seed on the same frame gives the same sample in bounded memory.
- Contact frequency: candidates are walked in priority order and asked of the contact log in batches of 100;
  anyone contacted since `since` is skipped and counted. A stratum whose candidates run out while its frame holds
  more is read again past the last priority seen, so skips never starve it.

Replacing a member by the next reserve of its stratum is the member's step (members.py), found by the store's
reserve index with one Query.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import NormalDist
from typing import Protocol

from chalicelib.shared.errors import RuleViolationError

CONFIDENCES = (90, 95, 99)
COCHRAN, YAMANE = "cochran", "yamane"
DIMENSIONS = ("province", "channel", "group")
ALL = "all"
UNKNOWN = "unknown"  # a row with no value for a stratifying dimension
MAIN, RESERVE = "main", "reserve"
CONTACT_BATCH = 100  # BatchGetItem's limit

MESSAGES = {
    "population": "Quy mô tổng thể phải là số nguyên từ 1 trở lên.",
    "margin": "Sai số cho phép phải lớn hơn 0 và nhỏ hơn 50%.",
    "proportion": "Tỷ lệ kỳ vọng phải lớn hơn 0 và nhỏ hơn 1.",
    "confidence": "Độ tin cậy chỉ được chọn 90%, 95% hoặc 99%.",
    "sample": "Cỡ mẫu phải từ 1 đến quy mô tổng thể.",
    "minimum": "Số tối thiểu mỗi tầng không được âm.",
    "dimension": "Chỉ phân tầng theo tỉnh/thành phố, kênh hoặc nhóm đối tượng.",
}


class SamplingError(RuleViolationError):
    """An input to the size calculator or the allocation breaks a rule (422 with field errors)."""

    code = "sampling_invalid"


# --- size -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSize:
    """Both formulas' answers for one population, and the one applied (`n`)."""

    population: int
    margin: float
    confidence: int
    proportion: float
    cochran_infinite: int  # n0, before the finite-population correction
    cochran: int  # with the finite-population correction
    yamane: int
    method: str
    n: int


def z_score(confidence: int) -> float:
    """The two-sided standard normal quantile for a confidence level in percent (95 → 1.95996…)."""
    return NormalDist().inv_cdf(1 - (1 - confidence / 100) / 2)


def _check(population: int, margin: float, confidence: int, proportion: float) -> None:
    fields = {}
    if not isinstance(population, int) or population < 1:
        fields["population"] = MESSAGES["population"]
    if not 0 < margin < 0.5:
        fields["margin"] = MESSAGES["margin"]
    if not 0 < proportion < 1:
        fields["proportion"] = MESSAGES["proportion"]
    if confidence not in CONFIDENCES:
        fields["confidence"] = MESSAGES["confidence"]
    if fields:
        raise SamplingError(next(iter(fields.values())), fields=fields)


def sample_size(
    *, population: int, margin: float, confidence: int = 95, proportion: float = 0.5, method: str = COCHRAN
) -> SampleSize:
    """Cochran (with the finite-population correction) and Yamane for a population of N; `method` picks `n`."""
    _check(population, margin, confidence, proportion)
    z = z_score(confidence)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    corrected = n0 / (1 + (n0 - 1) / population)
    yamane = population / (1 + population * margin * margin)
    cochran = min(population, _up(corrected))
    yamane_n = min(population, _up(yamane))
    return SampleSize(
        population=population,
        margin=margin,
        confidence=confidence,
        proportion=proportion,
        cochran_infinite=_up(n0),
        cochran=cochran,
        yamane=yamane_n,
        method=method,
        n=yamane_n if method == YAMANE else cochran,
    )


def margin_of_error(*, n: int, population: int, confidence: int = 95, proportion: float = 0.5) -> float:
    """The margin of error a simple random sample of n out of N achieves: z √(p(1-p)/n · (N-n)/(N-1))."""
    _check(population, 0.25, confidence, proportion)
    if not 1 <= n <= population:
        raise SamplingError(MESSAGES["sample"], fields={"n": MESSAGES["sample"]})
    fpc = (population - n) / (population - 1) if population > 1 else 0.0
    return z_score(confidence) * math.sqrt(proportion * (1 - proportion) / n * fpc)


def _up(value: float) -> int:
    """Round up, forgiving float noise (384.0000000001 is 384)."""
    return math.ceil(round(value, 9))


# --- strata and allocation --------------------------------------------------------------------------------------


def stratum_key(attributes: Mapping[str, str | None], by: Sequence[str]) -> str:
    """The stratum of a person: their values of the stratifying dimensions joined by `|` (`all` when none)."""
    if not by:
        return ALL
    return "|".join(attributes.get(d) or UNKNOWN for d in by)


def strata_counts(rows: Iterable[Person], by: Sequence[str]) -> dict[str, int]:
    """People per stratum of a frame (what the allocation shares n over)."""
    counts: dict[str, int] = {}
    for person in rows:
        key = stratum_key(person.attributes, by)
        counts[key] = counts.get(key, 0) + 1
    return counts


def check_dimensions(by: Sequence[str]) -> tuple[str, ...]:
    """The stratifying dimensions in their canonical order; unknown or repeated ones are refused."""
    if any(d not in DIMENSIONS for d in by) or len(set(by)) != len(by):
        raise SamplingError(MESSAGES["dimension"], fields={"by": MESSAGES["dimension"]})
    return tuple(d for d in DIMENSIONS if d in by)


@dataclass(frozen=True)
class Allocation:
    """Members to draw per stratum; `grown` when the minimums alone exceeded the requested n."""

    sizes: dict[str, int]
    requested: int
    grown: bool = False

    @property
    def total(self) -> int:
        """The sample's size: n, or more when the minimums made it grow."""
        return sum(self.sizes.values())


def allocate(strata: Mapping[str, int], *, n: int, minimum: int = 0) -> Allocation:
    """Proportional allocation of n over strata (name → rows), each at least `minimum` (or all it holds)."""
    population = sum(strata.values())
    if minimum < 0:
        raise SamplingError(MESSAGES["minimum"], fields={"minimum": MESSAGES["minimum"]})
    if population < 1 or not 1 <= n <= population:
        raise SamplingError(MESSAGES["sample"], fields={"n": MESSAGES["sample"]})
    floors = {s: min(minimum, size) for s, size in strata.items()}
    if sum(floors.values()) >= n:
        return Allocation(sizes=dict(sorted(floors.items())), requested=n, grown=sum(floors.values()) > n)
    fixed: dict[str, int] = {s: 0 for s, size in strata.items() if not size}
    shares: dict[str, float] = {}
    while True:  # fix the strata whose share falls below their floor or above their size; share the rest again
        free = {s: size for s, size in strata.items() if s not in fixed and size}
        left = n - sum(fixed.values())
        rows = sum(free.values())
        if not rows:  # every stratum is at a bound
            shares = {}
            break
        shares = {s: left * size / rows for s, size in free.items()}
        bound = {s: floors[s] for s, share in shares.items() if share < floors[s]}
        bound |= {s: strata[s] for s, share in shares.items() if share > strata[s]}
        if not bound:
            break
        fixed |= bound
    sizes = fixed | {s: math.floor(share) for s, share in shares.items()}
    short = n - sum(sizes.values())
    by_remainder = sorted(shares, key=lambda s: (-(shares[s] - math.floor(shares[s])), -strata[s], s))
    for s in by_remainder[:short]:
        sizes[s] += 1
    return Allocation(sizes=dict(sorted(sizes.items())), requested=n)


@dataclass(frozen=True)
class ReservePolicy:
    """How many reserves a stratum gets with its n_h main members: ⌈ratio·n_h⌉, at least `minimum`."""

    ratio: float = 0.5
    minimum: int = 2

    def size(self, main: int, available: int) -> int:
        """Reserves for n_h main members of a stratum of `available` rows: never more than the rows left."""
        if main <= 0:
            return 0
        return max(0, min(max(math.ceil(round(self.ratio * main, 9)), self.minimum), available - main))


# --- the draw ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """How a member is reached: an e-mail, a phone (+84…), or both; the name is optional."""

    email: str | None = None
    phone: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Person:
    """One row of a frame: the person's key (a hash of their identifier), contact and stratifying attributes."""

    person_key: str
    contact: Contact
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Member:
    """A sample member (*người được chọn vào mẫu*): main or reserve, ranked within its stratum from 1."""

    id: str
    stratum: str
    role: str
    rank: int
    person_key: str
    contact: Contact
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StratumDraw:
    """What one stratum got: rows in the frame, main and reserves asked and drawn, people left out as recent."""

    stratum: str
    population: int
    main_wanted: int
    reserve_wanted: int
    main: int
    reserves: int
    excluded: int


@dataclass(frozen=True)
class Sample:
    """The drawn members (by stratum, then rank), per-stratum figures, and how many were left out as recent."""

    seed: str
    members: list[Member]
    strata: dict[str, StratumDraw]

    @property
    def excluded(self) -> int:
        """People who would have been drawn but were surveyed by some office within the window."""
        return sum(s.excluded for s in self.strata.values())


class RecentContacts(Protocol):
    """The contact log as the draw asks it: which of these people were surveyed since `since`."""

    def recent(self, person_keys: Sequence[str], *, since: datetime) -> set[str]: ...


def priority(seed: str, person_key: str) -> int:
    """A person's place in the draw for this seed: uniform, independent between people, fixed by the seed."""
    digest = hashlib.blake2b(person_key.encode(), key=seed.encode()[:64], digest_size=16).digest()
    return int.from_bytes(digest, "big")


def member_id(seed: str, person_key: str) -> str:
    """A member's stable id: the same person drawn with the same seed has the same id."""
    return hashlib.blake2b(f"member\0{seed}\0{person_key}".encode(), digest_size=10).hexdigest()


@dataclass
class _Stratum:
    wanted: int
    keep: int
    population: int = 0
    heap: list[tuple[int, str, Person]] = field(default_factory=list)  # (-priority, key, person): a max-heap
    after: int = -1  # only rows past this priority (a later pass)
    taken: list[Person] = field(default_factory=list)
    excluded: int = 0

    def offer(self, rank: int, person: Person) -> None:
        if rank <= self.after:
            return
        entry = (-rank, person.person_key, person)
        if len(self.heap) < self.keep:
            heapq.heappush(self.heap, entry)
        elif entry > self.heap[0]:
            heapq.heapreplace(self.heap, entry)

    def candidates(self) -> list[tuple[int, Person]]:
        ordered = sorted((-neg, p) for neg, _, p in self.heap)
        self.heap = []
        return [(r, p) for r, p in ordered]


def draw(
    *,
    seed: str,
    rows: Callable[[], Iterable[Person]],
    by: Sequence[str],
    allocation: Mapping[str, int],
    reserves: ReservePolicy = ReservePolicy(),
    contacts: RecentContacts | None = None,
    since: datetime | None = None,
) -> Sample:
    """Draw each stratum's main members and reserves from the frame (`rows()` streams it again for each pass)."""
    by = check_dimensions(by)
    strata: dict[str, _Stratum] = {}
    counts = strata_counts(rows(), by)
    for key, size in allocation.items():
        main = min(size, counts.get(key, 0))
        wanted = main + reserves.size(main, counts.get(key, 0))
        strata[key] = _Stratum(wanted=wanted, keep=_keep(wanted, contacts), population=counts.get(key, 0))
    pending = {k for k, s in strata.items() if s.wanted}
    while pending:
        _pass(seed, rows, by, {k: strata[k] for k in pending})
        pending = {k for k in pending if _fill(strata[k], contacts, since)}
    members: list[Member] = []
    figures: dict[str, StratumDraw] = {}
    for key, stratum in sorted(strata.items()):
        main = min(allocation[key], counts.get(key, 0))
        for rank, person in enumerate(stratum.taken, start=1):
            role = MAIN if rank <= main else RESERVE
            members.append(
                Member(member_id(seed, person.person_key), key, role, rank, person.person_key, person.contact, person.attributes)
            )
        got_main = min(main, len(stratum.taken))
        figures[key] = StratumDraw(
            key, stratum.population, allocation[key], max(0, stratum.wanted - main), got_main,
            len(stratum.taken) - got_main, stratum.excluded,
        )  # fmt: skip
    return Sample(seed=seed, members=members, strata=figures)


def _keep(wanted: int, contacts: RecentContacts | None) -> int:
    """Candidates kept per pass: room for the skips of recent contacts on top of the members wanted."""
    return wanted if contacts is None else 2 * wanted + 10


def _pass(seed: str, rows: Callable[[], Iterable[Person]], by: Sequence[str], strata: Mapping[str, _Stratum]) -> None:
    for person in rows():
        stratum = strata.get(stratum_key(person.attributes, by))
        if stratum is not None:
            stratum.offer(priority(seed, person.person_key), person)


def _fill(stratum: _Stratum, contacts: RecentContacts | None, since: datetime | None) -> bool:
    """Take candidates in priority order, skipping recent contacts; True when the stratum needs another pass."""
    candidates = stratum.candidates()
    full = len(candidates) == stratum.keep  # the frame may hold more past the last one kept
    for start in range(0, len(candidates), CONTACT_BATCH):
        batch = candidates[start : start + CONTACT_BATCH]
        recent = contacts.recent([p.person_key for _, p in batch], since=since) if contacts and since else set()
        for rank, person in batch:
            stratum.after = rank
            if person.person_key in recent:
                stratum.excluded += 1
                continue
            stratum.taken.append(person)
            if len(stratum.taken) == stratum.wanted:
                return False
    return full
