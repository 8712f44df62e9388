"""The same contract for the leader's inbox in memory and in DynamoDB (PynamoDB on moto).

Entries are written as a subject's store writes them: the items of `pending_item` / `decided_item` in the
subject's own transaction (here a transaction of their own, with the subject's item stood in for by a second item).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.dynamo import BaseItem
from chalicelib.approvals.store import PendingApprovals
from chalicelib.shared.errors import ConflictError
from tests.fakes import FakePendingApprovals

AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
Write = Callable[[Sequence[BaseItem], Sequence[BaseItem]], None]


@pytest.fixture(params=["memory", "dynamodb"])
def inbox(request) -> tuple[PendingApprovals, Write]:
    if request.param == "memory":
        fake = FakePendingApprovals()
        return fake, lambda saved, deleted: fake.apply(saved=saved, deleted=deleted)
    request.getfixturevalue("stack")
    from chalicelib.adapters.unit_of_work import commit

    def write(saved: Sequence[BaseItem], deleted: Sequence[BaseItem]) -> None:
        def build(tx):
            for item in deleted:
                tx.delete(item, add_version_condition=False)
            for item in saved:
                tx.save(item)

        commit(build)

    return PendingApprovals(), write


def _submit(store, write, tenant, subject_id, at, kind="survey_plan"):
    item = store.pending_item(
        tenant=tenant, kind=kind, subject_id=subject_id, title=f"Kế hoạch {subject_id}", submitted_at=at,
        url=f"/surveys/{subject_id}", submitted_by=f"{tenant}.focal",
    )  # fmt: skip
    write([item], [])


def test_entries_are_listed_longest_waiting_first_across_kinds(inbox, unique):
    store, write = inbox
    tenant = f"t{unique}"
    _submit(store, write, tenant, "s2", AT + timedelta(minutes=5))
    _submit(store, write, tenant, "r1", AT, kind="policy_report")
    _submit(store, write, tenant, "s3", AT + timedelta(minutes=9))
    found, cursor = store.list(tenant=tenant, cursor=None)
    assert [(p.kind, p.subject_id) for p in found] == [("policy_report", "r1"), ("survey_plan", "s2"), ("survey_plan", "s3")]
    assert cursor is None
    first = found[0]
    assert (first.title, first.submitted_at, first.submitted_by, first.url) == (
        "Kế hoạch r1",
        AT,
        f"{tenant}.focal",
        "/surveys/r1",
    )


def test_pages_follow_the_cursor(inbox, unique):
    store, write = inbox
    tenant = f"t{unique}"
    for n in range(3):
        _submit(store, write, tenant, f"s{n}", AT + timedelta(minutes=n))
    page, cursor = store.list(tenant=tenant, cursor=None, limit=2)
    assert [p.subject_id for p in page] == ["s0", "s1"] and cursor
    rest, _ = store.list(tenant=tenant, cursor=cursor, limit=2)
    assert [p.subject_id for p in rest] == ["s2"]


def test_a_decision_removes_the_entry_and_a_repeated_removal_is_harmless(inbox, unique):
    store, write = inbox
    tenant = f"t{unique}"
    _submit(store, write, tenant, "s1", AT)
    _submit(store, write, tenant, "s2", AT)
    decided = store.decided_item(tenant=tenant, kind="survey_plan", subject_id="s1", submitted_at=AT)
    write([], [decided])
    write([], [decided])  # a retried decision
    assert [p.subject_id for p in store.list(tenant=tenant, cursor=None)[0]] == ["s2"]


def test_a_resubmission_after_a_return_is_a_new_entry(inbox, unique):
    store, write = inbox
    tenant = f"t{unique}"
    _submit(store, write, tenant, "s1", AT)
    again = store.pending_item(
        tenant=tenant, kind="survey_plan", subject_id="s1", title="Kế hoạch s1 (sửa)", submitted_at=AT + timedelta(days=1),
        url="/surveys/s1",
    )  # fmt: skip
    write([again], [store.decided_item(tenant=tenant, kind="survey_plan", subject_id="s1", submitted_at=AT)])
    (only,), _ = store.list(tenant=tenant, cursor=None)
    assert (only.title, only.submitted_at) == ("Kế hoạch s1 (sửa)", AT + timedelta(days=1))


def test_the_same_submission_twice_conflicts(inbox, unique):
    store, write = inbox
    tenant = f"t{unique}"
    _submit(store, write, tenant, "s1", AT)
    with pytest.raises(ConflictError):
        _submit(store, write, tenant, "s1", AT)
    assert len(store.list(tenant=tenant, cursor=None)[0]) == 1


def test_tenants_never_see_each_other(inbox, unique):
    store, write = inbox
    _submit(store, write, f"a{unique}", "s1", AT)
    assert store.list(tenant=f"b{unique}", cursor=None) == ([], None)


def test_an_entry_links_only_to_a_console_path():
    for url in ("https://evil.example/x", "//evil.example/x", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            PendingApprovals().pending_item(
                tenant="hanoi", kind="survey_plan", subject_id="s1", title="x", submitted_at=AT, url=url
            )


def test_another_tenants_cursor_is_refused(stack, unique):
    from chalicelib.approvals.store import PendingApprovals as Store
    from chalicelib.shared.errors import MalformedError

    store = Store()
    tenant = f"a{unique}"
    for n in range(2):
        _submit(store, lambda s, d: [i.save() for i in s], tenant, f"s{n}", AT + timedelta(minutes=n))
    _, cursor = store.list(tenant=tenant, cursor=None, limit=1)
    with pytest.raises(MalformedError):
        store.list(tenant=f"b{unique}", cursor=cursor)
