"""The tenant comes from the host's subdomain (API.md "Addressing and identity")."""

from __future__ import annotations

import pytest

from chalicelib.tenancy.domain import TenantHosts

HOSTS = TenantHosts("cskh.baohiemxahoi.gov.vn", ["ccc", "hanoi", "hcm"])


@pytest.mark.parametrize(
    "host,tenant",
    [
        ("hanoi.cskh.baohiemxahoi.gov.vn", "hanoi"),
        ("HANOI.cskh.baohiemxahoi.gov.vn", "hanoi"),
        ("ccc.cskh.baohiemxahoi.gov.vn:443", "ccc"),
        ("danang.cskh.baohiemxahoi.gov.vn", None),
        ("x.hanoi.cskh.baohiemxahoi.gov.vn", None),
        ("hanoi.evil.example", None),
        ("hanoicskh.baohiemxahoi.gov.vn", None),
        ("cskh.baohiemxahoi.gov.vn", None),
        ("", None),
    ],
)
def test_tenant_for_host(host, tenant):
    assert HOSTS.tenant_for_host(host) == tenant


def test_local_hosts_with_ports():
    local = TenantHosts("localhost", ["hanoi"])
    assert local.tenant_for_host("hanoi.localhost:8000") == "hanoi"
    assert local.is_apex("localhost:8000") and not local.is_apex("hanoi.localhost:8000")
    assert local.host_of("hanoi", 8000) == "hanoi.localhost:8000"
