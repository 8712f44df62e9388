"""Which tenant a host belongs to, and the rules for units (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.shared.errors import RuleViolationError

from .catalog import UNIT_KINDS

UNIT_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class TenantHosts:
    """Maps `{tenant}.{base_domain}[:port]` to the tenant code (API.md "Addressing and identity")."""

    def __init__(self, base_domain: str, codes: Iterable[str]) -> None:
        self._base = base_domain.lower().strip(".")
        self._codes = frozenset(codes)

    @staticmethod
    def _hostname(host: str) -> str:
        return host.strip().lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.strip().lower()

    def tenant_for_host(self, host: str) -> str | None:
        """The tenant code of the host, or None when the host is no tenant's."""
        name = self._hostname(host)
        suffix = "." + self._base
        if not name.endswith(suffix):
            return None
        code = name[: -len(suffix)]
        return code if code in self._codes else None

    def is_apex(self, host: str) -> bool:
        """Whether the host is the bare base domain (the directory of offices)."""
        return self._hostname(host) == self._base

    def host_of(self, code: str, port: int | None = None) -> str:
        """The host a tenant is served on."""
        return f"{code}.{self._base}" + (f":{port}" if port else "")


@dataclass(frozen=True)
class Unit:
    """A unit of a tenant: department, care desk, specialist board, or district/grassroots office."""

    id: str
    name: str
    kind: str
    active: bool = True
    version: int = 0


def check_new_unit(code: str, name: str, kind: str, existing: Iterable[str]) -> None:
    """A unit code is a slug unique in the tenant; the kind is one of the four."""
    if not UNIT_CODE.match(code):
        raise RuleViolationError("Mã đơn vị chỉ gồm chữ thường không dấu, số và dấu gạch ngang.", fields={"code": "format"})
    if code in set(existing):
        raise RuleViolationError("Mã đơn vị đã tồn tại.", code="duplicate_unit", fields={"code": "duplicate"})
    if kind not in UNIT_KINDS:
        raise RuleViolationError("Loại đơn vị không hợp lệ.", fields={"kind": "unknown"})
    if not name.strip():
        raise RuleViolationError("Tên đơn vị không được để trống.", fields={"name": "empty"})
