"""Keeps the local stack's data across restarts: an export of the emulated table and user pool to a JSON file.

moto keeps everything in memory and its recorder replays requests with fresh random ids (a new user pool id
breaks every later call), so the local stack instead exports what matters — every item of the table and every
staff account — and imports it into the freshly provisioned resources at the next start.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3

from .aws import ACCOUNT_ID, Resources

FORMAT = 1


def _clients(resources: Resources) -> tuple[Any, Any]:
    kw: dict[str, Any] = {"endpoint_url": resources.endpoint, "region_name": resources.region}
    return boto3.client("dynamodb", **kw), boto3.client("cognito-idp", **kw)


def _pool(resources: Resources) -> Any:
    from moto.cognitoidp.models import cognitoidp_backends

    return cognitoidp_backends[ACCOUNT_ID][resources.region].user_pools[resources.user_pool_id]


def export(resources: Resources, path: Path) -> int:
    """Write the table's items and the pool's users to `path` (atomically); returns the item count."""
    dynamodb, _ = _clients(resources)
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=resources.table_name):
        items.extend(page["Items"])
    users = [
        {
            "username": user.username,
            "attributes": [a for a in user.attributes if a["Name"] != "sub"],
            "groups": sorted(g.group_name for g in user.groups),
            "enabled": user.enabled,
            # moto keeps the password itself (a real pool never reveals it); this file stays on the developer's disk.
            "password": user.password,
            "status": user.status,
        }
        for user in _pool(resources).users.values()
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"format": FORMAT, "items": items, "users": users}, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
    return len(items)


def restore(resources: Resources, path: Path) -> bool:
    """Load a snapshot into fresh resources; False when there is none (or it is of another format)."""
    if not path.is_file():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        return False
    dynamodb, cognito = _clients(resources)
    items = data["items"]
    for start in range(0, len(items), 25):
        requests = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
        dynamodb.batch_write_item(RequestItems={resources.table_name: requests})
    for user in data["users"]:
        cognito.admin_create_user(
            UserPoolId=resources.user_pool_id,
            Username=user["username"],
            UserAttributes=user["attributes"],
            TemporaryPassword=user["password"],
            MessageAction="SUPPRESS",
        )
        if user["status"] != "FORCE_CHANGE_PASSWORD":
            cognito.admin_set_user_password(
                UserPoolId=resources.user_pool_id, Username=user["username"], Password=user["password"], Permanent=True
            )
        for group in user["groups"]:
            cognito.admin_add_user_to_group(UserPoolId=resources.user_pool_id, Username=user["username"], GroupName=group)
        if not user["enabled"]:
            cognito.admin_disable_user(UserPoolId=resources.user_pool_id, Username=user["username"])
    return True
