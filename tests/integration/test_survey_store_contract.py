"""The same contract for the survey store in memory (tests/fakes.py) and in DynamoDB (PynamoDB on moto)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.approvals.domain import Approval
from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.errors import ConflictError
from chalicelib.surveys.counting import Counted
from chalicelib.surveys.domain import APPROVAL_KIND, Design, Plan, Round, Settings, Survey
from chalicelib.surveys.members import Contact, Member
from chalicelib.surveys.ports import Answer, MemberChange, PlanChange, Progress, Rated, Submission, tally_id
from tests.fakes import FakeCounterStore, FakePendingApprovals, FakeSurveyStore, FakeTallyStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
DAY = date(2026, 12, 1)


@dataclass
class Contract:
    """The store, and the inbox and tally it writes into, read through their own stores."""

    store: Any
    inbox: Any
    tally: Any
    kpis: Any = None  # the statistics' counter items a counted answer adds to (reports/store.py)

    def pending(self, tenant: str) -> list[str]:
        return [p.subject_id for p in self.inbox.list(tenant=tenant, cursor=None)[0]]

    def counts(self, tenant: str, survey_id: str, number: int = 1) -> dict[str, dict[str, int]]:
        return {t.stratum: dict(t.counts) for t in self.tally.read(tenant=tenant, survey_id=tally_id(survey_id, number)).strata}


@pytest.fixture(params=["memory", "dynamodb"])
def contract(request: Any) -> Contract:
    if request.param == "memory":
        inbox, tally, kpis = FakePendingApprovals(), FakeTallyStore(), FakeCounterStore()
        return Contract(FakeSurveyStore(approvals=inbox, tally=tally, kpis=kpis), inbox, tally, kpis)
    request.getfixturevalue("stack")
    from chalicelib.approvals.store import PendingApprovals
    from chalicelib.audit.store import AuditStore
    from chalicelib.reports.store import DynamoCounterStore
    from chalicelib.reports.survey_counts import SurveyRatings
    from chalicelib.surveys.store import DynamoSurveyStore
    from chalicelib.surveys.tally_store import DynamoTallyStore

    table_inbox, table_tally, table_kpis = PendingApprovals(), DynamoTallyStore(), DynamoCounterStore()
    ratings = SurveyRatings(store=table_kpis)
    store = DynamoSurveyStore(journal=AuditStore(), approvals=table_inbox, tally=table_tally, ratings=ratings)
    return Contract(store, table_inbox, table_tally, table_kpis)


def _survey(tenant: str, survey_id: str, *, at: datetime = NOW, title: str = "Khảo sát tổng đài") -> Survey:
    plan = Plan(title, "care", "Đánh giá tổng đài.", date(2026, 12, 1), date(2026, 12, 31), ("online",), "truyen-thong")
    return Survey(survey_id, tenant, tenant, plan, Settings(), Approval(), "hanoi.focal-officer", at, at, version=0)


def _event(action: str, survey: Survey) -> AuditEvent:
    return AuditEvent("hanoi.focal-officer", action, "survey", survey.id, NOW)


def _member(member_id: str, *, stratum: str = "all", role: str = "main", rank: int = 0, number: int = 1) -> Member:
    contact = Contact("Nguyễn Văn A", f"{member_id}@example.vn", "0912345678")
    return Member(member_id, number, stratum, role, rank, contact, f"pk-{member_id}")  # type: ignore[arg-type]


def _drawn(store: Any, tenant: str, survey_id: str, *members: Member) -> None:
    store.put_members(tenant=tenant, survey_id=survey_id, changes=[MemberChange(m, m.plan(), DAY) for m in members])


def _answer(member_id: str, *, closed: tuple[tuple[str, str], ...] = (("q1", "5"),), stratum: str = "all") -> Answer:
    return Answer(member_id, 1, stratum, "standard-answer", 1, {"q1": "5"}, DAY, member_id, NOW, closed=closed)


def _counted(
    closed: tuple[tuple[str, str], ...] = (("q1", "5"),), groups: dict[str, str] | None = None, **scores: float
) -> Counted:
    shown = tuple(dict.fromkeys(q for q, _ in closed))
    return Counted(shown, shown, closed, {k.replace("_", ":"): v for k, v in scores.items()}, groups or {})


def _cells(store: Any, tenant: str, sid: str, number: int = 1) -> dict[tuple[str, str, str], Any]:
    return {(c.stratum, c.dimension, c.value): c for c in store.result_cells(tenant=tenant, survey_id=sid, round_number=number)}


def _options(store: Any, tenant: str, sid: str) -> dict[tuple[str, str, str], dict[tuple[str, str], int]]:
    return {key: c.options for key, c in _cells(store, tenant, sid).items()}


def test_a_survey_is_saved_read_and_paged_and_a_stale_version_is_a_conflict(contract: Contract, unique: str) -> None:
    store, tenant = contract.store, f"t{unique}"
    older = _survey(tenant, f"s1{unique}", at=NOW - timedelta(days=1))
    newer = _survey(tenant, f"s2{unique}")
    for s in (older, newer):
        store.save(s, PlanChange(_event("survey.created", s)))
    assert older.version == 1
    got = store.get(tenant=tenant, survey_id=older.id)
    assert got is not None and got.plan.title == "Khảo sát tổng đài" and got.version == 1 and got.owner == tenant
    assert store.get(tenant="hcm", survey_id=older.id) is None, "another tenant's id is not found"
    first, cursor = store.page(tenant=tenant, cursor=None, limit=1)
    rest, _ = store.page(tenant=tenant, cursor=cursor, limit=1)
    assert [s.id for s in first + rest] == [newer.id, older.id], "newest first"

    one, two = store.get(tenant=tenant, survey_id=older.id), store.get(tenant=tenant, survey_id=older.id)
    one.plan = replace(one.plan, title="Một")
    store.save(one, PlanChange(_event("survey.updated", one)))
    two.plan = replace(two.plan, title="Hai")
    with pytest.raises(ConflictError):
        store.save(two, PlanChange(_event("survey.updated", two)))
    assert store.get(tenant=tenant, survey_id=older.id).plan.title == "Một"
    again = _survey(tenant, older.id)
    with pytest.raises(ConflictError):  # a new survey (version 0) must not exist yet
        store.save(again, PlanChange(_event("survey.created", again)))


def test_the_inbox_item_is_written_with_the_submission_and_removed_with_the_decision(contract: Contract, unique: str) -> None:
    store, tenant = contract.store, f"t{unique}"
    survey = _survey(tenant, f"s{unique}")
    store.save(survey, PlanChange(_event("survey.created", survey)))
    pending = {
        "kind": APPROVAL_KIND,
        "subject_id": survey.id,
        "title": survey.plan.title,
        "submitted_at": NOW,
        "url": f"/surveys/{survey.id}",
    }
    store.save(survey, PlanChange(_event("survey.submitted", survey), pending=pending))
    assert contract.pending(tenant) == [survey.id]
    stale = store.get(tenant=tenant, survey_id=survey.id)
    stale.version -= 1
    decided = {"kind": APPROVAL_KIND, "subject_id": survey.id, "submitted_at": NOW}
    with pytest.raises(ConflictError):
        store.save(stale, PlanChange(_event("survey.approved", stale), decided=decided))
    assert contract.pending(tenant) == [survey.id], "a refused decision leaves the entry"
    store.save(survey, PlanChange(_event("survey.approved", survey), decided=decided))
    assert contract.pending(tenant) == []
    store.save(survey, PlanChange(_event("survey.approved", survey), decided=decided))  # removing it again: a no-op


def test_parts_of_a_national_survey_are_written_unchecked_and_save_part_never_conflicts(contract: Contract, unique: str) -> None:
    store, ccc, province = contract.store, f"c{unique}", f"p{unique}"
    survey = _survey(ccc, f"s{unique}")
    store.save(survey, PlanChange(_event("survey.created", survey)))
    for title in ("Bản một", "Bản hai"):  # the owner rewrites the copy whatever its version
        survey.plan = replace(survey.plan, title=title)
        part = replace(survey, tenant=province, version=0)
        store.save(survey, PlanChange(_event("survey.opened", survey), parts=[part]))
    copy = store.get(tenant=province, survey_id=survey.id)
    assert copy is not None and copy.is_part and copy.owner == ccc and copy.plan.title == "Bản hai"
    assert [s.id for s in store.page(tenant=province, cursor=None, limit=10)[0]] == [survey.id]
    stale = store.get(tenant=ccc, survey_id=survey.id)
    stale.version = 99
    store.save_part(stale)  # a system step: no version check
    assert store.get(tenant=ccc, survey_id=survey.id).version == 100 and stale.version == 100


def test_members_are_written_with_their_counts_and_the_next_reserve_comes_by_rank(contract: Contract, unique: str) -> None:
    store, tenant, sid = contract.store, f"t{unique}", f"s{unique}"
    mains = [_member(f"m{i}", stratum="hanoi") for i in range(2)]
    reserves = [_member(f"r{i}", stratum="hanoi", role="reserve", rank=rank) for i, rank in enumerate((3, 1, 2))]
    other = _member("x1", stratum="hcm", role="reserve", rank=0)
    _drawn(store, tenant, sid, *mains, *reserves, other)
    assert contract.counts(tenant, sid)["hanoi"]["planned"] == 2, "reserves are not planned until called in"
    got = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m0")
    assert got is not None and got.contact.email == "m0@example.vn" and got.reached == ["planned"] and got.version == 1
    assert store.member(tenant=tenant, survey_id=sid, round_number=2, member_id="m0") is None
    page, cursor = store.members(tenant=tenant, survey_id=sid, round_number=1, cursor=None, limit=4)
    rest, _ = store.members(tenant=tenant, survey_id=sid, round_number=1, cursor=cursor, limit=10)
    assert sorted(m.id for m in page + rest) == ["m0", "m1", "r0", "r1", "r2", "x1"]
    assert sorted(m.id for m in store.each_member(tenant=tenant, survey_id=sid, round_number=1)) == sorted(
        m.id for m in page + rest
    )

    first = store.next_reserve(tenant=tenant, survey_id=sid, round_number=1, stratum="hanoi")
    assert first is not None and first.id == "r1", "the lowest rank of the stratum"
    main = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m0")
    replaced, called = main.replace_with(first, "wrong_contact")
    store.step(
        tenant=tenant,
        survey_id=sid,
        changes=[MemberChange(main, replaced, DAY), MemberChange(first, called, DAY)],
        event=AuditEvent("hanoi.focal-officer", "survey.replaced", "survey", sid, NOW),
    )
    after = store.next_reserve(tenant=tenant, survey_id=sid, round_number=1, stratum="hanoi")
    assert after is not None and after.id == "r2", "a used reserve drops out of the index"
    assert store.next_reserve(tenant=tenant, survey_id=sid, round_number=1, stratum="hcm").id == "x1"
    assert store.next_reserve(tenant=tenant, survey_id=sid, round_number=1, stratum="dn") is None
    counts = contract.counts(tenant, sid)["hanoi"]
    assert (counts["planned"], counts["replaced"]) == (3, 1), "the reserve entered as planned, the main as replaced"
    stood_in = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="r1")
    assert (stood_in.role, stood_in.replaces) == ("main", "m0")
    assert store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m0").replaced_by == "r1"


def test_a_step_checks_each_members_version_and_a_refused_one_writes_nothing(contract: Contract, unique: str) -> None:
    store, tenant, sid = contract.store, f"t{unique}", f"s{unique}"
    _drawn(store, tenant, sid, _member("m1"), _member("m2"))
    one = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1")
    stale = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1")
    store.step(tenant=tenant, survey_id=sid, changes=[MemberChange(one, one.invite(NOW), DAY)])
    assert one.version == 2
    two = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m2")
    with pytest.raises(ConflictError):
        store.step(
            tenant=tenant,
            survey_id=sid,
            changes=[MemberChange(two, two.invite(NOW), DAY), MemberChange(stale, stale.refuse(), DAY)],
        )
    assert store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m2").reached == ["planned"]
    assert store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1").status == "invited"
    counts = contract.counts(tenant, sid)["all"]
    assert (counts["invited"], counts.get("refused", 0)) == (1, 0)


def test_progress_is_kept_and_read_back_last_write_wins(contract: Contract, unique: str) -> None:
    store, tenant, sid = contract.store, f"t{unique}", f"s{unique}"
    until = NOW + timedelta(days=3)
    assert store.progress(tenant=tenant, survey_id=sid, round_number=1, member_id="m1") is None
    store.keep_progress(
        tenant=tenant, survey_id=sid, round_number=1, member_id="m1", progress=Progress({"q1": "4"}, 1), until=until
    )
    store.keep_progress(
        tenant=tenant, survey_id=sid, round_number=1, member_id="m1", progress=Progress({"q1": "5", "q2": "3"}, 2), until=until
    )
    assert store.progress(tenant=tenant, survey_id=sid, round_number=1, member_id="m1") == Progress({"q1": "5", "q2": "3"}, 2)
    assert store.progress(tenant=tenant, survey_id=sid, round_number=2, member_id="m1") is None


def test_a_member_answers_once_and_a_second_submission_writes_nothing(contract: Contract, unique: str) -> None:
    store, tenant, sid = contract.store, f"t{unique}", f"s{unique}"
    _drawn(store, tenant, sid, _member("m1"), _member("m2"))
    store.keep_progress(
        tenant=tenant, survey_id=sid, round_number=1, member_id="m1", progress=Progress({"q1": "5"}, 1), until=NOW + timedelta(1)
    )
    member = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1")
    twin = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1")  # a second tab, a reminder's link
    first = Submission(MemberChange(member, member.complete(NOW), DAY), _answer("m1"), progress_key="m1", counted=_counted())
    store.submit(tenant=tenant, survey_id=sid, submission=first)
    assert member.version == 2
    assert store.progress(tenant=tenant, survey_id=sid, round_number=1, member_id="m1") is None, "progress removed"
    got = store.answer(tenant=tenant, survey_id=sid, round_number=1, answer_id="m1")
    assert got is not None and got.answers == {"q1": "5"} and got.member_id == "m1" and got.closed == (("q1", "5"),)
    assert store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1").status == "completed"

    results, tally = _options(store, tenant, sid), contract.counts(tenant, sid)
    second = Submission(
        MemberChange(twin, twin.complete(NOW), DAY),
        _answer("m1", closed=(("q1", "1"), ("q2", "2"))),
        progress_key="m1",
        counted=_counted((("q1", "1"), ("q2", "2")), {"channel": "email"}),
    )
    with pytest.raises(ConflictError):
        store.submit(tenant=tenant, survey_id=sid, submission=second)
    assert _options(store, tenant, sid) == results == {("all", "", ""): {("q1", "5"): 1}}, "no cell moved, none added"
    assert contract.counts(tenant, sid) == tally and tally["all"]["completed"] == 1, "the counters did not move"
    assert store.answer(tenant=tenant, survey_id=sid, round_number=1, answer_id="m1").closed == (("q1", "5"),)

    other = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m2")
    store.submit(
        tenant=tenant,
        survey_id=sid,
        submission=Submission(
            MemberChange(other, other.complete(NOW), DAY),
            _answer("m2", closed=(("q1", "5"), ("q2", "1"))),
            counted=_counted((("q1", "5"), ("q2", "1")), {"channel": "email", "group": "", "form": "questionnaire"}),
        ),
    )
    groups = {"channel": "hotline", "form": "individual_interview"}
    anonymous = Answer("a-1", 1, "all", "standard-answer", 1, {"q1": "3"}, DAY, closed=(("q1", "3"),), groups=groups)
    store.submit(tenant=tenant, survey_id=sid, submission=Submission(None, anonymous, counted=_counted((("q1", "3"),), groups)))
    cells = _cells(store, tenant, sid)
    assert sorted(cells) == [
        ("all", "", ""),
        ("all", "channel", "email"),
        ("all", "channel", "hotline"),
        ("all", "form", "individual_interview"),
        ("all", "form", "questionnaire"),
    ], "the stratum's cell and one per known group; an empty group is none"
    whole = cells[("all", "", "")]
    assert (whole.respondents, whole.shown, whole.answered) == (3, {"q1": 3, "q2": 1}, {"q1": 3, "q2": 1})
    assert whole.options == {("q1", "5"): 2, ("q1", "3"): 1, ("q2", "1"): 1}
    assert cells[("all", "channel", "email")].options == {("q1", "5"): 1, ("q2", "1"): 1}
    assert cells[("all", "form", "individual_interview")].respondents == 1
    assert store.result_cells(tenant=tenant, survey_id=sid, round_number=2) == []
    assert store.answer(tenant=tenant, survey_id=sid, round_number=1, answer_id="a-1").groups == groups, "kept with the answer"
    assert [a.id for a in store.each_answer(tenant=tenant, survey_id=sid, round_number=1)] == ["a-1", "m1", "m2"]
    first, cursor = store.answer_page(tenant=tenant, survey_id=sid, round_number=1, cursor=None, limit=2)
    rest, end = store.answer_page(tenant=tenant, survey_id=sid, round_number=1, cursor=cursor, limit=2)
    assert ([a.id for a in first], [a.id for a in rest], end) == (["a-1", "m1"], ["m2"], None), "pages read on"
    assert contract.counts(tenant, sid)["all"]["completed"] == 2
    assert store.answer(tenant=tenant, survey_id=sid, round_number=1, answer_id="a-1").member_id is None


def test_a_counted_answer_adds_to_its_offices_satisfaction_counters_in_its_own_transaction(
    contract: Contract, unique: str
) -> None:
    store, tenant, sid = contract.store, f"t{unique}", f"s{unique}"
    _drawn(store, tenant, sid, _member("m1"), _member("m2"))
    keys = [(tenant, k) for k in ("D#2026-12-01", "M#2026-12", "Q#2026-4", "Y#2026")]

    def submit(member_id: str, satisfied: bool) -> None:
        m = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id=member_id)
        rated = Rated(DAY, satisfied)
        change = MemberChange(m, m.complete(NOW), DAY)
        store.submit(
            tenant=tenant, survey_id=sid, submission=Submission(change, _answer(member_id), counted=_counted(), rated=rated)
        )

    submit("m1", True)
    submit("m2", False)
    mine = f"|round={sid}/1"
    want = {"survey_rated": 2, f"survey_rated{mine}": 2, "survey_satisfied": 1, f"survey_satisfied{mine}": 1}
    assert list(contract.kpis.many(keys).values()) == [want] * 4, "the day, its month, quarter and year"
    stale = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1")
    stale.version = 1  # a second submission of m1 (another tab): refused, and it adds nothing
    with pytest.raises(ConflictError):
        again = Submission(MemberChange(stale, {}, DAY), _answer("m1"), counted=_counted(), rated=Rated(DAY, True))
        store.submit(tenant=tenant, survey_id=sid, submission=again)
    assert list(contract.kpis.many(keys).values()) == [want] * 4


def test_a_submission_on_a_member_changed_meanwhile_is_refused(contract: Contract, unique: str) -> None:
    store, tenant, sid = contract.store, f"t{unique}", f"s{unique}"
    _drawn(store, tenant, sid, _member("m1"))
    answering = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1")
    reminded = store.member(tenant=tenant, survey_id=sid, round_number=1, member_id="m1")
    store.step(tenant=tenant, survey_id=sid, changes=[MemberChange(reminded, reminded.invite(NOW), DAY)])
    with pytest.raises(ConflictError):
        store.submit(
            tenant=tenant,
            survey_id=sid,
            submission=Submission(MemberChange(answering, answering.complete(NOW), DAY), _answer("m1"), counted=_counted()),
        )
    assert store.answer(tenant=tenant, survey_id=sid, round_number=1, answer_id="m1") is None
    assert store.result_cells(tenant=tenant, survey_id=sid, round_number=1) == []


def test_rounds_kept_in_the_survey_read_back(contract: Contract, unique: str) -> None:
    store, tenant = contract.store, f"t{unique}"
    survey = _survey(tenant, f"s{unique}")
    design = Design("f1", "seed", ("channel",), {"all": 3}, {"all": 2}, 1, "Cochran")
    survey.rounds.append(Round(1, "pilot", design, NOW, "hanoi.focal-officer", status="open", questionnaire_version=2))
    store.save(survey, PlanChange(_event("survey.drawn", survey)))
    [r] = store.get(tenant=tenant, survey_id=survey.id).rounds
    assert (r.kind, r.status, r.questionnaire_version, r.design.planned, r.design.reserves) == (
        "pilot",
        "open",
        2,
        {"all": 3},
        {"all": 2},
    )


def test_a_long_questionnaire_submits_in_one_transaction_and_the_sums_round_trip(contract: Contract, unique: str) -> None:
    store, tenant, sid = contract.store, f"t{unique}", f"s{unique}"
    closed = tuple((f"q{i}", str(1 + i % 5)) for i in range(120)) + (("q0", "x"), ("q0", "y"))  # a multiple choice too
    scores = {"overall": 2 / 3, "angle:service": 1 / 3, "angle:rights": 0.0, "factor:service|Thủ tục. Hồ sơ": 0.5}
    groups = {"channel": "email", "group": "nld", "form": "questionnaire"}
    for i, (score_set, stratum) in enumerate([(scores, "hanoi|email"), ({"overall": 1 / 3}, "hanoi|email")]):
        counted = Counted(tuple(f"q{n}" for n in range(121)), tuple(f"q{n}" for n in range(120)), closed, score_set, groups)
        answer = Answer(f"a{i}", 1, stratum, "qn", 1, {}, DAY, closed=closed, groups=groups)
        with _updates() as seen:
            store.submit(tenant=tenant, survey_id=sid, submission=Submission(None, answer, counted=counted))
        assert isinstance(store, FakeSurveyStore) or len(seen) == 4, "four cells, one update each"
        assert all(len(u) <= 4096 for u in seen), "DynamoDB refuses an expression past 4 KB (moto does not check)"
    cells = _cells(store, tenant, sid)
    assert len(cells) == 4
    for cell in cells.values():
        assert (cell.respondents, cell.shown["q120"], cell.answered.get("q120", 0), len(cell.answered)) == (2, 2, 0, 120)
        assert cell.options[("q7", "3")] == 2 and cell.options[("q0", "x")] == 2
        k, total, squares = cell.scores["overall"]
        assert k == 2 and total == pytest.approx(1.0) and squares == pytest.approx(4 / 9 + 1 / 9)
        assert cell.scores["factor:service|Thủ tục. Hồ sơ"] == (1, pytest.approx(0.5), pytest.approx(0.25)), "a dot is no path"
        assert cell.scores["angle:rights"] == (1, 0.0, 0.0), "a score of 0 is counted too"


class _updates:
    """The UpdateExpressions sent to DynamoDB while open (none for the fake)."""

    def __enter__(self) -> list[str]:
        self.seen: list[str] = []
        try:
            from chalicelib.adapters.dynamo import connection

            self.events = connection().client.meta.events
        except RuntimeError:
            self.events = None
            return self.seen
        self.events.register("provide-client-params.dynamodb.TransactWriteItems", self._record)
        return self.seen

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.seen += [i["Update"]["UpdateExpression"] for i in params["TransactItems"] if "Update" in i]

    def __exit__(self, *_: Any) -> None:
        if self.events is not None:
            self.events.unregister("provide-client-params.dynamodb.TransactWriteItems", self._record)
