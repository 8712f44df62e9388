"""Keeps the local stack's data across restarts: the emulated table and user pool, saved to `.local/state.json`.

moto keeps everything in memory and its recorder replays requests with fresh random ids (a new user pool id
breaks every later call), so the local stack instead saves what matters — every item of the table and every
staff account — and loads it into the freshly provisioned resources at the next start.

Saving is cheap when little changed: `state.json` is written in full only at the first save, when the stack stops
and when the journal has grown to half the table; in between, each save appends to `state.journal` the items
written since the previous one (moto's writes are recorded by local/moto_store.py) and the accounts if they
changed, and a save with nothing new writes nothing. Loading reads `state.json`, then replays the journal.
It reads moto's backends directly, so it runs in the process that hosts moto.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any

import boto3

from .aws import ACCOUNT_ID, Resources

FORMAT = 1
MIN_JOURNAL = 500  # lines; compacted into state.json past this and half the table
CHUNK = 500  # items turned into JSON per hold of moto's lock: a large save does not stall the requests


def _table(resources: Resources) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[ACCOUNT_ID][resources.region].get_table(resources.table_name)


def _pool(resources: Resources) -> Any:
    from moto.cognitoidp.models import cognitoidp_backends

    return cognitoidp_backends[ACCOUNT_ID][resources.region].user_pools[resources.user_pool_id]


def _users(resources: Resources) -> list[dict[str, Any]]:
    return [
        {
            "username": user.username,
            "attributes": [a for a in user.attributes if a["Name"] != "sub"],
            "groups": sorted(g.group_name for g in user.groups),
            "enabled": user.enabled,
            # moto keeps the password itself (a real pool never reveals it); this file stays on the developer's disk.
            "password": user.password,
            "status": user.status,
        }
        for user in list(_pool(resources).users.values())
    ]


class Snapshot:
    """The saved data of one stack: `state.json` and the journal of changes since it was written."""

    def __init__(self, resources: Resources, path: Path) -> None:
        self.resources = resources
        self.path = path
        self.journal = path.with_suffix(".journal")
        self._writes = -1  # the table's write count at the last save
        self._users = ""  # the accounts as last saved (JSON)
        self._items = 0  # items in state.json
        self._lines = 0  # lines in the journal
        self._base = ""  # the id of state.json, which the journal's first line names
        self._saving = threading.Lock()  # the periodic save and the one at exit never interleave

    def save(self, *, full: bool = False) -> str:
        """Save what changed since the last save: 'unchanged', 'journal' or (in full) 'full'."""
        with self._saving:
            return self._save(full)

    def _save(self, full: bool) -> str:
        from . import moto_patches, moto_store

        users = json.dumps(_users(self.resources), ensure_ascii=False, sort_keys=True)
        table = _table(self.resources)
        if full or self._writes < 0 or self._lines >= max(MIN_JOURNAL, self._items // 2):
            with moto_patches.LOCK:
                moto_store.drain(table)
                self._writes = moto_store.writes(table)
                keys = [(item.hash_key, item.range_key) for item in moto_store.items(table)]
            items = [item for _, item in _as_json(table, keys) if item is not None]
            self._write_full(items, users)
            return "full"
        with moto_patches.LOCK:
            if moto_store.writes(table) == self._writes and users == self._users:
                return "unchanged"
            keys = [key for key, _ in moto_store.drain(table)]
            self._writes = moto_store.writes(table)
        lines = [
            json.dumps({"put": item} if item else {"delete": self._key(table, key)}, ensure_ascii=False)
            for key, item in _as_json(table, keys)
        ]
        if users != self._users:
            lines.append(json.dumps({"users": json.loads(users)}, ensure_ascii=False))
            self._users = users
        if not self.journal.is_file():
            lines.insert(0, json.dumps({"base": self._base}))
        with self.journal.open("a", encoding="utf-8") as handle:
            handle.write("".join(f"{line}\n" for line in lines))
        self._lines += len(lines)
        return "journal"

    @staticmethod
    def _key(table: Any, key: Any) -> dict[str, Any]:
        names = [table.hash_key_attr, *([table.range_key_attr] if table.range_key_attr else [])]
        return {name: value.to_json() for name, value in zip(names, key, strict=False)}

    def _write_full(self, items: list[dict[str, Any]], users: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        self._base = uuid.uuid4().hex
        body = {"format": FORMAT, "id": self._base, "items": items, "users": json.loads(users)}
        temporary.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)
        self.journal.unlink(missing_ok=True)  # if this never happens, the journal names another base: it is ignored
        self._users, self._items, self._lines = users, len(items), 0

    def load(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
        """The saved items and accounts (state.json with the journal replayed), or None when there are none."""
        if not self.path.is_file():
            return None
        data = json.loads(self.path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        table = self._key_names()
        items = {tuple(json.dumps(item[name]) for name in table): item for item in data["items"]}
        users = data["users"]
        self._base, self._lines = data.get("id", ""), 0
        lines = self.journal.read_text(encoding="utf-8").splitlines() if self.journal.is_file() else []
        if lines and _base_of(lines[0]) != self._base:
            lines = []  # left from before the last full save
            self.journal.unlink()
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except ValueError:  # a line cut short when the stack was killed mid-write
                continue
            self._lines += 1
            if "put" in entry:
                items[tuple(json.dumps(entry["put"][name]) for name in table)] = entry["put"]
            elif "delete" in entry:
                items.pop(tuple(json.dumps(entry["delete"][name]) for name in table), None)
            elif "users" in entry:
                users = entry["users"]
        self._items = len(data["items"])
        return list(items.values()), users

    def _key_names(self) -> list[str]:
        from infra.definitions import TABLE

        return [TABLE.partition_key, TABLE.sort_key]

    def restore(self) -> bool:
        """Load the saved data into fresh resources; False when there is none (or it is of another format)."""
        from . import moto_patches, moto_store

        loaded = self.load()
        if loaded is None:
            return False
        items, users = loaded
        resources = self.resources
        kw: dict[str, Any] = {"endpoint_url": resources.endpoint, "region_name": resources.region}
        dynamodb, cognito = boto3.client("dynamodb", **kw), boto3.client("cognito-idp", **kw)
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            dynamodb.batch_write_item(RequestItems={resources.table_name: batch})
        for user in users:
            _create_user(cognito, resources.user_pool_id, user)
        table = _table(resources)
        with moto_patches.LOCK:  # what was just loaded is what is saved
            moto_store.drain(table)
            self._writes = moto_store.writes(table)
        self._users = json.dumps(_users(resources), ensure_ascii=False, sort_keys=True)
        return True


def _as_json(table: Any, keys: list[Any]) -> list[tuple[Any, dict[str, Any] | None]]:
    """Each key with its item as it is now (None: deleted), CHUNK items per hold of the lock.

    A write between two chunks records its key again, so the next save has it (moto_store.drain).
    """
    from . import moto_patches, moto_store

    out: list[tuple[Any, dict[str, Any] | None]] = []
    for start in range(0, len(keys), CHUNK):
        with moto_patches.LOCK:
            for key in keys[start : start + CHUNK]:
                item = moto_store.stored(table, key)
                out.append((key, item.to_json()["Attributes"] if item is not None else None))
    return out


def _base_of(line: str) -> str | None:
    try:
        return str(json.loads(line).get("base"))
    except ValueError:
        return None


def _create_user(cognito: Any, pool_id: str, user: dict[str, Any]) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=user["username"],
        UserAttributes=user["attributes"],
        TemporaryPassword=user["password"],
        MessageAction="SUPPRESS",
    )
    if user["status"] != "FORCE_CHANGE_PASSWORD":
        cognito.admin_set_user_password(UserPoolId=pool_id, Username=user["username"], Password=user["password"], Permanent=True)
    for group in user["groups"]:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=user["username"], GroupName=group)
    if not user["enabled"]:
        cognito.admin_disable_user(UserPoolId=pool_id, Username=user["username"])
