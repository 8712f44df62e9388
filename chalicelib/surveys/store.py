"""Surveys in the single table (docs/data-model.md "Surveys") — the only module that knows their keys.

One partition per survey copy, `T#{tenant}#SURVEY#{id}`: the survey (SK `SURVEY`: plan, approval, rounds as JSON;
GSI1 `T#{t}#SURVEYS` newest first lists a tenant's surveys and its parts of national ones), its members (SK
`M#{round:02d}#{member}`; while an unused reserve, GSI2 `T#{t}#SURVEY#{id}#RES#{round}#{stratum}` by rank gives the
next reserve with one Query of one item), answers in progress (SK `P#{round:02d}#{member}`, a day's TTL after the
round closes) and answers (SK `A#{round:02d}#{answer}`).

The result cells that part 2 computes results from are in `T#{tenant}#SRESULT#{id}`, one item per round, stratum
and group: SK `{round:02d}#{stratum}#*#*` for the stratum as a whole, `{round:02d}#{stratum}#{dimension}#{value}`
for a group in it (dimension `channel`, `group` or `form`). Their attributes have dynamic names (counting.py: `n`,
`w:{q}`, `a:{q}`, `o:{q}:{option}`, `k:`/`s:`/`r:{node}`), added to with ADD in the submission's transaction — one
update per cell, so at most 4 items whatever the questionnaire's length — and read with the low-level connection
(PynamoDB ignores undeclared attributes). A results page reads O(strata × groups) items, never the answers. An
update's expression stays under DynamoDB's 4 KB: equal values share one placeholder (adapters/counters.py), which leaves room
for about 450 counters a cell (a questionnaire of 120 closed questions needs about 360).
The old layout (one item per round, stratum, question and option, SK `{round:02d}#{stratum}#{q}#{o}`, type
`SurveyResultCount`) is deleted by the reconcile job (reconcile.py), which recounts the cells from the answers.
A counted answer (an official round's, scored on the index) also ADDs to its office's statistics counters (`T#{t}#KPI`,
four items: reports/survey_counts.py) in the same transaction.
A national survey's members, answers and cells are under the province's keys (chalicelib/surveys/domain.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.counters import SharedValue, adds
from chalicelib.adapters.counters import number as plain_number
from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import Journal, commit, put_unchecked
from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.pagination import decode, encode

from .codec import member_body, member_from, survey_body, survey_from
from .counting import CellKey, Values, result_cell
from .domain import Survey
from .members import Member
from .ports import Answer, MemberChange, PlanChange, Progress, Ratings, ResultCell, Submission, tally_id

CHUNK = 100  # items a transaction may hold


class ApprovalItems(Protocol):
    """The approvals capability's inbox, as items for this store's transactions."""

    def pending_item(
        self, *, tenant: str, kind: str, subject_id: str, title: str, submitted_at: datetime, url: str, submitted_by: str = ""
    ) -> BaseItem: ...

    def decided_item(self, *, tenant: str, kind: str, subject_id: str, submitted_at: datetime) -> BaseItem: ...


class TallyParts(Protocol):
    """The tally's counters, as updates added to this store's transactions (tally_store.py)."""

    def increments(self, *, tenant: str, survey_id: str, stratum: str, day: date, counts: dict[str, int]) -> Sequence[Any]: ...


class SurveyItem(BaseItem, discriminator="Survey"):
    """A survey: what lists show as attributes, the rest as JSON."""

    title = UnicodeAttribute()
    owner = UnicodeAttribute()
    stage = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    body = JSONAttribute()


class MemberItem(BaseItem, discriminator="SurveyMember"):
    """A sample member (personal data in `body.contact`)."""

    stratum = UnicodeAttribute()
    role = UnicodeAttribute()
    status = UnicodeAttribute()
    body = JSONAttribute()


class ProgressItem(BaseItem, discriminator="SurveyProgress"):
    """Answers saved so far."""

    screen = NumberAttribute()
    answers = JSONAttribute()


class AnswerItem(BaseItem, discriminator="SurveyAnswer"):
    """A submitted answer."""

    stratum = UnicodeAttribute()
    body = JSONAttribute()


class ResultCellItem(BaseItem, discriminator="SurveyResultCell"):
    """A result cell: its counters are attributes with dynamic names (counting.py), written and read unmodelled."""


OLD_RESULT_TYPE = "SurveyResultCount"  # the old layout's items, one per option (deleted by the reconcile job)
WHOLE = "*"  # the dimension and value segments of a stratum's own cell


def survey_key(tenant: str, survey_id: str) -> str:
    """The partition of a survey copy."""
    return tenant_key(tenant, "SURVEY", survey_id)


def _member_sk(round_number: int, member_id: str) -> str:
    return f"M#{round_number:02d}#{member_id}"


def _reserve_key(tenant: str, survey_id: str, round_number: int, stratum: str) -> str:
    return f"{survey_key(tenant, survey_id)}#RES#{round_number:02d}#{stratum}"


def to_item(survey: Survey) -> SurveyItem:
    """The survey as its item."""
    item = SurveyItem(
        survey_key(survey.tenant, survey.id),
        "SURVEY",
        tenant=survey.tenant,
        title=survey.plan.title,
        owner=survey.owner,
        stage=survey.stage,
        updated_at=iso(survey.updated_at),
        body=survey_body(survey),
        GSI1PK=tenant_key(survey.tenant, "SURVEYS"),
        GSI1SK=f"{iso(survey.created_at)}#{survey.id}",
    )
    if survey.version:
        item.version = survey.version
    return item


def _from_item(item: SurveyItem) -> Survey:
    return survey_from(item.PK.rsplit("#", 1)[-1], item.tenant, item.version or 0, dict(item.body))


def member_item(tenant: str, survey_id: str, member: Member) -> MemberItem:
    """A member as its item (the reserve index while the reserve is unused)."""
    item = MemberItem(
        survey_key(tenant, survey_id),
        _member_sk(member.round, member.id),
        tenant=tenant,
        stratum=member.stratum,
        role=member.role,
        status=member.status,
        body=member_body(member),
    )
    if member.role == "reserve" and not member.replaces:
        item.GSI2PK = _reserve_key(tenant, survey_id, member.round, member.stratum)
        item.GSI2SK = f"{member.rank:08d}#{member.id}"
    if member.version:
        item.version = member.version
    return item


def _member_of(item: MemberItem) -> Member:
    _, round_number, member_id = item.SK.split("#", 2)
    return member_from(member_id, int(round_number), item.stratum, item.role, item.version or 0, dict(item.body))


def _answer_body(a: Answer) -> dict[str, Any]:
    return {
        "round": a.round,
        "questionnaire_id": a.questionnaire_id,
        "questionnaire_version": a.questionnaire_version,
        "answers": a.answers,
        "submitted_on": a.submitted_on.isoformat(),
        "submitted_at": iso(a.submitted_at) if a.submitted_at else None,
        "member_id": a.member_id,
        "entry_id": a.entry_id,
        "interviewer": a.interviewer,
        "closed": [list(c) for c in a.closed],
        "groups": a.groups,
    }


def _answer_of(item: AnswerItem) -> Answer:
    b = dict(item.body)
    return Answer(
        id=item.SK.split("#", 2)[2],
        round=int(b["round"]),
        stratum=item.stratum,
        questionnaire_id=b["questionnaire_id"],
        questionnaire_version=int(b["questionnaire_version"]),
        answers=b["answers"],
        submitted_on=date.fromisoformat(b["submitted_on"]),
        member_id=b.get("member_id"),
        submitted_at=parse_iso(b["submitted_at"]) if b.get("submitted_at") else None,
        entry_id=b.get("entry_id"),
        interviewer=b.get("interviewer"),
        closed=tuple((q, o) for q, o in b.get("closed", ())),
        groups=dict(b.get("groups", {})),
    )


def _results_key(tenant: str, survey_id: str) -> str:
    return tenant_key(tenant, "SRESULT", survey_id)


def _cell_sk(round_number: int, key: CellKey) -> str:
    stratum, dimension, value = key
    return f"{round_number:02d}#{stratum}#{dimension or WHOLE}#{value or WHOLE}"


def _cell_key(sk: str) -> CellKey:
    _, stratum, dimension, value = sk.split("#", 3)
    return (stratum, "", "") if dimension == WHOLE else (stratum, dimension, value)


def _adds(values: Mapping[str, Decimal], tenant: str) -> list[Action]:
    """ADD each counter (a list path: a name's dots are not split), with the item's type and tenant set."""
    return adds(values) + [ResultCellItem.type.set(ResultCellItem), ResultCellItem.tenant.set(tenant)]


class DynamoSurveyStore:
    """Surveys, members, progress and answers: a read is one call, a step one transaction."""

    def __init__(self, *, journal: Journal, approvals: ApprovalItems, tally: TallyParts, ratings: Ratings | None = None) -> None:
        self._journal, self._approvals, self._tally = journal, approvals, tally
        self._ratings = ratings  # the statistics' survey counters; None for tooling that writes no statistics

    # -- surveys ------------------------------------------------------------------------------------------------

    def get(self, *, tenant: str, survey_id: str) -> Survey | None:
        """One GetItem."""
        with translated():
            try:
                return _from_item(SurveyItem.get(survey_key(tenant, survey_id), "SURVEY"))
            except SurveyItem.DoesNotExist:
                return None

    def page(self, *, tenant: str, cursor: str | None, limit: int) -> tuple[list[Survey], str | None]:
        """A page of the tenant's surveys, newest first (one Query of GSI1)."""
        pk = tenant_key(tenant, "SURVEYS")
        start = decode(cursor, partition_attr="GSI1PK", partition_value=pk)
        with translated():
            results = SurveyItem.gsi1.query(pk, scan_index_forward=False, limit=limit, last_evaluated_key=start)
            found = [_from_item(i) for i in results if isinstance(i, SurveyItem)]
        return found, encode(results.last_evaluated_key)

    def save(self, survey: Survey, change: PlanChange) -> None:
        """Save the survey (its version checked; a new one must not exist) with its audit entry and inbox item."""

        def build(tx: TransactWrite) -> None:
            tx.save(to_item(survey))
            for part in change.parts:
                put_unchecked(tx, to_item(part))  # a copy the owner rewrites, never edited
            tx.save(self._journal.entry(tenant=survey.tenant, event=change.event))
            if change.pending:
                tx.save(self._approvals.pending_item(tenant=survey.tenant, **change.pending))
            if change.decided:
                tx.delete(self._approvals.decided_item(tenant=survey.tenant, **change.decided), add_version_condition=False)

        commit(build, conflict="Kế hoạch khảo sát đã được người khác thay đổi. Vui lòng tải lại.")
        survey.version = (survey.version or 0) + 1

    def save_part(self, survey: Survey) -> None:
        """A system step on a survey (a round closed): no version check against people's edits, never a 409."""
        item = to_item(survey)
        with translated():
            item.save(add_version_condition=False)
        survey.version = (survey.version or 0) + 1

    # -- members --------------------------------------------------------------------------------------------------

    def put_members(self, *, tenant: str, survey_id: str, changes: Sequence[MemberChange]) -> None:
        """Write a drawn sample in transactions of CHUNK items (ids are the draw's: writing again changes nothing)."""
        for start in range(0, len(changes), CHUNK // 2):
            chunk = changes[start : start + CHUNK // 2]

            def build(tx: TransactWrite, chunk: Sequence[MemberChange] = chunk) -> None:
                for c in chunk:
                    put_unchecked(tx, member_item(tenant, survey_id, c.member))
                self._tally_of(tx, tenant, survey_id, chunk)

            commit(build)

    def drop_members(self, *, tenant: str, survey_id: str, changes: Sequence[MemberChange]) -> None:
        """Undo `put_members` of a draw whose round was not saved: the members deleted and their counts taken back."""
        for start in range(0, len(changes), CHUNK // 2):
            chunk = [
                MemberChange(c.member, {k: -v for k, v in c.counts.items()}, c.day) for c in changes[start : start + CHUNK // 2]
            ]

            def build(tx: TransactWrite, chunk: Sequence[MemberChange] = chunk) -> None:
                for c in chunk:
                    tx.delete(
                        MemberItem(survey_key(tenant, survey_id), _member_sk(c.member.round, c.member.id)),
                        add_version_condition=False,
                    )
                self._tally_of(tx, tenant, survey_id, chunk)

            commit(build)

    def _tally_of(self, tx: TransactWrite, tenant: str, survey_id: str, changes: Iterable[MemberChange]) -> None:
        counts: dict[tuple[int, str, date], dict[str, int]] = {}  # one update per counter item: summed first
        for c in changes:
            bucket = counts.setdefault((c.member.round, c.member.stratum, c.day), {})
            for name, n in c.counts.items():
                bucket[name] = bucket.get(name, 0) + n
        for (number, stratum, day), found in counts.items():
            tally = tally_id(survey_id, number)
            for part in self._tally.increments(tenant=tenant, survey_id=tally, stratum=stratum, day=day, counts=found):
                part.add_to(tx)

    def member(self, *, tenant: str, survey_id: str, round_number: int, member_id: str) -> Member | None:
        """One GetItem."""
        with translated():
            try:
                return _member_of(MemberItem.get(survey_key(tenant, survey_id), _member_sk(round_number, member_id)))
            except MemberItem.DoesNotExist:
                return None

    def members(
        self, *, tenant: str, survey_id: str, round_number: int, cursor: str | None, limit: int
    ) -> tuple[list[Member], str | None]:
        """A page of a round's members (one Query)."""
        pk = survey_key(tenant, survey_id)
        start = decode(cursor, partition_attr="PK", partition_value=pk) if cursor else None
        with translated():
            results = MemberItem.query(
                pk, MemberItem.SK.startswith(f"M#{round_number:02d}#"), limit=limit, last_evaluated_key=start
            )
            found = [_member_of(i) for i in results if isinstance(i, MemberItem)]
        return found, encode(results.last_evaluated_key)

    def each_member(self, *, tenant: str, survey_id: str, round_number: int) -> Iterator[Member]:
        """Every member of a round, page by page."""
        with translated():
            for item in MemberItem.query(survey_key(tenant, survey_id), MemberItem.SK.startswith(f"M#{round_number:02d}#")):
                if isinstance(item, MemberItem):
                    yield _member_of(item)

    def next_reserve(self, *, tenant: str, survey_id: str, round_number: int, stratum: str) -> Member | None:
        """The unused reserve of the stratum with the lowest rank (one Query of GSI2, one item)."""
        with translated():
            for item in MemberItem.gsi2.query(_reserve_key(tenant, survey_id, round_number, stratum), limit=1):
                if isinstance(item, MemberItem):
                    return _member_of(item)
        return None

    def step(self, *, tenant: str, survey_id: str, changes: Sequence[MemberChange], event: AuditEvent | None = None) -> None:
        """Save members whose state changed (each version checked) with the tally's counts, in one transaction."""

        def build(tx: TransactWrite) -> None:
            for c in changes:
                tx.save(member_item(tenant, survey_id, c.member))
            self._tally_of(tx, tenant, survey_id, changes)
            if event is not None:
                tx.save(self._journal.entry(tenant=tenant, event=event))

        commit(build)
        for c in changes:
            c.member.version = (c.member.version or 0) + 1

    # -- answers --------------------------------------------------------------------------------------------------

    def progress(self, *, tenant: str, survey_id: str, round_number: int, member_id: str) -> Progress | None:
        """One GetItem."""
        with translated():
            try:
                item = ProgressItem.get(survey_key(tenant, survey_id), f"P#{round_number:02d}#{member_id}")
            except ProgressItem.DoesNotExist:
                return None
        return Progress(dict(item.answers or {}), int(item.screen))

    def keep_progress(
        self, *, tenant: str, survey_id: str, round_number: int, member_id: str, progress: Progress, until: datetime
    ) -> None:
        """Keep the answers so far (last write wins: it is the respondent's own page)."""
        item = ProgressItem(
            survey_key(tenant, survey_id),
            f"P#{round_number:02d}#{member_id}",
            tenant=tenant,
            screen=progress.screen,
            answers=progress.answers,
            expires_at=int(until.timestamp()),
        )
        with translated():
            item.save(add_version_condition=False)

    def submission(self, *, tenant: str, survey_id: str, submission: Submission) -> Callable[[TransactWrite], None]:
        """The submission's part of a transaction: the answer (new), the member's completion (version checked), the
        tally's and the results' counters, the progress removed. The links capability adds the token's single use
        and commits (links/service.py `consume`); a second submission fails a condition and writes nothing."""
        a = submission.answer
        pk = survey_key(tenant, survey_id)

        def build(tx: TransactWrite) -> None:
            tx.save(
                AnswerItem(pk, f"A#{a.round:02d}#{a.id}", tenant=tenant, stratum=a.stratum, body=_answer_body(a)),
                condition=AnswerItem.PK.does_not_exist(),
            )
            if submission.member is not None:
                m = submission.member.member
                tx.save(member_item(tenant, survey_id, m))
                self._tally_of(tx, tenant, survey_id, [submission.member])
            if submission.progress_key:
                tx.delete(
                    ProgressItem(pk, f"P#{a.round:02d}#{submission.progress_key}", tenant=tenant), add_version_condition=False
                )
            if submission.counted is not None:
                values = submission.counted.values()
                for key in submission.counted.cells(a.stratum):
                    cell = ResultCellItem(_results_key(tenant, survey_id), _cell_sk(a.round, key))
                    tx.update(cell, actions=_adds(values, tenant), add_version_condition=False)
            if submission.rated is not None and self._ratings is not None:
                r = submission.rated
                parts = self._ratings.updates(
                    tenant=tenant, survey_id=survey_id, round_number=a.round, day=r.day, satisfied=r.satisfied
                )
                for item, actions in parts:  # a copy: PynamoDB appends the version's increment to the list it is given
                    tx.update(item, actions=list(actions), add_version_condition=False)

        return build

    def submitted(self, submission: Submission) -> None:
        """After the submission's transaction committed: the member's version moves on."""
        if submission.member is not None:
            submission.member.member.version = (submission.member.member.version or 0) + 1

    def submit(self, *, tenant: str, survey_id: str, submission: Submission) -> None:
        """A submission with no link (an interviewer's entry): its own transaction; a retry of the same entry id
        finds the answer written and changes nothing (ConflictError)."""
        commit(
            self.submission(tenant=tenant, survey_id=survey_id, submission=submission), conflict="Câu trả lời đã được ghi nhận."
        )
        self.submitted(submission)

    def answer(self, *, tenant: str, survey_id: str, round_number: int, answer_id: str) -> Answer | None:
        """One GetItem."""
        with translated():
            try:
                return _answer_of(AnswerItem.get(survey_key(tenant, survey_id), f"A#{round_number:02d}#{answer_id}"))
            except AnswerItem.DoesNotExist:
                return None

    def answer_page(
        self, *, tenant: str, survey_id: str, round_number: int, cursor: str | None, limit: int
    ) -> tuple[list[Answer], str | None]:
        """A page of a round's answers (one Query: the open answers' list reads on from the cursor)."""
        pk = survey_key(tenant, survey_id)
        start = decode(cursor, partition_attr="PK", partition_value=pk) if cursor else None
        with translated():
            results = AnswerItem.query(
                pk, AnswerItem.SK.startswith(f"A#{round_number:02d}#"), limit=limit, last_evaluated_key=start
            )
            found = [_answer_of(i) for i in results if isinstance(i, AnswerItem)]
        return found, encode(results.last_evaluated_key)

    def each_answer(self, *, tenant: str, survey_id: str, round_number: int) -> Iterator[Answer]:
        """Every answer of a round, page by page (the reconcile job of part 2)."""
        with translated():
            for item in AnswerItem.query(survey_key(tenant, survey_id), AnswerItem.SK.startswith(f"A#{round_number:02d}#")):
                if isinstance(item, AnswerItem):
                    yield _answer_of(item)

    # -- result cells ---------------------------------------------------------------------------------------------

    def _cell_items(self, tenant: str, survey_id: str, round_number: int) -> Iterator[dict[str, Any]]:
        """The round's items in the results partition, raw, page by page (strongly consistent: the reconcile job)."""
        table = ResultCellItem._get_connection()
        condition = ResultCellItem.SK.startswith(f"{round_number:02d}#")
        start: Any = None
        with translated():
            while True:
                page = table.query(_results_key(tenant, survey_id), condition, consistent_read=True, exclusive_start_key=start)
                yield from page.get("Items", [])
                start = page.get("LastEvaluatedKey")
                if not start:
                    return

    def cell_values(self, *, tenant: str, survey_id: str, round_number: int) -> dict[CellKey, Values]:
        """The round's cells as attribute → number (one paged Query; the old layout's items left out)."""
        found: dict[CellKey, Values] = {}
        for raw in self._cell_items(tenant, survey_id, round_number):
            if raw.get("type", {}).get("S") != OLD_RESULT_TYPE:
                found[_cell_key(raw["SK"]["S"])] = {k: Decimal(v["N"]) for k, v in raw.items() if "N" in v and k != "version"}
        return found

    def result_cells(self, *, tenant: str, survey_id: str, round_number: int) -> list[ResultCell]:
        """Every cell of a round, its counters parsed (one paged Query, O(strata × groups) items)."""
        cells = self.cell_values(tenant=tenant, survey_id=survey_id, round_number=round_number)
        return [result_cell(key, values) for key, values in sorted(cells.items())]

    def adjust_cells(self, *, tenant: str, survey_id: str, round_number: int, deltas: Mapping[CellKey, Values]) -> None:
        """ADD a difference to each cell (a submission's ADD landing meanwhile commutes with it)."""
        for key, values in deltas.items():
            item = ResultCellItem(_results_key(tenant, survey_id), _cell_sk(round_number, key), tenant=tenant)
            with translated():
                item.update(actions=_adds(values, tenant), add_version_condition=False)

    def drop_cell(self, *, tenant: str, survey_id: str, round_number: int, key: CellKey, respondents: Decimal) -> bool:
        """Delete a cell no answer supports, unless a submission counted in it since it was read (False then)."""
        item = ResultCellItem(_results_key(tenant, survey_id), _cell_sk(round_number, key), tenant=tenant)
        n = Path(["n"])
        unchanged = (n == SharedValue({"N": plain_number(respondents)})) if respondents else n.does_not_exist()
        try:
            with translated():
                item.delete(condition=unchanged, add_version_condition=False)
        except ConflictError:
            return False
        return True

    def drop_old_counters(self, *, tenant: str, survey_id: str, round_number: int) -> int:
        """Delete the round's items of the old layout (one per option); how many there were."""
        table = ResultCellItem._get_connection()
        dropped = 0
        for raw in self._cell_items(tenant, survey_id, round_number):
            if raw.get("type", {}).get("S") == OLD_RESULT_TYPE:
                with translated():
                    table.delete_item(raw["PK"]["S"], range_key=raw["SK"]["S"])
                dropped += 1
        return dropped
