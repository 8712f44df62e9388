"""Counter items with dynamic attribute names (survey result cells, request statistics): ADD actions that keep an
update under DynamoDB's 4 KB expression limit.

Each counter is a top-level attribute named by its meaning (`o:q1:5`, `received|channel=hotline`), written with a
list path so dots and pipes in a name are never split, and equal values share one placeholder — an update of 400
counters, nearly all `1`, stays short. PynamoDB ignores undeclared attributes, so such items are read with the
low-level connection (each store parses its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pynamodb.expressions.operand import Path, Value
from pynamodb.expressions.update import Action


class SharedValue(Value):
    """A value whose placeholder is shared with an equal one."""

    def _serialize_value(self, value: Any, placeholder_names: dict[str, str], expression_attribute_values: dict[str, Any]) -> str:
        for placeholder, existing in expression_attribute_values.items():
            if existing == value:
                return placeholder
        return str(super()._serialize_value(value, placeholder_names, expression_attribute_values))


def number(value: Decimal | int) -> str:
    """A number as DynamoDB reads it: plain digits, no exponent (`0E-9` is refused), no trailing zeros."""
    return format(Decimal(value).normalize(), "f")


def adds(values: Mapping[str, Decimal | int]) -> list[Action]:
    """ADD each counter, by name."""
    return [Path([name]).add(SharedValue({"N": number(v)})) for name, v in values.items()]
