"""Builds the services from their adapters, once per cold start; routes ask `container()` for them."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.adapters import dynamo
from chalicelib.adapters.clients import lazy_client
from chalicelib.adapters.cognito import CognitoDirectory
from chalicelib.adapters.messaging import Mailer, OutboxQueue, Sms
from chalicelib.adapters.stepfunctions import Timers
from chalicelib.audit.store import AuditStore
from chalicelib.config import Settings, settings
from chalicelib.customers.service import CustomerService
from chalicelib.customers.store import CustomerStore
from chalicelib.identity.service import IdentityService
from chalicelib.identity.sessions import Sessions
from chalicelib.identity.store import UserStore
from chalicelib.identity.verifier import CognitoTokenVerifier
from chalicelib.notifications.service import NotificationService, Worker
from chalicelib.notifications.store import OutboxStore
from chalicelib.requests.flows import RequestFlows, RequestTimeline
from chalicelib.requests.lists import RequestLists
from chalicelib.requests.service import RequestService
from chalicelib.requests.store import RequestStore
from chalicelib.shared.clock import Clock, SystemClock
from chalicelib.shared.edge import EDGE
from chalicelib.sla.service import SlaService
from chalicelib.sla.store import SlaStore
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
    customers: CustomerService
    sla: SlaService
    notifications: NotificationService
    requests: RequestService
    request_lists: RequestLists
    worker: Worker


_container: Container | None = None


def build(config: Settings | None = None, clock: Clock | None = None) -> Container:
    """Wire adapters into services and point the edge at them."""
    config = config or settings()
    clock = clock or SystemClock()
    dynamo.bind(table_name=config.table_name, region=config.region, host=config.endpoint_url)
    hosts = TenantHosts(config.base_domain, (t.code for t in TENANTS))
    cognito = lazy_client("cognito-idp", region_name=config.region, endpoint_url=config.endpoint_url)
    verifier = CognitoTokenVerifier(jwks_url=config.jwks_url, issuer=config.issuer, client_id=config.user_pool_client_id, jwks=config.jwks)
    units = UnitStore()
    audit = AuditStore()
    tenancy = TenancyService(units=units, hosts=hosts, clock=clock)
    users = UserStore()
    sessions = Sessions(users=users, clock=clock)
    identity = IdentityService(
        directory=CognitoDirectory(cognito, pool_id=config.user_pool_id, client_id=config.user_pool_client_id),
        users=users,
        verifier=verifier,
        clock=clock,
        audit=audit,
        sessions=sessions,
    )
    EDGE.authenticator = verifier
    EDGE.tenants = hosts
    EDGE.sessions = sessions
    EDGE.max_body_bytes = config.max_body_bytes
    EDGE.secure_cookies = config.secure_cookies
    request_store = RequestStore()
    customers = CustomerService(store=CustomerStore(), audit=audit, clock=clock, timeline=RequestTimeline(request_store))
    sla = SlaService(store=SlaStore(), clock=clock)
    aws = {"region_name": config.region, "endpoint_url": config.endpoint_url}
    notifications = NotificationService(
        store=OutboxStore(),
        queue=OutboxQueue(lazy_client("sqs", **aws), url=config.outbox_queue_url),
        mailer=Mailer(lazy_client("ses", **aws), sender=config.mail_sender, configuration_set=config.mail_configuration_set),
        sms=Sms(lazy_client("sns", **aws)),
        clock=clock,
    )
    timers = Timers(
        lazy_client("stepfunctions", **aws), deadline_arn=config.deadline_state_machine_arn,
        approval_arn=config.approval_state_machine_arn
    )
    codes = {t.code for t in TENANTS}
    requests = RequestService(
        store=request_store, customers=customers, deadlines=sla, tenants=codes, notifications=notifications, timers=timers,
        clock=clock,
        public_url=lambda tenant: config.public_url_template.format(tenant=tenant),
        staff=lambda tenant, login: bool((user := users.get(tenant=tenant, login=login)) and user.enabled),
    )
    flows = RequestFlows(
        store=request_store, users=users, notifications=notifications, timers=timers, clock=clock,
        console_url=lambda tenant: config.public_url_template.format(tenant=tenant),
    )
    worker = Worker({
        "notice": notifications.deliver,
        "deadline_reminder": flows.on_deadline_reminder,
        "deadline_breached": flows.on_deadline_breached,
        "approval_pending": flows.on_approval_pending,
        "approval_overdue": flows.on_approval_overdue,
    })
    lists = RequestLists(store=request_store, clock=clock, tenants=codes)
    return Container(
        config, clock, hosts, tenancy, identity, audit, customers=customers, sla=sla, notifications=notifications,
        requests=requests, request_lists=lists, worker=worker,
    )


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
