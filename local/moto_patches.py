"""moto, made fit for a local stack with thousands of items and concurrent users (never part of the Lambda).

Applied by `local.aws.start_moto`, so by `make run`, the tests and the benchmarks:

* **Transactions back up only what they touch** (local/moto_transactions.py) instead of copying every table.
* **Plain updates skip moto's expression machinery** (local/moto_updates.py): `SET #a = :v, … ADD #b :w, … REMOVE
  #c` on top-level attributes is read once per expression and applied with moto's own values, arithmetic and checks.
* **One DynamoDB request at a time.** moto's server is threaded and its DynamoDB has no locks, so two concurrent
  conditional writes could both pass their checks, and a Query walking the table could meet a write changing it.
  Every DynamoDB request runs under LOCK, as DynamoDB's per-item atomicity would have it.
* **Writes are recorded** (local/moto_store.py): a change journal for the snapshot, and the items of each GSI
  partition, so a **Query reads its own partition** instead of sorting and walking the whole table; the
  partition is sorted on plain key values (moto compared attribute objects, casting both at every comparison).
* **Data-plane answers are plain JSON.** moto 5.2.5 serializes every response by walking botocore's output shape
  value by value; for GetItem, Query, … whose results are already in DynamoDB's wire format, `json.dumps` gives the
  same document (tests/integration/test_moto_patches.py compares them) in a fraction of the time.
* **A Query's results are not deep-copied**: they become the response under LOCK.
* **A state machine definition is parsed once**, not with ANTLR at every execution (each intake starts one).
* **A condition expression is parsed once** per expression, names and values: moto parsed each conditional Put
  twice (once in the transaction, once in the Put), 60 % of a transaction's time. **An update expression's tree is
  built once** per expression too (TransactWriteItems builds each update's to check its names).
* **Per-request overheads of moto's server**, each several per cent of its time: the list of moto's packages (read
  from disk twice a request), the action names of a handler class (`inspect.getmembers` every request), and the
  400 KB check of a new item (the whole item's size summed again for every attribute) are computed once.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from collections.abc import Callable
from typing import Any

from moto import backends as moto_backends
from moto.core import responses as core_responses
from moto.core.responses import ActionResult, get_service_model
from moto.dynamodb import comparisons
from moto.dynamodb import models as models_module
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import table as table_module
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
from moto.dynamodb.responses import DynamoHandler, DynamoResult
from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from . import moto_store, moto_transactions, moto_updates

LOCK = threading.RLock()  # held by every DynamoDB request of the local moto server, and by the snapshot's reads
ORIGINAL: dict[str, Callable[..., Any]] = {}
PLAIN_JSON = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)
_HINT = threading.local()  # the candidate items of the Query running on this thread
_PROGRAMS: dict[str, EvalComponent] = {}
ITEM_LIMIT = 405_000  # bytes: moto's 400 KB limit as it measures it (dynamo_type.LimitedSizeDict)


# -- writes are recorded ---------------------------------------------------------------------------------------------


def _put_item(self: Table, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    item: Item = ORIGINAL["put_item"](self, item_attrs, *args, **kwargs)
    moto_store.touched(self, item.hash_key, item.range_key)
    return item


def _delete_item(self: Table, hash_key: DynamoType, range_key: DynamoType | None) -> Item | None:
    item: Item | None = ORIGINAL["delete_item"](self, hash_key, range_key)
    if item is not None:
        moto_store.touched(self, hash_key, range_key)
    return item


def _update_item(self: DynamoDBBackend, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Item:
    table = self.get_table(table_name)
    try:
        return moto_updates.update_item(ORIGINAL["update_item"], self, table_name, key, *args, **kwargs)
    finally:  # an update changes the stored item in place, possibly before it fails
        try:
            hash_key, range_key = self.get_keys_value(table, key)
        except Exception:  # noqa: BLE001 - a malformed key wrote nothing
            hash_key = None
        if hash_key is not None:
            moto_store.touched(table, hash_key, range_key)


# -- a Query reads its partition -------------------------------------------------------------------------------------


def _query(self: Table, hash_key: DynamoType | None, *args: Any, **kwargs: Any) -> Any:
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    _HINT.value = (self, moto_store.candidates(self, hash_key, index_name, kwargs.get("hash_key_conditions")))
    try:
        return ORIGINAL["query"](self, hash_key, *args, **kwargs)
    finally:
        _HINT.value = None


class _QueryCopy:
    """The `copy` module as moto's table module sees it: a Query's results are not copied defensively.

    They are turned into the response before LOCK is released (projections and filters build new items), so no
    write can change them meanwhile; copying every returned item was a fifth of moto's time for a list.
    """

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        """The value itself during a Query, else a deep copy."""
        if getattr(_HINT, "value", None) is not None and isinstance(value, list):
            return list(value)
        return copy.deepcopy(value, memo)


def _sorted_items(self: Table, hash_key_attrs: list[str], range_key_attrs: list[str | None], items: list[Item]) -> list[Item]:
    """moto's order (its key compares `cast_value`s), with each item's key values cast once, not per comparison."""
    names = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
    items.sort(key=lambda item: tuple(item.attrs[name].cast_value for name in names))
    return items


def _all_items(self: Table) -> list[Item]:
    hint = getattr(_HINT, "value", None)
    if hint is not None and hint[0] is self and hint[1] is not None:
        return list(hint[1])
    return ORIGINAL["all_items"](self)  # type: ignore[no-any-return]


# -- one request at a time, plain JSON answers -----------------------------------------------------------------------


def _call_action(self: DynamoHandler) -> Any:
    with LOCK:
        return ORIGINAL["call_action"](self)


def _refuse(value: object) -> Any:
    raise TypeError(type(value).__name__)  # bytes (binary attributes), datetimes: moto's serializer knows those


@functools.cache
def _output_members(operation: str) -> frozenset[str]:
    shape = get_service_model("dynamodb").operation_model(operation).output_shape
    return frozenset(shape.members) if shape is not None else frozenset()


def plain_json(operation: str, result: Any) -> str | None:
    """The response body of a data-plane result as JSON, or None when it holds what JSON cannot carry as is.

    As moto's serializer: only the output shape's members (moto adds some of its own), none that are None.
    """
    if not isinstance(result, dict):
        return None
    members = _output_members(operation)
    try:
        return json.dumps({k: v for k, v in result.items() if v is not None and k in members}, default=_refuse)
    except TypeError:
        return None


def _serialized(self: DynamoHandler, action_result: ActionResult) -> Any:
    operation = self._get_action()
    if type(action_result) in (ActionResult, DynamoResult) and operation in PLAIN_JSON:
        body = plain_json(operation, action_result.result)
        if body is not None:
            return 200, {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}, body
    return ORIGINAL["serialized"](self, action_result)


# -- state machines parsed once --------------------------------------------------------------------------------------


def _evaluation_entrypoint(self: ExecutionWorker) -> EvalComponent:
    definition = self._evaluation_details.state_machine_details.definition
    program = _PROGRAMS.get(definition)
    if program is None:
        program = _PROGRAMS[definition] = AmazonStateLanguageParser.parse(definition)[0]
    return copy.deepcopy(program)  # each execution its own tree, as a fresh parse would give


# -- per-request overheads ------------------------------------------------------------------------------------------


@functools.cache
def _moto_modules() -> tuple[str, ...]:
    return tuple(ORIGINAL["list_of_moto_modules"]())


@functools.cache
def _method_names(clazz: object) -> list[str]:
    return ORIGINAL["method_names_from_class"](clazz)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=4096)
def _parsed_expression(expr: str, names: str, values: str) -> Any:
    return ORIGINAL["get_filter_expression"](expr, json.loads(names), json.loads(values))


def filter_expression(expr: str | None, names: dict[str, str] | None, values: dict[str, Any] | None) -> Any:
    """moto's `get_filter_expression`, remembered (the parsed expression is only ever evaluated, never changed)."""
    if expr is None:
        return ORIGINAL["get_filter_expression"](expr, names, values)
    try:
        key = json.dumps(names, sort_keys=True), json.dumps(values, sort_keys=True)
    except TypeError:  # binary values
        return ORIGINAL["get_filter_expression"](expr, names, values)
    return _parsed_expression(expr, *key)


@functools.lru_cache(maxsize=4096)
def _update_tree(expression: str) -> Any:
    return ORIGINAL["update_expression_make"](expression)


def update_expression_tree(expression: str) -> Any:
    """moto's `UpdateExpressionParser.make`, remembered: its callers only read the tree (the validator copies it)."""
    return _update_tree(expression)


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    """moto's Item.__init__, checking the size limit once for the whole item (the sum is the same)."""
    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    for key, value in attrs.items():
        dict.__setitem__(self.attrs, key, DynamoType(value))
    if sum(bytesize(k) + v.size() for k, v in self.attrs.items()) > ITEM_LIMIT:
        raise ItemSizeTooLarge


def _project(self: Item, projection_expressions: list[list[str]]) -> Item:
    """moto's Item.project for top-level names, read straight from the item: moto turns the whole item into plain JSON
    once per name projected — O(attributes × names) where DynamoDB reads by name (a league table's BatchGet projects
    a few counters of items that hold a hundred). A nested path or an index goes to moto's own code."""
    if any(len(path) != 1 or "[" in path[0] for path in projection_expressions):
        return ORIGINAL["item_project"](self, projection_expressions)  # type: ignore[no-any-return]
    names = [path[0] for path in projection_expressions]
    kept = {name: self.attrs[name].to_regular_json() for name in dict.fromkeys(names) if name in self.attrs}
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=kept)


def _patches() -> list[tuple[str, Any, str, Any]]:
    """(key in ORIGINAL, owner, attribute, replacement) of every patch."""
    return [
        ("put_item", Table, "put_item", _put_item),
        ("delete_item", Table, "delete_item", _delete_item),
        ("query", Table, "query", _query),
        ("all_items", Table, "all_items", _all_items),
        ("sorted_items", Table, "sorted_items", _sorted_items),
        ("item_init", Item, "__init__", _item_init),
        ("item_project", Item, "project", _project),
        ("update_item", DynamoDBBackend, "update_item", _update_item),
        ("transact_write_items", DynamoDBBackend, "transact_write_items", moto_transactions.transact_write_items),
        ("call_action", DynamoHandler, "call_action", _call_action),
        ("serialized", DynamoHandler, "serialized", _serialized),
        ("evaluation_entrypoint", ExecutionWorker, "_get_evaluation_entrypoint", _evaluation_entrypoint),
        ("table_copy", table_module, "copy", _QueryCopy),
        ("list_of_moto_modules", moto_backends, "list_of_moto_modules", _moto_modules),
        ("method_names_from_class", core_responses, "method_names_from_class", _method_names),
        ("get_filter_expression", comparisons, "get_filter_expression", comparisons.get_filter_expression),
        ("update_expression_make", UpdateExpressionParser, "make", staticmethod(update_expression_tree)),
        *[
            (f"filter_expression_{m.__name__}", m, "get_filter_expression", filter_expression)
            for m in (models_module, table_module, moto_transactions)
        ],
    ]


_APPLIED: list[tuple[Any, str, Any]] = []


def apply() -> None:
    """Patch moto in this process (idempotent)."""
    if _APPLIED:
        return
    for key, owner, attribute, replacement in _patches():
        ORIGINAL[key] = getattr(owner, attribute)
        _APPLIED.append((owner, attribute, ORIGINAL[key]))
        setattr(owner, attribute, replacement)


def revert() -> bool:
    """Undo `apply` (to time moto's own code beside the patched one); True if it was applied."""
    was_applied = bool(_APPLIED)
    while _APPLIED:
        owner, attribute, original = _APPLIED.pop()
        setattr(owner, attribute, original)
    return was_applied
