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
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.ids import new_id
from chalicelib.shared.permissions import Role
from chalicelib.shared.tenancy import Principal, across, acting_for
from chalicelib.surveys import answers as form_rules
from chalicelib.surveys.domain import Plan, Settings, Survey
from chalicelib.surveys.invitations import group_of
from chalicelib.surveys.ports import DrawRequest
from chalicelib.surveys.questionnaire import Choice, Condition, Content, Question, QuestionnaireVersion, Section
from chalicelib.surveys.respond import Done, Sitting

from .demo_requests import _principal

HANOI_TITLE = "Khảo sát sự hài lòng của người dân về công tác chăm sóc khách hàng năm 2026"
PENDING_TITLE = "Khảo sát sự phù hợp của chính sách BHXH tự nguyện với lao động tự do"
RETURNED_TITLE = "Khảo sát mức độ hài lòng của đơn vị sử dụng lao động về giao dịch điện tử"
NATIONAL_TITLE = "Khảo sát toàn quốc về chất lượng tổng đài 1900 9068"
NATIONAL_PROVINCES = ("hanoi", "hcm", "danang", "cantho")
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
COMMENTS = (
    "Tổng đài viên nhiệt tình, giải thích dễ hiểu.",
    "Thời gian chờ kết nối tổng đài còn lâu vào buổi sáng.",
    "Mong ứng dụng VssID hiển thị rõ hơn quá trình đóng BHXH.",
    "Hồ sơ được giải quyết đúng hẹn, cảm ơn cán bộ.",
    "Đề nghị gửi tin nhắn khi hồ sơ có kết quả.",
    "Cần hướng dẫn thủ tục cấp lại thẻ BHYT ngắn gọn hơn.",
)


def questionnaire_content(*, with_condition: bool = True) -> Content:
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
        title="Phiếu khảo sát sự hài lòng về công tác chăm sóc khách hàng",
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
    """How big the demo is: Hà Nội's frame, pilot and official sample; the national frame and sample."""

    frame: int = 420
    pilot: int = 16
    official: int = 150
    national_frame: int = 240
    national: int = 80


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


def people_csv(*, rng: random.Random, rows: int, provinces: tuple[str, ...], tag: str) -> bytes:
    """A list as an office exports it: Vietnamese header, names, +84 phones, e-mails at example.vn, channel, group."""
    lines = ["Họ và tên;Số điện thoại;Email;Tỉnh/thành phố;Kênh;Nhóm đối tượng"]
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
                    PROVINCE_NAMES[provinces[i % len(provinces)]],
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

    def respond(self, tenant: str, url: str, *, finish: bool) -> bool:
        """A respondent follows the link and answers screen by screen (or leaves at, or after, the first screen);
        True when the answers were recorded."""
        token = url.rsplit("/s/", 1)[1]
        with across(tenant):
            sitting = self.c.respondents.open(tenant=tenant, token=token, client=CLIENT)
            if not finish and self.rng.random() < 0.5:
                return False  # looked at the first screen and left
            for _ in range(20):
                if not isinstance(sitting, Sitting):
                    done = isinstance(sitting, Done) and not sitting.again
                    self.completed += done
                    return done
                form = self._screen_answers(sitting.version, sitting.answers, sitting.screen)
                sitting = self.c.respondents.answer(
                    tenant=tenant, token=token, client=CLIENT, screen=sitting.screen, form=form, back=False
                )
                if not finish:
                    return False
        return False

    def interview(self, survey: Survey, number: int, tenant: str, member_id: str, interviewer: Principal) -> None:
        """An interviewer enters what the member answered by phone (a direct method), all screens at once."""
        with across(tenant):
            part = self.c.surveys.get(tenant=tenant, survey_id=survey.id)
            sitting = self.c.respondents.interview_sitting(tenant=tenant, survey=part, number=number, member_id=member_id)
            given: dict[str, Any] = {}
            for screen in range(20):
                if screen >= len(form_rules.screens(sitting.version, given)):
                    break
                form = self._screen_answers(sitting.version, given, screen)
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

    def _screen_answers(self, version: QuestionnaireVersion, so_far: dict[str, Any], screen: int) -> dict[str, list[str]]:
        shown = form_rules.screens(version, so_far)
        form: dict[str, list[str]] = {"screen": [str(screen)]}
        mood = self.rng.random()
        for q in shown[min(screen, len(shown) - 1)].questions:
            if q.kind == "likert":
                weights = (2, 5, 18, 45, 30) if mood > 0.2 else (15, 30, 30, 20, 5)
                form[q.id] = [str(self.rng.choices(range(1, 6), weights)[0])]
            elif q.kind == "yes_no":
                form[q.id] = ["yes" if self.rng.random() < (0.8 if q.id == "q1" else 0.6) else "no"]
            elif q.kind == "single":
                form[q.id] = [self.rng.choices([c.value for c in q.choices], (45, 25, 25, 5))[0]]
            elif q.kind == "multiple":
                form[q.id] = [q.choices[0].value]
            elif q.kind == "text" and self.rng.random() < 0.4:
                form[q.id] = [self.rng.choice(COMMENTS)]
        return form

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
    csv = people_csv(rng=s.rng, rows=sizes.national_frame, provinces=provinces, tag="qg")
    frame_id = s.frame("ccc", owner, csv, "Người gọi tổng đài 1900 9068 tháng 11/2026")
    s.at(7, 8)
    survey = s.draw(survey, owner, "official", frame_id, sizes.national, ("province",))
    survey = s.open(survey, owner, 1, days=28, reminders=(10,))
    s.run_round(survey, owner, 1, span=6.9)


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
