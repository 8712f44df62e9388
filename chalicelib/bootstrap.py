"""Builds the services from their adapters, once per cold start; routes ask `container()` for them."""

from __future__ import annotations

from dataclasses import dataclass

import boto3

from chalicelib.adapters import dynamo
from chalicelib.adapters.cognito import CognitoDirectory
from chalicelib.audit.store import AuditStore
from chalicelib.config import Settings, settings
from chalicelib.identity.service import IdentityService
from chalicelib.identity.store import UserStore
from chalicelib.identity.verifier import CognitoTokenVerifier
from chalicelib.shared.clock import Clock, SystemClock
from chalicelib.shared.http import EDGE
from chalicelib.tenancy.catalog import TENANTS
from chalicelib.tenancy.domain import TenantHosts
from chalicelib.tenancy.service import TenancyService
from chalicelib.tenancy.store import UnitStore


@dataclass
class Container:
    """Every service the routes use."""

    settings: Settings
    clock: Clock
    hosts: TenantHosts
    tenancy: TenancyService
    identity: IdentityService
    audit: AuditStore


_container: Container | None = None


def build(config: Settings | None = None, clock: Clock | None = None) -> Container:
    """Wire adapters into services and point the edge at them."""
    config = config or settings()
    clock = clock or SystemClock()
    dynamo.bind(table_name=config.table_name, region=config.region, host=config.endpoint_url)
    hosts = TenantHosts(config.base_domain, (t.code for t in TENANTS))
    cognito = boto3.client("cognito-idp", region_name=config.region, endpoint_url=config.endpoint_url)
    verifier = CognitoTokenVerifier(jwks_url=config.jwks_url, issuer=config.issuer, client_id=config.user_pool_client_id)
    units = UnitStore()
    audit = AuditStore()
    tenancy = TenancyService(units=units, hosts=hosts, clock=clock)
    identity = IdentityService(
        directory=CognitoDirectory(cognito, pool_id=config.user_pool_id, client_id=config.user_pool_client_id),
        users=UserStore(),
        verifier=verifier,
        clock=clock,
        audit=audit,
    )
    EDGE.authenticator = verifier
    EDGE.tenants = hosts
    EDGE.max_body_bytes = config.max_body_bytes
    EDGE.secure_cookies = config.secure_cookies
    return Container(config, clock, hosts, tenancy, identity, audit)


def container() -> Container:
    """The process's container, built on first use."""
    global _container
    if _container is None:
        _container = build()
    return _container


def reset() -> None:
    """Forget the container (tests that change the environment)."""
    global _container
    _container = None
