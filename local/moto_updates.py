"""moto's UpdateItem (5.2.5) without its expression machinery for the plain updates the app writes.

PynamoDB writes every update as `SET #0 = :0, … ADD #5 :5, … REMOVE #7, …` on top-level attributes. moto parses such
an expression into a tree at every call, deep-copies the tree, and walks it ten times to validate it — two of those
walks quadratic in its actions (a counter row's ADD of a hundred counters: thousands of node visits per action) —
then sets each attribute through a dict that re-sums the whole item's size at every set. That was 9 in 10 of moto's
time while `make run` seeded its demo. Here such an expression is read once per distinct string, and applied with
moto's own values and arithmetic (`DynamoType`, its `+`), its condition check, its 400 KB rule (simulated set by set,
as moto checks it) and its stream record. Whatever is not that plain shape — or would fail (an undefined name or
value, a key attribute, a path twice, an ADD to a non-number, a set, an item over the limit) — goes to moto's own
code, which then answers as it always did. tests/integration/test_moto_updates.py compares both on the same writes.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from typing import Any

from moto.dynamodb.exceptions import ConditionalCheckFailed
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.utilities import bytesize

ITEM_LIMIT = 405_000  # moto's LimitedSizeDict check
_NAME = r"#[A-Za-z0-9_]+"
_VALUE = r":[A-Za-z0-9_]+"
_CLAUSES = {
    "SET": re.compile(rf"\s*({_NAME})\s*=\s*({_VALUE})\s*"),
    "ADD": re.compile(rf"\s*({_NAME})\s+({_VALUE})\s*"),
    "REMOVE": re.compile(rf"\s*({_NAME})\s*"),
}
_KEYWORD = re.compile(r"(?i)(?:^|\s)(SET|ADD|REMOVE|DELETE)\s")

Action = tuple[str, str, str | None]  # SET/ADD/REMOVE, name placeholder, value placeholder


@functools.lru_cache(maxsize=4096)
def plan(expression: str) -> tuple[Action, ...] | None:
    """The actions of a plain update expression, in its order; None for any other expression."""
    marks = list(_KEYWORD.finditer(expression))
    if not marks or expression[: marks[0].start()].strip():
        return None
    actions: list[Action] = []
    seen: set[str] = set()
    for index, mark in enumerate(marks):
        keyword = mark.group(1).upper()
        if keyword in seen or keyword not in _CLAUSES:
            return None  # a clause twice (moto refuses it), or DELETE
        seen.add(keyword)
        end = marks[index + 1].start() if index + 1 < len(marks) else len(expression)
        for part in expression[mark.end() : end].split(","):
            match = _CLAUSES[keyword].fullmatch(part)
            if match is None:
                return None  # a nested path, a function, arithmetic, a plain attribute name
            actions.append((keyword, match.group(1), match.group(2) if keyword != "REMOVE" else None))
    return tuple(actions)


def _size(value: Any) -> int:
    return value.size() if type(value) is DynamoType else bytesize(str(value))


def update_item(
    fallback: Callable[..., Item],
    backend: DynamoDBBackend,
    table_name: str,
    key: dict[str, dict[str, Any]],
    update_expression: str,
    expression_attribute_names: dict[str, Any],
    expression_attribute_values: dict[str, Any],
    attribute_updates: dict[str, Any] | None = None,
    expected: dict[str, Any] | None = None,
    condition_expression: str | None = None,
    return_values_on_condition_check_failure: str | None = None,
) -> Item:
    """moto's `DynamoDBBackend.update_item`: applied here for a plain expression, else by `fallback` (moto's)."""

    def moto() -> Item:
        return fallback(
            backend,
            table_name,
            key,
            update_expression=update_expression,
            expression_attribute_names=expression_attribute_names,
            expression_attribute_values=expression_attribute_values,
            attribute_updates=attribute_updates,
            expected=expected,
            condition_expression=condition_expression,
            return_values_on_condition_check_failure=return_values_on_condition_check_failure,
        )

    actions = plan(update_expression) if update_expression and not attribute_updates and not expected else None
    if not actions:
        return moto()
    table = backend.get_table(table_name)
    names = expression_attribute_names or {}
    values = expression_attribute_values or {}
    resolved: list[tuple[str, str, DynamoType | None]] = []
    for kind, placeholder, value_name in actions:
        name = names.get(placeholder)
        if name is None or name in table.table_key_attrs or value_name is not None and value_name not in values:
            return moto()  # undefined, or a key attribute: moto's error
        if kind == "SET" and (placeholder in table.attribute_keys or any(a["AttributeName"] == placeholder for a in table.attr)):
            return moto()  # moto compares the SET target's placeholder with the key attributes (its type checks)
        resolved.append((kind, name, DynamoType(values[value_name]) if value_name is not None else None))
    if len({name for _, name, _ in resolved}) < len(resolved):
        return moto()  # a path twice: moto's DuplicateUpdateExpression
    if all(n in key for n in table.table_key_attrs) and table.range_key_attr is not None:
        hash_value, range_value = DynamoType(key[table.hash_key_attr]), DynamoType(key[table.range_key_attr])
    elif table.hash_key_attr in key:
        hash_value, range_value = DynamoType(key[table.hash_key_attr]), None
    else:
        return moto()

    item = table.get_item(hash_value, range_value)
    from .moto_patches import filter_expression  # the parsed condition, remembered

    if not filter_expression(condition_expression, expression_attribute_names, expression_attribute_values).expr(item):
        if return_values_on_condition_check_failure == "ALL_OLD" and item is not None:
            raise ConditionalCheckFailed(item=item.to_json()["Attributes"])
        raise ConditionalCheckFailed

    attrs: dict[str, Any] = dict(item.attrs) if item is not None else {}
    if item is None:  # moto creates the item from its key before setting anything
        attrs[table.hash_key_attr] = hash_value
        if range_value is not None and table.range_key_attr is not None:
            attrs[table.range_key_attr] = range_value
    total = sum(bytesize(str(k)) + _size(v) for k, v in attrs.items())
    changes: list[tuple[str, DynamoType | None]] = []
    for kind, name, value in resolved:
        if kind == "ADD":
            assert value is not None
            existing = attrs.get(name, DynamoType({"N": "0"}))
            if value.type != "N" or type(existing) is not DynamoType or existing.type != "N":
                return moto()  # sets, and moto's IncorrectDataType
            try:
                value = existing + value
            except (ValueError, ArithmeticError):
                return moto()
        if value is None:  # REMOVE
            if name in attrs:
                total -= bytesize(str(name)) + _size(attrs.pop(name))
        else:
            if total + bytesize(name) + value.size() > ITEM_LIMIT:
                return moto()  # moto's ItemSizeTooLarge, raised where moto raises it
            if name in attrs:
                total -= bytesize(str(name)) + _size(attrs[name])
            attrs[name] = value
            total += bytesize(str(name)) + value.size()
        changes.append((name, value))

    orig_item = copy.deepcopy(item) if table.stream_shard is not None else None
    if item is None:
        data: dict[str, Any] = {table.hash_key_attr: {hash_value.type: hash_value.value}}
        if range_value is not None and table.range_key_attr is not None:
            data[table.range_key_attr] = {range_value.type: range_value.value}
        table.put_item(data)
        item = table.get_item(hash_value, range_value)
        assert item is not None
    for name, value in changes:
        if value is None:
            item.attrs.pop(name, None)
        else:
            dict.__setitem__(item.attrs, name, value)  # its size was checked above, as moto would
    if table.stream_shard is not None:
        table.stream_shard.add(orig_item, item)
    return item
