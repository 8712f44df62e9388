"""Per-tenant DynamoDB credentials in AWS: the AWS SaaS Factory's token vending machine, kept per Lambda instance.

A call granted to tenants (adapters/tenant_scope.py) is signed with credentials of the tenant-access role assumed
with a session policy that allows only keys `T#{tenant}#*` of those tenants (`dynamodb:LeadingKeys`), plus reads
of the partitions every tenant shares (the national calendar); the CCC's national view reads through the read-only
national role. The effective permission is the role's policy (the table and its indexes, infra/stacks/tenancy.py)
intersected with the session policy, so a bug that builds another tenant's key is denied by IAM as well.

Credentials are botocore's RefreshableCredentials, cached per grant for the life of the instance: the first call
of a tenant assumes the role (one STS call), later calls reuse it until botocore refreshes it shortly before it
expires (15 minutes ahead; a chained role session lasts one hour). Nothing is fetched at import or cold start
(botocore.credentials is already loaded by PynamoDB's import of botocore.session).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from botocore.credentials import CredentialProvider, CredentialResolver, DeferredRefreshableCredentials

from chalicelib.adapters.tenant_scope import Grant

SESSION_SECONDS = 3600  # the most a role chained from the Lambda's role may last
TENANT_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
)
READ_ACTIONS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")
#: What every tenant may do on a partition shared for writing (the contact log): read it and put or update it.
SHARED_WRITE_ACTIONS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")

_signing: ContextVar[Any] = ContextVar("dynamodb_signing", default=None)


@dataclass(frozen=True)
class TenantRoles:
    """The roles the Lambda may assume for the table (TENANT_ACCESS_ROLE_ARN, NATIONAL_READ_ROLE_ARN)."""

    tenant_access: str
    national_read: str


def session_policy(tenants: Iterable[str], shared_reads: Iterable[str], shared_writes: Iterable[str] = ()) -> str:
    """The session policy of a tenant grant: its tenants' keys, reads of the shared partitions, and reads and writes
    of the partitions shared for writing (by prefix).

    No Scan and no BatchWriteItem: a request without keys would pass `ForAllValues` (an empty set matches).
    Resource `*` is narrowed by the role's own policy, which names the table and its indexes.
    """
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Action": list(TENANT_ACTIONS),
            "Resource": "*",
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"T#{t}#*" for t in sorted(tenants)]}},
        }
    ]
    shared = sorted(shared_reads)
    if shared:
        statements.append(
            {
                "Effect": "Allow",
                "Action": list(READ_ACTIONS),
                "Resource": "*",
                "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": shared}},
            }
        )
    prefixes = sorted(shared_writes)
    if prefixes:
        statements.append(
            {
                "Effect": "Allow",
                "Action": list(SHARED_WRITE_ACTIONS),
                "Resource": "*",
                "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{p}*" for p in prefixes]}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


class TenantCredentials:
    """Assumes the roles for grants and hands the DynamoDB client the credentials of the call in progress."""

    def __init__(
        self,
        *,
        roles: TenantRoles,
        sts: Any,
        shared_reads: Callable[[], Iterable[str]],
        shared_writes: Callable[[], Iterable[str]] = lambda: (),
    ) -> None:
        self._roles = roles
        self._sts = sts
        self._shared_reads = shared_reads
        self._shared_writes = shared_writes
        self._cache: dict[Grant, Any] = {}
        self._lock = threading.Lock()

    def for_grant(self, grant: Grant) -> Any:
        """The (refreshable, cached) credentials of a grant; None for the process's own."""
        if grant.process:
            return None
        with self._lock:
            found = self._cache.get(grant)
            if found is None:
                found = _Session(DeferredRefreshableCredentials(lambda: self._assume(grant), method="sts-assume-role"))
                self._cache[grant] = found
        return found

    @contextmanager
    def signing(self, grant: Grant) -> Iterator[None]:
        """Sign the DynamoDB requests made inside with the grant's credentials."""
        token = _signing.set(self.for_grant(grant))
        try:
            yield
        finally:
            _signing.reset(token)

    def install(self, session: Any) -> None:
        """Make `session`'s clients sign with the call's credentials (the process's own outside a grant)."""
        per_call = _PerCallCredentials(session.get_component("credential_provider"))
        session.register_component("credential_provider", CredentialResolver(providers=[_PerCallProvider(per_call)]))

    def _assume(self, grant: Grant) -> dict[str, str]:
        if grant.national:
            response = self._sts.assume_role(
                RoleArn=self._roles.national_read, RoleSessionName="national-read", DurationSeconds=SESSION_SECONDS
            )
        else:
            response = self._sts.assume_role(
                RoleArn=self._roles.tenant_access,
                RoleSessionName="tenant-" + "+".join(sorted(grant.tenants)),
                Policy=session_policy(grant.tenants, self._shared_reads(), self._shared_writes()),
                DurationSeconds=SESSION_SECONDS,
            )
        issued = response["Credentials"]
        return {
            "access_key": issued["AccessKeyId"],
            "secret_key": issued["SecretAccessKey"],
            "token": issued["SessionToken"],
            "expiry_time": issued["Expiration"].isoformat(),
        }


class _Session:
    """One grant's assumed-role session: botocore's refreshable credentials, looked at again at most once a minute.

    botocore's own check reads the local time zone on every signed request (~7 µs); a minute's delay is well
    inside its 15-minute refresh window, and close to that window every call checks again.
    """

    RECHECK_SECONDS = 60.0
    _NEAR_EXPIRY = 15 * 60 + RECHECK_SECONDS

    def __init__(self, refreshable: Any) -> None:
        self._refreshable = refreshable
        self._frozen: Any = None
        self._recheck_at = 0.0

    def get_frozen_credentials(self) -> Any:
        """The session's credentials (assumed on first use, refreshed by botocore before they expire)."""
        now = time.monotonic()
        if now >= self._recheck_at:
            self._frozen = self._refreshable.get_frozen_credentials()
            far = not self._refreshable.refresh_needed(self._NEAR_EXPIRY)
            self._recheck_at = now + self.RECHECK_SECONDS if far else now
        return self._frozen


class _PerCallCredentials:
    """What the DynamoDB client signs with: the grant's credentials during a call, else the process's own.

    botocore's signer asks `get_frozen_credentials()` for every request it signs (retries included), so one client
    and one connection pool serve every tenant.
    """

    method = "tenant-scope"
    account_id = None  # the regional endpoint, whoever signs

    def __init__(self, process_resolver: Any) -> None:
        self._resolver = process_resolver
        self._process: Any = None
        self._lock = threading.Lock()

    def _own(self) -> Any:
        with self._lock:
            if self._process is None:
                self._process = self._resolver.load_credentials()
            return self._process

    def get_frozen_credentials(self) -> Any:
        """The credentials to sign the request in progress with."""
        current = _signing.get()
        source = current if current is not None else self._own()
        return source.get_frozen_credentials() if source is not None else None

    def get_deferred_property(self, name: str) -> Callable[[], Any]:
        """As botocore's Credentials (the endpoint rules ask for `account_id`)."""
        return lambda: getattr(self, name, None)


class _PerCallProvider(CredentialProvider):  # type: ignore[misc]
    """The one credential provider of the DynamoDB client's session: the per-call credentials."""

    METHOD = "tenant-scope"

    def __init__(self, credentials: _PerCallCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> _PerCallCredentials:
        """What the client signs with."""
        return self._credentials
