"""Demo surveys for `make run`, made through the survey services themselves (Decision 681 Art. 8–9).

In Hà Nội: a plan waiting in the leader's inbox, a plan returned with its reason, and a survey on its own
questionnaire (three angles, factors and criteria, a condition, an open question) whose pilot is closed with its
lessons noted and whose official round over a frame of a few hundred people, stratified by channel, has run for ten
days — invited, delivered, opened, answered on the real questionnaire through the respondent's service, a few
replaced by reserves after a refusal or a wrong number, a couple of e-mails bounced (SMS stands in, or a reserve).
At the CCC: a national survey across four provinces whose official round is open, each province's part under its
own keys. The steps are backdated by a container on a settable clock, so the daily tally has its shape; SES's
events are given to the deliveries as SES would send them, at the backdated times.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from chalicelib.jobs.service import upload_key
from chalicelib.shared.clock import SystemClock, to_local
from chalicelib.shared.errors import ConflictError, RuleViolationError
from chalicelib.shared.ids import new_id
from chalicelib.shared.permissions import Role
from chalicelib.shared.tenancy import Principal, across, acting_for
from chalicelib.surveys import answers as form_rules
from chalicelib.surveys.domain import Plan, Settings, Survey
from chalicelib.surveys.invitations import group_of
from chalicelib.surveys.ports import DrawRequest
from chalicelib.surveys.questionnaire import Choice, Condition, Content, Question, Section
from chalicelib.surveys.respond import Done, Sitting

from .demo_requests import _principal
from .survey_answers import Respondent, respondent, screen_answers

HANOI_TITLE = "Khảo sát sự hài lòng của người dân về công tác chăm sóc khách hàng năm 2026"
PREVIOUS_TITLE = "Khảo sát sự hài lòng của người dân về công tác chăm sóc khách hàng năm 2025"
PENDING_TITLE = "Khảo sát sự phù hợp của chính sách BHXH tự nguyện với lao động tự do"
RETURNED_TITLE = "Khảo sát mức độ hài lòng của đơn vị sử dụng lao động về giao dịch điện tử"
NATIONAL_TITLE = "Khảo sát toàn quốc về chất lượng tổng đài 1900 9068"
NATIONAL_PROVINCES = ("hanoi", "hcm", "danang", "cantho")
NATIONAL_SHARES = (30, 38, 20, 12)  # of the national frame: Cần Thơ's part small, so its interval is wide
NATIONAL_LEVELS = {"hanoi": 0.0, "hcm": 0.07, "danang": -0.05, "cantho": -0.12}
PREVIOUS_LEVEL = -0.07  # 2025's respondents a few points less pleased than 2026's
PREVIOUS_ANSWERED = 0.82  # of the 2025 sample, those the interviewers reached and who answered
A_YEAR = 364  # days: the 2025 survey's steps, a year (to the weekday) before 2026's
CLIENT = "demo-seed"
ANSWER_TEMPLATE = "request-answer"  # the written answer's e-mail (requests/notices.py), with its survey link
INTERVIEWED = 0.6  # of those who answer, the share an interviewer enters (by phone); the rest answer online
SEED = "demo-2026"

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = {"f": ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim"), "m": ("Văn", "Minh", "Đức", "Quang", "Hữu", "Công", "Anh")}
GIVEN = {
    "f": ("Hương", "Lan", "Mai", "Trang", "Hà", "Linh", "Thảo", "Ngân", "Yến", "Phương", "Hạnh", "Oanh", "Nhung", "Vân"),
    "m": ("Nam", "Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Long", "Sơn", "Phúc", "Thắng", "Khánh", "Bình", "Tài", "Huy"),
}
CHANNELS = (("Tổng đài", 36), ("Email", 18), ("Cổng Dịch vụ công quốc gia", 20), ("Fanpage", 14), ("Bưu chính", 12))
GROUPS = ("Người lao động", "Người hưởng lương hưu", "Người tham gia BHXH tự nguyện", "Người có thẻ BHYT hộ gia đình")
PROVINCE_NAMES = {"hanoi": "Hà Nội", "hcm": "TP Hồ Chí Minh", "danang": "Đà Nẵng", "cantho": "Cần Thơ"}
MOBILE_PREFIXES = ("90", "91", "93", "94", "96", "97", "98", "32", "33", "35", "36", "37", "38", "39", "70", "77", "79", "81")


def questionnaire_content(*, with_condition: bool = True, title_suffix: str = "") -> Content:
    """The demo's own questionnaire: general questions, one section per angle (factors, criteria), a comment."""
    call_question = Question(
        "q5",
        "likert",
        text="Ông/Bà đánh giá thế nào về thời gian chờ kết nối khi gọi tổng đài 1900 9068?",
        angle="service",
        factor="Tổng đài 1900 9068",
        criterion="Thời gian chờ kết nối",
        show_if=Condition("q2", ("yes",)) if with_condition else None,
    )
    return Content(
        title="Phiếu khảo sát sự hài lòng về công tác chăm sóc khách hàng" + title_suffix,
        form_kind="questionnaire",
        intro="Phiếu gồm 10 câu hỏi, mất khoảng 3 phút. Ý kiến của Ông/Bà được giữ kín và chỉ dùng để cải thiện dịch vụ.",
        sections=(
            Section(
                "Thông tin chung",
                (
                    Question(
                        "q1",
                        "single",
                        "Lần gần nhất Ông/Bà liên hệ cơ quan BHXH qua kênh nào?",
                        choices=(
                            Choice("hotline", "Tổng đài 1900 9068"),
                            Choice("counter", "Bộ phận một cửa"),
                            Choice("online", "Cổng Dịch vụ công hoặc VssID"),
                            Choice("other", "Kênh khác"),
                        ),
                    ),
                    Question("q2", "yes_no", "Trong 6 tháng qua, Ông/Bà có gọi tổng đài 1900 9068 không?"),
                ),
            ),
            Section(
                "Tổ chức triển khai chính sách",
                (
                    Question(
                        "q3",
                        "likert",
                        text="Chính sách BHXH, BHYT được phổ biến đầy đủ, dễ hiểu.",
                        scale="agreement",
                        angle="policy",
                        factor="Thông tin chính sách",
                        criterion="Phổ biến đầy đủ, dễ hiểu",
                    ),
                    Question(
                        "q4",
                        "likert",
                        text="Thành phần hồ sơ, thủ tục hưởng chế độ đơn giản, rõ ràng.",
                        scale="agreement",
                        angle="policy",
                        factor="Thủ tục hành chính",
                        criterion="Hồ sơ đơn giản, rõ ràng",
                    ),
                ),
            ),
            Section(
                "Chất lượng cung cấp dịch vụ công",
                (
                    call_question,
                    Question(
                        "q6",
                        "likert",
                        text="Ông/Bà hài lòng thế nào với thái độ phục vụ của công chức, viên chức?",
                        angle="service",
                        factor="Công chức, viên chức",
                        criterion="Thái độ phục vụ",
                    ),
                    Question(
                        "q7",
                        "likert",
                        text="Ông/Bà hài lòng thế nào với giao dịch điện tử (Cổng Dịch vụ công, VssID)?",
                        angle="service",
                        factor="Giao dịch điện tử",
                        criterion="Dễ sử dụng, ổn định",
                    ),
                ),
            ),
            Section(
                "Bảo đảm quyền lợi của người tham gia",
                (
                    Question(
                        "q8",
                        "likert",
                        text="Ông/Bà được hưởng các chế độ đầy đủ, kịp thời.",
                        scale="agreement",
                        angle="rights",
                        factor="Quyền lợi",
                        criterion="Hưởng chế độ đầy đủ, kịp thời",
                    ),
                    Question(
                        "q9",
                        "likert",
                        text="Phản ánh, kiến nghị của Ông/Bà được giải quyết thỏa đáng.",
                        scale="agreement",
                        angle="rights",
                        factor="Giải quyết phản ánh",
                        criterion="Giải quyết thỏa đáng",
                    ),
                ),
            ),
            Section(
                "Góp ý",
                (
                    Question(
                        "q10", "text", "Ông/Bà có góp ý gì để cơ quan BHXH phục vụ tốt hơn?", required=False, max_length=1000
                    ),
                ),
            ),
        ),
    )


class DemoClock:
    """The seed's clock: set to each backdated step's time."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        """The instant the seed is at."""
        return self.at


@dataclass(frozen=True)
class Sizes:
    """How big the demo is: Hà Nội's frame, pilot and official sample, the same for its survey of the year before
    (answered by phone: about 4 in 5 of its sample), and the national frame and sample."""

    frame: int = 420
    pilot: int = 16
    official: int = 150
    previous_frame: int = 640
    previous_pilot: int = 10
    previous: int = 320
    national_frame: int = 300
    national: int = 130

    @classmethod
    def small(cls) -> Sizes:
        """The same demo, a few times smaller (the tests, and `python -m local --small-demo`)."""
        return cls(
            frame=160, pilot=10, official=60, previous_frame=100, previous_pilot=6, previous=36, national_frame=110, national=44
        )


@dataclass
class Report:
    """What the seed made, and how long it took."""

    surveys: dict[str, str] = field(default_factory=dict)  # name → survey id
    completed: int = 0
    seconds: float = 0.0
    skipped: bool = False


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


def people_csv(
    *, rng: random.Random, rows: int, provinces: tuple[str, ...], tag: str, shares: tuple[int, ...] | None = None
) -> bytes:
    """A list as an office exports it: Vietnamese header, names, +84 phones, e-mails at example.vn, channel, group;
    the provinces in turn, or in proportion to `shares`."""
    lines = ["Họ và tên;Số điện thoại;Email;Tỉnh/thành phố;Kênh;Nhóm đối tượng"]
    turns = [p for p, k in zip(provinces, shares or (1,) * len(provinces), strict=True) for _ in range(k)]
    labels = [label for label, _ in CHANNELS]
    weights = [weight for _, weight in CHANNELS]
    for i in range(rows):
        sex = rng.choice("fm")
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
        phone = f"+84 {rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
        parts = _ascii(name).split()
        email = f"{parts[-1]}.{''.join(p[0] for p in parts[:-1])}{i:03d}.{tag}@example.vn"
        kind = rng.random()
        if kind < 0.08:
            email = ""  # reached by SMS
        elif kind < 0.14:
            phone = ""  # e-mail only
        lines.append(
            ";".join(
                (
                    name,
                    phone,
                    email,
                    PROVINCE_NAMES[turns[i % len(turns)]],
                    rng.choices(labels, weights)[0],
                    rng.choice(GROUPS),
                )
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode()


class Seeder:
    """The steps of the demo, each at its time, on a container whose clock the seed sets."""

    def __init__(self, services: Any, clock: DemoClock, *, today: datetime) -> None:
        self.c = services
        self.clock = clock
        self.today = today  # the real now: every step lies before it
        self.rng = random.Random(SEED)
        self.completed = 0
        self.levels: dict[tuple[str, str], float] = {}  # (survey id, part's tenant or "") → shift of the answers
        settings = services.settings
        self.s3 = boto3.client("s3", endpoint_url=settings.endpoint_url, region_name=settings.region)

    def at(self, days_ago: float, hour: float = 9.0) -> datetime:
        """A working-day time `days_ago` before today (Vietnam time), never later than now."""
        local = to_local(self.today).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)
        when = (local + timedelta(hours=hour)).astimezone(UTC)
        self.clock.at = min(when, self.today - timedelta(minutes=5))
        return self.clock.at

    # -- the plan -------------------------------------------------------------------------------------------------

    def plan(self, tenant: str, owner: Principal, **fields: Any) -> Survey:
        """A draft plan of the owner."""
        start = to_local(self.clock.now()).date()
        defaults: dict[str, Any] = {
            "kind": "care",
            "period_start": start,
            "period_end": start + timedelta(days=60),
            "methods": ("online", "individual_interview"),
            "lead_unit": "cham-soc-khach-hang",
            "target_groups": ("Người lao động", "Người hưởng lương hưu"),
            "budget": 45_000_000,
        }
        plan = Plan(**(defaults | fields))
        return self.c.surveys.create(tenant=tenant, actor=owner, plan=plan, settings=Settings())

    def submit(self, survey: Survey, owner: Principal, note: str) -> Survey:
        """The owner sends the plan to the leader."""
        return self.c.surveys.submit(tenant=survey.tenant, survey_id=survey.id, actor=owner, note=note, version=survey.version)

    def approve(self, survey: Survey, leader: Principal) -> Survey:
        """The leader approves."""
        return self.c.surveys.approve(
            tenant=survey.tenant, survey_id=survey.id, actor=leader, note="Đồng ý triển khai", version=survey.version
        )

    # -- the frame ------------------------------------------------------------------------------------------------

    def frame(self, tenant: str, owner: Principal, csv: bytes, title: str) -> str:
        """The list uploaded and imported by the frame job (run here, as the jobs worker would)."""
        upload_id = new_id()
        key = upload_key(tenant, owner.username, upload_id)
        self.s3.put_object(Bucket=self.c.settings.files_bucket, Key=key, Body=csv)
        job = self.c.survey_frames.import_upload(
            tenant=tenant, actor=owner.username, upload_id=upload_id, file_name="danh-sach.csv", title=title
        )
        self.c.jobs.run(tenant=tenant, job_id=job.id)
        return str(job.id)

    # -- a round --------------------------------------------------------------------------------------------------

    def draw(self, survey: Survey, owner: Principal, kind: str, frame_id: str, size: int, strata: tuple[str, ...]) -> Survey:
        """Draw the round's sample (seeded, so the demo is the same each time)."""
        request = DrawRequest(frame_id, strata, size, 3, 0.5, f"{SEED}-{kind}")
        self.c.surveys.draw(
            tenant=survey.tenant, survey_id=survey.id, actor=owner, kind=kind, request=request, version=survey.version
        )
        return self.c.surveys.get(tenant=survey.tenant, survey_id=survey.id)

    def open(self, survey: Survey, owner: Principal, number: int, days: int, reminders: tuple[int, ...]) -> Survey:
        """Open the round (the waves machine starts); its first wave is sent now, at the backdated time."""
        closes = self.clock.now() + timedelta(days=days)
        self.c.surveys.open(
            tenant=survey.tenant,
            survey_id=survey.id,
            actor=owner,
            number=number,
            closes_at=closes,
            reminders=reminders,
            version=survey.version,
        )
        self.c.surveys.on_wave(tenant=survey.tenant, survey_id=survey.id, round_number=number, step="send")
        return self.c.surveys.get(tenant=survey.tenant, survey_id=survey.id)

    def parts(self, survey: Survey) -> list[str]:
        """Where the survey's members are: its tenant and, for a national one, the provinces."""
        return [survey.tenant, *self.c.surveys.part_tenants(survey)]

    def send(self, survey: Survey, number: int) -> dict[str, tuple[str, Any]]:
        """Send what is pending (SES bulk on moto); returns member id → (its link's URL, delivery) per part."""
        links: dict[str, tuple[str, Any]] = {}
        group = group_of(survey.id, number)
        for where in self.parts(survey):
            with across(where):
                cursor: str | None = None
                while True:
                    page, cursor = self.c.deliveries.list(tenant=where, group=group, limit=100, cursor=cursor)
                    for d in page:
                        url = d.secret.get("survey_url") or d.secret.get("url")
                        if d.status == "pending" and url:
                            links[d.subject["member_id"]] = (url, d)
                    if cursor is None:
                        break
                while self.c.deliveries.send_chunk(tenant=where, group=group, rate=500):
                    pass
        return links

    def ses(self, delivery: Any, kind: str) -> None:
        """What SES reports about one e-mail (Delivery, or a permanent Bounce), at the clock's time."""
        tags = {"tenant": [delivery.tenant], "group": [delivery.group], "delivery": [delivery.id]}
        event: dict[str, Any] = {"eventType": kind, "mail": {"tags": tags}}
        if kind == "Bounce":
            event["bounce"] = {"bounceType": "Permanent", "bounceSubType": "General"}
        with across(delivery.tenant):
            self.c.deliveries.on_ses_event(event=event)

    def level(self, survey_id: str, tenant: str) -> float:
        """How much above or below the usual this survey's (or this province's part's) respondents are pleased."""
        return self.levels.get((survey_id, tenant), self.levels.get((survey_id, ""), 0.0))

    def respond(self, tenant: str, url: str, *, finish: bool) -> bool:
        """A respondent follows the link and answers screen by screen (or leaves at, or after, the first screen);
        True when the answers were recorded."""
        token = url.rsplit("/s/", 1)[1]
        with across(tenant):
            sitting = self.c.respondents.open(tenant=tenant, token=token, client=CLIENT)
            if not finish and self.rng.random() < 0.5:
                return False  # looked at the first screen and left
            person: Respondent | None = None
            for _ in range(20):
                if not isinstance(sitting, Sitting):
                    done = isinstance(sitting, Done) and not sitting.again
                    self.completed += done
                    return done
                if person is None:
                    person = respondent(self.rng, sitting.member, level=self.level(sitting.survey_id, tenant))
                form = screen_answers(self.rng, sitting.version, sitting.answers, sitting.screen, person)
                sitting = self.c.respondents.answer(
                    tenant=tenant, token=token, client=CLIENT, screen=sitting.screen, form=form, back=False
                )
                if not finish:
                    return False
        return False

    def interview(
        self, survey: Survey, number: int, tenant: str, member_id: str, interviewer: Principal, part: Survey | None = None
    ) -> None:
        """An interviewer enters what the member answered by phone (a direct method), all screens at once; `part` is
        the survey as `tenant` sees it, when the caller has it already."""
        with across(tenant):
            part = part or self.c.surveys.get(tenant=tenant, survey_id=survey.id)
            sitting = self.c.respondents.interview_sitting(tenant=tenant, survey=part, number=number, member_id=member_id)
            person = respondent(self.rng, sitting.member, level=self.level(survey.id, tenant))
            given: dict[str, Any] = {}
            for screen in range(20):
                if screen >= len(form_rules.screens(sitting.version, given)):
                    break
                form = screen_answers(self.rng, sitting.version, given, screen, person)
                given, _ = form_rules.validate_screen(sitting.version, screen, form, given)
            done = self.c.respondents.interview(
                tenant=tenant,
                survey=part,
                number=number,
                member_id=member_id,
                actor=interviewer,
                entry_id=new_id(),
                given=given,
            )
        self.completed += not done.again

    def run_round(self, survey: Survey, owner: Principal, number: int, *, span: float) -> None:
        """The round's life over `span` days from its opening: deliveries, openings, answers,
        replacements — each person's steps at times spread over the days, with the fading response of a web survey."""
        sent_at = self.clock.now()
        links = self.send(survey, number)
        ids = sorted(links)
        self.rng.shuffle(ids)
        bounced = set(ids[: max(1, round(len(ids) / 60))])
        for member_id in sorted(ids):
            delivery = links[member_id][1]
            if delivery.channel == "email":
                self.clock.at = sent_at + timedelta(minutes=self.rng.randint(1, 40))
                self.ses(delivery, "Bounce" if member_id in bounced else "Delivery")
        links |= self.settle(survey, number)  # the SMS after a bounce, or a reserve's e-mail
        ready = [m for m in ids if m not in bounced]
        own = [m for m in ready if links[m][1].tenant == survey.tenant]  # the owner replaces in its own partition
        n_refused, n_wrong = max(1, len(own) // 30), max(1, len(own) // 50)
        refused, wrong = set(own[-n_refused:]), set(own[-n_refused - n_wrong : -n_refused])
        answering = set(ready[: int(len(ready) * 0.55)])
        opening = set(ready[int(len(ready) * 0.55) : int(len(ready) * 0.7)])
        planned = sorted((min(self.rng.expovariate(1 / 1.8), span), m) for m in sorted(answering | opening | refused | wrong))
        for delay, member_id in planned:
            self.clock.at = min(sent_at + timedelta(days=delay, minutes=30), self.today - timedelta(minutes=5))
            url, delivery = links[member_id]
            if member_id in refused or member_id in wrong:
                try:
                    with across(delivery.tenant):
                        self.c.surveys.replace_by_owner(
                            tenant=delivery.tenant,
                            survey_id=survey.id,
                            round_number=number,
                            member_id=member_id,
                            reason="refused" if member_id in refused else "wrong_contact",
                            actor=owner,
                        )
                except ConflictError:  # no reserve left in the stratum: the owner is told so, the demo goes on
                    continue
                for reserve_url, reserve in self.settle(survey, number).values():
                    if self.rng.random() < 0.6:
                        self.respond(reserve.tenant, reserve_url, finish=True)
                continue
            if member_id in answering and self.rng.random() < INTERVIEWED:
                self.interview(survey, number, delivery.tenant, member_id, owner)
            else:
                self.respond(delivery.tenant, url, finish=member_id in answering)

    def interview_round(self, survey: Survey, owner: Principal, number: int, *, answered: float, span: float) -> None:
        """A round by phone only (a direct method): over `span` days the interviewers reach and enter `answered` of
        the main sample, with no invitation sent (the cheapest way to a few hundred answers)."""
        opened = self.clock.now()
        part = self.c.surveys.get(tenant=survey.tenant, survey_id=survey.id)
        members: list[str] = []
        cursor: str | None = None
        while True:  # the interviewers' list (a read of personal data: audited)
            page, cursor = self.c.surveys.members(
                tenant=survey.tenant, survey_id=survey.id, round_number=number, cursor=cursor, actor=owner
            )
            members += [m.id for m in page if m.role == "main"]
            if cursor is None:
                break
        reached = sorted(self.rng.sample(members, round(len(members) * answered)))
        for i, member_id in enumerate(reached):
            self.clock.at = opened + timedelta(days=span * i / max(1, len(reached)), minutes=self.rng.randint(0, 90))
            self.interview(survey, number, survey.tenant, member_id, owner, part)

    def reported(self, survey: Survey, owner: Principal, leader: Principal, *, number: int) -> Survey:
        """The round's report: started, part III rewritten, submitted, approved (the archive job queued for the
        worker) and published, a day or two apart."""
        reports = self.c.survey_reports
        survey = reports.start(
            tenant=survey.tenant, survey_id=survey.id, actor=owner, round_number=number, version=survey.version
        )
        assert survey.report is not None
        conclusions, recommendations = _rewritten(survey.report.conclusions)
        self.clock.at += timedelta(hours=5)
        survey = reports.edit(
            tenant=survey.tenant,
            survey_id=survey.id,
            actor=owner,
            conclusions=conclusions,
            recommendations=recommendations,
            version=survey.version,
        )
        self.clock.at += timedelta(days=1)
        note = "Kính trình lãnh đạo phê duyệt báo cáo kết quả khảo sát."
        survey = reports.submit(tenant=survey.tenant, survey_id=survey.id, actor=owner, note=note, version=survey.version)
        self.clock.at += timedelta(days=1, hours=2)
        try:
            reports.approve(tenant=survey.tenant, survey_id=survey.id, actor=leader, note="Đồng ý", version=survey.version)
        except RuleViolationError as e:  # a build without the archive job: the approval is saved, the copy not made
            if e.code != "unknown_job_kind":
                raise
        survey = self.c.surveys.get(tenant=survey.tenant, survey_id=survey.id)
        self.clock.at += timedelta(hours=3)
        return reports.publish(tenant=survey.tenant, survey_id=survey.id, actor=owner, version=survey.version)

    def settle(self, survey: Survey, number: int) -> dict[str, tuple[str, Any]]:
        """What the round queued since (an SMS after a bounce, a reserve's invitation): sent, e-mails delivered."""
        found = self.send(survey, number)
        for _url, delivery in found.values():
            if delivery.channel == "email":
                self.ses(delivery, "Delivery")
        return found


def existing(services: Any, tenant: str) -> Survey | None:
    """The demo's main survey, when an earlier seed made it (the seed runs once per data folder)."""
    with acting_for(tenant):
        items, _ = services.surveys.page(tenant=tenant, cursor=None, limit=50)
    return next((s for s in items if s.plan.title == HANOI_TITLE), None)


def seed_surveys(tenants: tuple[str, ...], sizes: Sizes = Sizes()) -> Report:
    """Write the demo surveys of the given tenants (Hà Nội's and, with the CCC, the national one); once."""
    from chalicelib import bootstrap

    started = time.perf_counter()
    report = Report()
    today = SystemClock().now()
    clock = DemoClock(today)
    services = bootstrap.build(clock=clock)
    if "hanoi" in tenants and existing(services, "hanoi") is not None:
        report.skipped = True
        return report
    seeder = Seeder(services, clock, today=today)
    if "hanoi" in tenants:
        with acting_for("hanoi"):
            _previous_year(seeder, report, sizes)
            _hanoi(seeder, report, sizes)
    if "ccc" in tenants:
        with acting_for("ccc"):
            _national(seeder, report, NATIONAL_PROVINCES, sizes)
    report.completed = seeder.completed
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def _hanoi(s: Seeder, report: Report, sizes: Sizes) -> None:
    owner, leader = _principal("hanoi", Role.FOCAL_OFFICER), _principal("hanoi", Role.LEADER)
    s.at(16, 8.5)
    made = s.c.questionnaires.create(tenant="hanoi", actor=owner.username, content=questionnaire_content(with_condition=False))
    survey = s.plan(
        "hanoi",
        owner,
        title=HANOI_TITLE,
        purpose="Đo lường mức độ hài lòng của người dân liên hệ BHXH thành phố Hà Nội qua các kênh, theo ba góc độ "
        "chính sách, dịch vụ và quyền lợi, để cải thiện công tác chăm sóc khách hàng.",
        content_areas=("Tiếp nhận và trả lời yêu cầu", "Tổng đài 1900 9068", "Giao dịch điện tử"),
        criteria=("Thái độ phục vụ", "Thời gian chờ", "Thủ tục đơn giản", "Quyền lợi được bảo đảm"),
        places=("Bộ phận một cửa 14 Láng Hạ", "BHXH cơ sở 1"),
        questionnaire_id=made.id,
        period_start=to_local(s.clock.now()).date(),
        period_end=to_local(s.today).date() + timedelta(days=30),
    )
    report.surveys["hanoi"] = survey.id
    s.at(15, 10)
    survey = s.submit(survey, owner, "Kính trình lãnh đạo phê duyệt kế hoạch khảo sát năm 2026.")
    s.at(14, 15)
    survey = s.approve(survey, leader)
    csv = people_csv(rng=s.rng, rows=sizes.frame, provinces=("hanoi",), tag="hn")
    frame_id = s.frame("hanoi", owner, csv, "Người liên hệ BHXH Hà Nội quý III/2026")
    s.at(14, 16)
    survey = s.draw(survey, owner, "pilot", frame_id, sizes.pilot, ())
    s.at(14, 16.5)
    survey = s.open(survey, owner, 1, days=3, reminders=())
    s.run_round(survey, owner, 1, span=1.8)
    s.at(12, 9)
    survey = s.c.surveys.close_early(tenant="hanoi", survey_id=survey.id, actor=owner, number=1, version=survey.version)
    survey = s.c.surveys.note_lessons(
        tenant="hanoi",
        survey_id=survey.id,
        actor=owner,
        number=1,
        lessons="Người chưa gọi tổng đài không trả lời được câu về thời gian chờ: câu này chỉ hỏi khi đã gọi tổng đài. "
        "Phiếu 10 câu trả lời trong khoảng 3 phút, giữ nguyên độ dài.",
        version=survey.version,
    )
    current = s.c.questionnaires.get(tenant="hanoi", questionnaire_id=made.id)
    s.c.questionnaires.update(
        tenant="hanoi",
        questionnaire_id=made.id,
        actor=owner.username,
        content=questionnaire_content(with_condition=True),
        expected_version=current.version,
    )
    s.at(10, 8)
    survey = s.draw(survey, owner, "official", frame_id, sizes.official, ("channel",))
    s.at(10, 8.5)
    survey = s.open(survey, owner, 2, days=30, reminders=(14, 21))
    s.run_round(survey, owner, 2, span=9.9)

    s.at(6, 9)
    returned = s.plan(
        "hanoi",
        owner,
        title=RETURNED_TITLE,
        kind="agency",
        purpose="Đánh giá mức độ hài lòng của đơn vị sử dụng lao động với giao dịch điện tử về thu BHXH.",
        target_groups=("Đơn vị sử dụng lao động",),
        budget=30_000_000,
    )
    returned = s.submit(returned, owner, "Kính trình lãnh đạo.")
    s.at(5, 14)
    s.c.surveys.return_(
        tenant="hanoi",
        survey_id=returned.id,
        actor=leader,
        note="Bổ sung dự toán kinh phí chi tiết và danh sách đơn vị được khảo sát theo từng quận, huyện.",
        version=returned.version,
    )
    report.surveys["returned"] = returned.id
    s.at(1, 10)
    pending = s.plan(
        "hanoi",
        owner,
        title=PENDING_TITLE,
        kind="policy_fit",
        purpose="Đánh giá sự phù hợp của chính sách BHXH tự nguyện với lao động tự do trên địa bàn thành phố.",
        methods=("online", "group_discussion"),
        target_groups=("Người tham gia BHXH tự nguyện", "Lao động tự do"),
    )
    s.at(1, 10.5)
    s.submit(pending, owner, "Kính trình lãnh đạo phê duyệt.")
    report.surveys["pending"] = pending.id


def _national(s: Seeder, report: Report, provinces: tuple[str, ...], sizes: Sizes) -> None:
    owner, leader = _principal("ccc", Role.CCC_OFFICER), _principal("ccc", Role.LEADER)
    s.at(9, 9)
    made = s.c.questionnaires.create(tenant="ccc", actor=owner.username, content=questionnaire_content())
    survey = s.plan(
        "ccc",
        owner,
        title=NATIONAL_TITLE,
        purpose="Đánh giá chất lượng tổng đài 1900 9068 của BHXH Việt Nam theo từng tỉnh, thành phố.",
        provinces=provinces,
        questionnaire_id=made.id,
        lead_unit="trung-tam-cskh",
        budget=120_000_000,
    )
    report.surveys["national"] = survey.id
    survey = s.submit(survey, owner, "Kính trình lãnh đạo Trung tâm.")
    s.at(8, 14)
    survey = s.approve(survey, leader)
    csv = people_csv(rng=s.rng, rows=sizes.national_frame, provinces=provinces, tag="qg", shares=NATIONAL_SHARES)
    frame_id = s.frame("ccc", owner, csv, "Người gọi tổng đài 1900 9068 tháng 11/2026")
    s.at(7, 8)
    survey = s.draw(survey, owner, "official", frame_id, sizes.national, ("province",))
    survey = s.open(survey, owner, 1, days=28, reminders=(10,))
    s.levels |= {(survey.id, p): NATIONAL_LEVELS.get(p, 0.0) for p in provinces}
    s.run_round(survey, owner, 1, span=6.9)
    s.clock.at = s.today - timedelta(minutes=30)  # enough answered: closed early, the report's draft waits for the owner
    survey = s.c.surveys.close_early(tenant="ccc", survey_id=survey.id, actor=owner, number=1, version=survey.version)
    s.c.survey_reports.start(tenant="ccc", survey_id=survey.id, actor=owner, round_number=1, version=survey.version)


def _previous_year(s: Seeder, report: Report, sizes: Sizes) -> None:
    """Hà Nội's survey of 2025 on the same questionnaire's tags, by phone: approved, piloted, answered, closed,
    reported (part III rewritten by the owner), approved by the leader (archived) and published."""
    owner, leader = _principal("hanoi", Role.FOCAL_OFFICER), _principal("hanoi", Role.LEADER)
    ago = A_YEAR + 16
    s.at(ago, 8.5)
    content = questionnaire_content(with_condition=True, title_suffix=" năm 2025")
    made = s.c.questionnaires.create(tenant="hanoi", actor=owner.username, content=content)
    survey = s.plan(
        "hanoi",
        owner,
        title=PREVIOUS_TITLE,
        purpose="Đo lường mức độ hài lòng của người dân liên hệ BHXH thành phố Hà Nội năm 2025 theo ba góc độ chính "
        "sách, dịch vụ và quyền lợi, làm cơ sở so sánh cho các năm sau.",
        methods=("individual_interview",),
        content_areas=("Tiếp nhận và trả lời yêu cầu", "Tổng đài 1900 9068"),
        criteria=("Thái độ phục vụ", "Thời gian chờ", "Quyền lợi được bảo đảm"),
        places=("Bộ phận một cửa 14 Láng Hạ",),
        questionnaire_id=made.id,
        budget=38_000_000,
    )
    report.surveys["previous"] = survey.id
    s.levels[(survey.id, "")] = PREVIOUS_LEVEL
    s.at(ago - 1, 10)
    survey = s.submit(survey, owner, "Kính trình lãnh đạo phê duyệt kế hoạch khảo sát năm 2025.")
    s.at(ago - 2, 15)
    survey = s.approve(survey, leader)
    csv = people_csv(rng=s.rng, rows=sizes.previous_frame, provinces=("hanoi",), tag="hn25")
    frame_id = s.frame("hanoi", owner, csv, "Người liên hệ BHXH Hà Nội năm 2025")
    s.at(ago - 2, 16)
    survey = s.draw(survey, owner, "pilot", frame_id, sizes.previous_pilot, ())
    survey = s.open(survey, owner, 1, days=3, reminders=())
    s.interview_round(survey, owner, 1, answered=0.7, span=1.5)
    s.at(ago - 5, 9)
    survey = s.c.surveys.close_early(tenant="hanoi", survey_id=survey.id, actor=owner, number=1, version=survey.version)
    survey = s.c.surveys.note_lessons(
        tenant="hanoi",
        survey_id=survey.id,
        actor=owner,
        number=1,
        lessons="Phỏng vấn qua điện thoại mất khoảng 5 phút mỗi người; cần giới thiệu mục đích khảo sát ngắn gọn hơn ở "
        "đầu cuộc gọi và gọi lại vào buổi chiều cho người bận buổi sáng.",
        version=survey.version,
    )
    s.at(ago - 6, 8)
    survey = s.draw(survey, owner, "official", frame_id, sizes.previous, ("channel",))
    survey = s.open(survey, owner, 2, days=30, reminders=())
    s.interview_round(survey, owner, 2, answered=PREVIOUS_ANSWERED, span=18)
    s.at(ago - 27, 9)
    survey = s.c.surveys.close_early(tenant="hanoi", survey_id=survey.id, actor=owner, number=2, version=survey.version)
    s.at(ago - 30, 9)
    s.reported(survey, owner, leader, number=2)


def _rewritten(conclusions: str) -> tuple[str, str]:
    """Part III as the owner rewrote the proposed draft: the figures kept, the reasons and the measures named."""
    return (
        conclusions + " Người dân đánh giá cao thái độ phục vụ của công chức, viên chức và việc hưởng chế độ đầy đủ, kịp "
        "thời; thời gian chờ kết nối tổng đài 1900 9068 và việc giải quyết phản ánh, kiến nghị là hai điểm còn hạn chế, "
        "nhất là với người liên hệ qua tổng đài.",
        "1. Bố trí thêm tổng đài viên trong khung giờ cao điểm buổi sáng; thông báo thời gian chờ dự kiến khi người dân "
        "gọi tổng đài 1900 9068.\n"
        "2. Rà soát quy trình giải quyết phản ánh, kiến nghị: trả lời đúng hạn và gửi tin nhắn báo kết quả.\n"
        "3. Rút gọn hướng dẫn thành phần hồ sơ hưởng chế độ trên Cổng Dịch vụ công và ứng dụng VssID.\n"
        "4. Khảo sát lại năm 2026 theo cùng bộ tiêu chí để so sánh kết quả.",
    )


def links_in_mail(*, region: str, template: str) -> Iterator[str]:
    """The /s/ links in what moto's SES has sent of a template, newest first (never the addressees)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    ses = ses_backends[DEFAULT_ACCOUNT_ID][region]
    for message in reversed(list(ses.sent_messages)):
        if getattr(message, "template", None) != template:
            continue
        yield from re.findall(r"https?://[^\s\"'\\]+/s/[A-Za-z0-9_\-]+", str(getattr(message, "template_data", "")))


def answer_link(*, region: str, seconds: float) -> str | None:
    """A written answer's survey link, once the worker has sent the demo's answer e-mail (None after `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        found = next(links_in_mail(region=region, template=ANSWER_TEMPLATE), None)
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(0.25)


def demo_pages(port: int) -> list[str]:
    """The banner's lines for the survey results: Hà Nội's results page, the 2025 report's public page, the CCC's
    national results (found by title, so a restored stack prints them too)."""
    from chalicelib.bootstrap import container

    services = container()
    found: dict[str, str] = {}
    for tenant in ("hanoi", "ccc"):
        with acting_for(tenant):
            items, _ = services.surveys.page(tenant=tenant, cursor=None, limit=50)
        found |= {s.plan.title: s.id for s in items if s.tenant == tenant}
    pages = (
        (HANOI_TITLE, "hanoi", "/surveys/{id}/results", "Survey results (sign in as leader or focal-officer)"),
        (PREVIOUS_TITLE, "hanoi", "/khao-sat/ket-qua/{id}", "The 2025 survey's published report (no sign-in)"),
        (NATIONAL_TITLE, "ccc", "/surveys/{id}/results", "The CCC's national survey, provinces ranked (ccc-officer)"),
    )
    return [
        f"  {label}: http://{tenant}.localhost:{port}{path.format(id=found[title])}"
        for title, tenant, path, label in pages
        if title in found
    ]
