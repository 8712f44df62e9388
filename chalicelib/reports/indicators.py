"""The indicators, each defined once (issue 11): the page, the exports and the league table call these.

Each indicator names where it comes from, says in Vietnamese what it counts (shown beside the figure), computes its
value from one counter item (`Figures`: facts.py names the attributes) and, for the two the agency has targets
for, holds it against the milestone of the year (shared/targets.py, seeds/004). Sources: Decision 1218 Art. 2.16
(the CCC keeps statistics and reports), Decision 681 Art. 14–15 (policy reports, by the five categories),
Annex 2 §1 (the deadlines), seeds/004 "Một là" and "Ba là" (instant support, satisfaction).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from chalicelib.shared.targets import INSTANT_SUPPORT, SATISFACTION, Milestone, in_force

from .facts import CORRECTION, WD_CAP
from .periods import Period

SHARE, COUNT, WORKING_DAYS = "share", "count", "working_days"


@dataclass(frozen=True)
class Figures:
    """One counter item's numbers: a period's (or, with `period` None, the "now" gauge read on `today`)."""

    tenant: str
    period: Period | None
    values: Mapping[str, int] = field(default_factory=dict)
    today: date | None = None

    def get(self, name: str) -> int:
        """A counter (0 when never written)."""
        return self.values.get(name, 0)

    def slice(self, dimension: str, value: str) -> Figures:
        """The figures of one dimension value (`unit`, `channel`, `kind`, `category`), named as the totals are."""
        suffix = f"|{dimension}={value}"
        found = {n[: -len(suffix)]: v for n, v in self.values.items() if n.endswith(suffix) and not n.startswith(CORRECTION)}
        return Figures(self.tenant, self.period, found, self.today)

    def dimension_values(self, dimension: str) -> list[str]:
        """The values of a dimension that have a figure (e.g. the units with requests)."""
        marker = f"|{dimension}="
        return sorted({n.split(marker, 1)[1] for n in self.values if marker in n and not n.startswith(CORRECTION)})

    def corrections(self) -> dict[str, int]:
        """What changed after the period was closed, per counter ("đã điều chỉnh sau khi chốt kỳ")."""
        return {n[len(CORRECTION) :]: v for n, v in self.values.items() if n.startswith(CORRECTION) and v}

    def as_closed(self) -> Figures:
        """The figures as they stood when the period closed (each counter less its corrections)."""
        fixes = self.corrections()
        kept = {n: v - fixes.get(n, 0) for n, v in self.values.items() if not n.startswith(CORRECTION)}
        return Figures(self.tenant, self.period, kept, self.today)

    def plus(self, other: Figures) -> Figures:
        """Two offices' figures summed (the national total; a transferred request counts in both offices)."""
        names = {*self.values, *other.values}
        return Figures("", self.period, {n: self.get(n) + other.get(n) for n in names}, self.today or other.today)


@dataclass(frozen=True)
class Indicator:
    """An indicator: key, Vietnamese label and definition, source, unit, its computation and targets."""

    key: str
    label: str
    definition: str
    source: str
    unit: str
    compute: Callable[[Figures], float | None]
    targets: tuple[Milestone, ...] = ()
    now: bool = False  # read from the "now" gauge, not a period
    higher_is_better: bool = True

    def value(self, figures: Figures) -> float | None:
        """The indicator on these figures (None when it is undefined: no requests, no ratings)."""
        return self.compute(figures)

    @property
    def reads(self) -> tuple[str, ...] | None:
        """The counters its value reads (None: it may read any of the item's, as the "now" gauge's due days)."""
        return self.compute.names if isinstance(self.compute, Reading) else None

    def target(self, year: int) -> Milestone | None:
        """The milestone `year` is held against, if the indicator has targets."""
        return in_force(self.targets, year) if self.targets else None

    def met(self, value: float | None, year: int) -> bool | None:
        """Whether the value meets the year's target (None without a target or a value)."""
        target = self.target(year)
        return None if target is None or value is None else target.met(value)


@dataclass(frozen=True)
class Reading:
    """A computation and the counters it reads: a league table asks DynamoDB for these alone, so what it reads
    stays a few numbers an office whatever the volume behind them."""

    names: tuple[str, ...]
    compute: Callable[[Figures], float | None]

    def __call__(self, figures: Figures) -> float | None:
        return self.compute(figures)


def _ratio(top: str | tuple[str, ...], bottom: str | tuple[str, ...]) -> Reading:
    tops = (top,) if isinstance(top, str) else top
    names = (bottom,) if isinstance(bottom, str) else bottom

    def compute(f: Figures) -> float | None:
        total = sum(f.get(n) for n in names)
        return sum(f.get(n) for n in tops) / total if total else None

    return Reading(tuple(dict.fromkeys((*tops, *names))), compute)


def _count(name: str) -> Reading:
    return Reading((name,), lambda f: float(f.get(name)))


WD_NAMES = (*(f"wd:{n}" for n in range(WD_CAP)), "wd:30+")


def quantile(histogram: Mapping[int, int], q: float) -> float | None:
    """The smallest n of working days by which a share `q` of the answered requests were answered."""
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for n in sorted(histogram):
        seen += histogram[n]
        if seen >= q * total:
            return float(n)
    return float(max(histogram))


def histogram(figures: Figures) -> dict[int, int]:
    """Answered requests by working days to answer ("wd:30+" as 30)."""
    found: dict[int, int] = {}
    for name, n in figures.values.items():
        if name.startswith("wd:") and "|" not in name and n:
            found[WD_CAP if name == "wd:30+" else int(name[3:])] = n
    return found


def _on_time_calls(f: Figures) -> float | None:
    calls = f.get("calls")
    return (calls - f.get("intake_late")) / calls if calls else None


def _overdue(f: Figures) -> float | None:
    today = (f.today or date.min).isoformat()
    return float(sum(n for name, n in f.values.items() if name.startswith("due:") and name[4:] < today and name != "due:none"))


def _due_today(f: Figures) -> float | None:
    return float(f.get(f"due:{f.today.isoformat()}")) if f.today else None


_ANNEX2 = "QĐ 681 Phụ lục 2 §1"
INDICATORS: tuple[Indicator, ...] = (
    Indicator("received", "Yêu cầu tiếp nhận", "Số yêu cầu tiếp nhận trong kỳ trên mọi kênh (theo ngày tiếp nhận).",
              "QĐ 1218 Điều 2.16; QĐ 681 Điều 5, 14", COUNT, _count("received")),
    Indicator("answered", "Đã trả lời", "Số yêu cầu tiếp nhận trong kỳ đã được trả lời hoặc đã đóng.",
              "QĐ 1218 Điều 2.16; QĐ 681 Điều 6", COUNT, _count("answered")),
    Indicator("unanswered", "Chưa trả lời", "Số yêu cầu tiếp nhận trong kỳ chưa được trả lời (tại thời điểm xem).",
              "QĐ 1218 Điều 2.16; QĐ 681 Điều 6", COUNT, Reading(("received", "answered"), lambda f: float(f.get("received") - f.get("answered"))),
              higher_is_better=False),
    Indicator("late", "Trả lời quá hạn", "Số yêu cầu tiếp nhận trong kỳ được trả lời sau hạn của bước đang xử lý.",
              _ANNEX2, COUNT, _count("late"), higher_is_better=False),
    Indicator("open_now", "Đang xử lý", "Số yêu cầu chưa trả lời tại thời điểm xem.",
              "QĐ 1218 Điều 2.16", COUNT, _count("open"), now=True, higher_is_better=False),
    Indicator("overdue_now", "Quá hạn", "Số yêu cầu chưa trả lời đã quá ngày hạn xử lý (theo ngày làm việc của Phụ lục 2).",
              _ANNEX2, COUNT, _overdue, now=True, higher_is_better=False),
    Indicator("due_today", "Đến hạn hôm nay", "Số yêu cầu chưa trả lời có hạn xử lý trong ngày hôm nay.",
              _ANNEX2, COUNT, _due_today, now=True, higher_is_better=False),
    Indicator("on_time_share", "Tỷ lệ trả lời đúng hạn",
              "Số yêu cầu trả lời trước hạn của bước đang xử lý, trên số yêu cầu đã trả lời có ghi hạn.",
              _ANNEX2, SHARE, _ratio("on_time", ("on_time", "late"))),
    Indicator("instant_rate", "Tỷ lệ hỗ trợ tức thời",
              "Yêu cầu được trả lời ngay: qua tổng đài trong cuộc gọi (không hẹn gọi lại, không chuyển), qua kênh văn bản "
              "trong ngày làm việc tiếp nhận; trên tổng số yêu cầu tiếp nhận.",
              "Bài viết của Giám đốc TT CSKH (seeds/004) “Một là”; QĐ 681 Điều 6.1, Phụ lục 2 §1", SHARE,
              _ratio("instant", "received"), INSTANT_SUPPORT),
    Indicator("satisfaction_rate", "Tỷ lệ hài lòng",
              "Số đánh giá “hài lòng” của khách hàng sau khi được trả lời cộng số phiếu khảo sát hài lòng (người trả lời "
              "có chỉ số hài lòng chung trên 50 %: phần lớn tiêu chí được đánh giá “hài lòng” hoặc “rất hài lòng”), trên "
              "tổng số đánh giá và phiếu khảo sát có đánh giá. Phiếu khảo sát không gắn với kênh, loại, nhóm nội dung hay "
              "đơn vị của yêu cầu: tỷ lệ theo từng kênh, loại, nhóm hay đơn vị chỉ tính đánh giá sau khi trả lời.",
              "Bài viết của Giám đốc TT CSKH (seeds/004) “Ba là”; QĐ 681 Điều 6.1 bước 4, Điều 8", SHARE,
              _ratio(("satisfied", "survey_satisfied"), ("rated", "survey_rated")), SATISFACTION),
    Indicator("median_working_days", "Thời gian trả lời (trung vị)",
              "Số ngày làm việc mà một nửa số yêu cầu đã trả lời được trả lời trong đó (0 là trong ngày tiếp nhận).",
              _ANNEX2, WORKING_DAYS, Reading(WD_NAMES, lambda f: quantile(histogram(f), 0.5)), higher_is_better=False),
    Indicator("p90_working_days", "Thời gian trả lời (90 %)",
              "Số ngày làm việc mà 90 % số yêu cầu đã trả lời được trả lời trong đó.",
              _ANNEX2, WORKING_DAYS, Reading(WD_NAMES, lambda f: quantile(histogram(f), 0.9)), higher_is_better=False),
    Indicator("intake_late", "Nhập phiếu gọi muộn", "Số cuộc gọi được nhập phiếu sau quá 5 phút kể từ cuộc gọi.",
              "QĐ 681 Phụ lục 2 §1 I.2", COUNT, _count("intake_late"), higher_is_better=False),
    Indicator("intake_on_time_share", "Nhập phiếu cuộc gọi đúng hạn",
              "Số cuộc gọi tổng đài được nhập phiếu trong 5 phút kể từ cuộc gọi, trên tổng số cuộc gọi tiếp nhận.",
              "QĐ 681 Phụ lục 2 §1 I.2", SHARE, Reading(("calls", "intake_late"), _on_time_calls)),
    Indicator("unit_on_time_share", "Đơn vị nghiệp vụ trả lời đúng hạn",
              "Số lượt đơn vị nghiệp vụ trả lời trước hạn của lượt chuyển, trên số lượt đã trả lời.",
              "QĐ 681 Điều 6, Phụ lục 2 §1 I.3, II.3", SHARE, _ratio("unit_on_time", "unit_answered")),
    Indicator("transferred", "Chuyển BHXH tỉnh", "Số lượt Trung tâm CSKH chuyển yêu cầu cho BHXH tỉnh.",
              "QĐ 681 Điều 6.1 bước 3", COUNT, _count("transferred")),
    Indicator("transfer_reported", "Tỉnh đã báo cáo lại", "Số lượt chuyển mà BHXH tỉnh đã báo cáo kết quả về Trung tâm.",
              "QĐ 681 Điều 6.1 bước 3", COUNT, _count("transfer_reported")),
    Indicator("transferred_in_on_time", "Tỉnh trả lời đúng hạn",
              "Số yêu cầu Trung tâm CSKH chuyển đến mà BHXH tỉnh trả lời khách hàng trước hạn của lượt chuyển (tính theo "
              "ngày tỉnh nhận yêu cầu), trên số yêu cầu tỉnh nhận.",
              "QĐ 681 Điều 6.1 bước 3, Phụ lục 2 §1", SHARE, _ratio("transferred_in_on_time", "transferred_in")),
    Indicator("transfer_reported_on_time", "Tỉnh báo cáo lại đúng hạn",
              "Số lượt chuyển được báo cáo kết quả trước hạn, trên số lượt đã chuyển.",
              "QĐ 681 Điều 6.1 bước 3, Phụ lục 2 §1", SHARE, _ratio("transfer_reported_on_time", "transferred")),
)  # fmt: skip
BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
