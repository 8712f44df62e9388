"""What the demo's respondents answer: plausible for a satisfaction index, never uniform noise.

Each respondent is satisfied (4 or 5 on a 1–5 scale) with a criterion with a probability built from parts a reader
of the results page would recognise: the criterion's own level (waiting for the hotline is the weak point, the
staff's attitude the strong one), the channel the person came by (a little overall, and most on what that channel
is about: hotline callers on its waiting time, the portal's users on e-transactions, Fanpage's on their
complaints), the survey (2025 a few points below 2026), the province of a national survey, and a mood of the
person's own that moves all their answers together. So the comparisons by channel and by province show a
mark or two, the year over year change reads "tăng … điểm", and part III's lowest criteria are the expected ones.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.surveys import answers as form_rules
from chalicelib.surveys.members import Member
from chalicelib.surveys.questionnaire import QuestionnaireVersion

# A criterion's share of satisfied respondents before any shift (the questionnaire's criterion tags).
CRITERIA = {
    "Phổ biến đầy đủ, dễ hiểu": 0.83,
    "Hồ sơ đơn giản, rõ ràng": 0.74,
    "Thời gian chờ kết nối": 0.64,
    "Thái độ phục vụ": 0.92,
    "Dễ sử dụng, ổn định": 0.79,
    "Hưởng chế độ đầy đủ, kịp thời": 0.88,
    "Giải quyết thỏa đáng": 0.72,
}
UNTAGGED = 0.78
CHANNELS = {"hotline": -0.04, "national_portal": 0.03, "email": 0.02, "fanpage": -0.02, "post": 0.0}
# Where a channel's people differ most: hotline callers on its waiting time, the portal's users on e-transactions,
# Fanpage's on how their complaints were settled.
CHANNEL_CRITERIA = {
    ("hotline", "Thời gian chờ kết nối"): -0.18,
    ("national_portal", "Dễ sử dụng, ổn định"): 0.12,
    ("fanpage", "Giải quyết thỏa đáng"): -0.15,
}
LAST_CONTACT = {"hotline": "hotline", "national_portal": "online", "email": "online", "post": "counter"}  # → q1
MOOD = 0.07  # the spread of a person's own shift
COMMENTS = (
    "Tổng đài viên nhiệt tình, giải thích dễ hiểu.",
    "Thời gian chờ kết nối tổng đài còn lâu vào buổi sáng.",
    "Mong ứng dụng VssID hiển thị rõ hơn quá trình đóng BHXH.",
    "Hồ sơ được giải quyết đúng hẹn, cảm ơn cán bộ.",
    "Đề nghị gửi tin nhắn khi hồ sơ có kết quả.",
    "Cần hướng dẫn thủ tục cấp lại thẻ BHYT ngắn gọn hơn.",
    "Phản ánh gửi qua Fanpage lâu được trả lời.",
    "Nên có thêm tổng đài viên vào giờ cao điểm.",
)


@dataclass(frozen=True)
class Respondent:
    """One person's disposition: the shift of all their answers and the channel they came by."""

    shift: float
    channel: str = ""

    def satisfied(self, criterion: str) -> float:
        """The chance this person is satisfied with a criterion."""
        p = CRITERIA.get(criterion, UNTAGGED) + self.shift + CHANNELS.get(self.channel, 0.0)
        return min(0.97, max(0.05, p + CHANNEL_CRITERIA.get((self.channel, criterion), 0.0)))


def respondent(rng: random.Random, member: Member | None, *, level: float) -> Respondent:
    """A member's disposition in a survey (or a province's part) at `level` above or below the usual."""
    channel = member.attributes.get("channel", "") if member is not None else ""
    return Respondent(level + rng.gauss(0.0, MOOD), channel)


def screen_answers(
    rng: random.Random, version: QuestionnaireVersion, so_far: Mapping[str, Any], screen: int, person: Respondent
) -> dict[str, list[str]]:
    """The form a respondent sends for one screen of the questionnaire."""
    shown = form_rules.screens(version, dict(so_far))
    form: dict[str, list[str]] = {"screen": [str(screen)]}
    for q in shown[min(screen, len(shown) - 1)].questions:
        if q.kind == "likert":
            form[q.id] = [str(_score(rng, person.satisfied(q.criterion or "")))]
        elif q.kind == "yes_no":
            form[q.id] = ["yes" if rng.random() < (0.95 if person.channel == "hotline" else 0.55) else "no"]
        elif q.kind == "single":
            usual = LAST_CONTACT.get(person.channel)
            values = [c.value for c in q.choices]
            weights = (45, 25, 25, 5) if len(values) == 4 else None
            form[q.id] = [usual if usual in values and rng.random() < 0.7 else rng.choices(values, weights)[0]]
        elif q.kind == "multiple":
            form[q.id] = [q.choices[0].value]
        elif q.kind == "text" and rng.random() < 0.4:
            form[q.id] = [rng.choice(COMMENTS)]
    return form


def _score(rng: random.Random, satisfied: float) -> int:
    """A 1–5 answer: 4 or 5 with the given chance (5 for the more pleased), else mostly a hesitant 3."""
    if rng.random() < satisfied:
        return 5 if rng.random() < 0.4 else 4
    return rng.choices((1, 2, 3), (1, 3, 6))[0]
