"""The table adapter: one shared connection, and every call visible to the call counter."""

from __future__ import annotations

from chalicelib.adapters import dynamo


def test_every_entity_shares_one_connection_and_every_call_is_counted(stack, api):
    from chalicelib.audit.store import AuditItem
    from chalicelib.identity.store import UserItem
    from chalicelib.limits.store import RateCounterItem
    from chalicelib.tenancy.store import UnitItem

    assert UnitItem._get_connection() is UserItem._get_connection() is AuditItem._get_connection()
    assert RateCounterItem._get_connection() is UnitItem._get_connection()
    calls: list[str] = []
    stop = dynamo.on_call(lambda operation_name: calls.append(operation_name))
    try:
        admin = api("hanoi").login("tenant-admin")
        admin.get("/api/me")  # the session check's read is cached for the next 15 s
        calls.clear()
        admin.get("/api/units/truyen-thong")
        admin.get("/api/units")
    finally:
        stop()
    counted = ["UpdateItem", "UpdateItem"]  # each call is counted against the user's and the office's rate limit first
    assert calls == [*counted, "GetItem", *counted, "Query"]
