"""The one table of who may do what; the API routes and the console pages both read it."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Staff roles (DOMAIN.md "Who uses it")."""

    AGENT = "agent"  # giao dịch viên (GDV), known to the public only by agent code — Annex 1 III.2
    FOCAL_OFFICER = "focal_officer"  # cán bộ đầu mối CSKH
    CCC_OFFICER = "ccc_officer"  # cán bộ Trung tâm CSKH
    LEADER = "leader"  # lãnh đạo phụ trách: approves answers, plans and reports
    SPECIALIST = "specialist"  # chuyên viên đơn vị nghiệp vụ
    SUPERVISOR = "supervisor"  # giám sát viên
    TENANT_ADMIN = "tenant_admin"  # quản trị đơn vị
    CENTRAL_ADMIN = "central_admin"  # quản trị trung ương


class Permission(StrEnum):
    """Things a user may do; each route and each page names one."""

    CONSOLE = "console"
    REQUESTS_READ = "requests.read"
    REQUESTS_INTAKE = "requests.intake"
    REQUESTS_HANDLE = "requests.handle"
    REQUESTS_APPROVE = "requests.approve"
    ESCALATIONS_ANSWER = "escalations.answer"
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_WRITE = "customers.write"
    CUSTOMERS_EXPORT = "customers.export"  # a customer's copy of their data (Decree 13/2023 Art. 9.7)
    CUSTOMERS_ERASE = "customers.erase"  # erasure on the customer's request (Art. 9.5, 16)
    KNOWLEDGE_READ = "knowledge.read"
    KNOWLEDGE_EXPORT = "knowledge.export"  # the whole bank as XLSX/CSV (a background job)
    KNOWLEDGE_IMPORT = "knowledge.import"  # a file of entries into the bank: it can publish, so the leader's (Art. 6.2)
    JOBS_READ_ALL = "jobs.read_all"  # every background job of the tenant, not only one's own
    KNOWLEDGE_WRITE = "knowledge.write"  # write entries and submit them for publication
    KNOWLEDGE_PUBLISH = "knowledge.publish"  # publish, return, retire, correct a published entry
    SURVEYS_READ = "surveys.read"  # see plans, rounds, tallies: the owners and the leader who approves
    SURVEYS_MANAGE = "surveys.manage"
    CONFERENCES_MANAGE = "conferences.manage"
    SUPERVISION_MANAGE = "supervision.manage"
    REPORTS_READ = "reports.read"
    POLICY_WRITE = "reports.policy_write"  # write the policy-implementation reports (Art. 14 step 4), submit them
    REPORTS_RECONCILE = "reports.reconcile"  # recount the statistics' counters of a month (a background job)
    PLANS_APPROVE = "plans.approve"
    UNITS_READ = "units.read"
    UNITS_MANAGE = "units.manage"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    SLA_MANAGE = "sla.manage"
    RETENTION_MANAGE = "retention.manage"  # the office's retention periods and the retention job
    CENTRAL_VIEW = "central.view"
    CENTRAL_CALENDAR = "central.calendar"
    CENTRAL_RETENTION = "central.retention"  # the national bounds of retention periods


P = Permission
_EVERY_STAFF = {P.CONSOLE, P.UNITS_READ, P.KNOWLEDGE_READ}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset(
        _EVERY_STAFF | {P.REQUESTS_READ, P.REQUESTS_INTAKE, P.REQUESTS_HANDLE, P.CUSTOMERS_READ, P.CUSTOMERS_WRITE}
    ),
    Role.FOCAL_OFFICER: frozenset(
        _EVERY_STAFF
        | {P.REQUESTS_READ, P.REQUESTS_INTAKE, P.REQUESTS_HANDLE, P.CUSTOMERS_READ, P.CUSTOMERS_WRITE}
        | {P.KNOWLEDGE_WRITE, P.KNOWLEDGE_EXPORT, P.SURVEYS_MANAGE, P.SURVEYS_READ, P.CONFERENCES_MANAGE, P.REPORTS_READ}
        | {P.POLICY_WRITE}
    ),
    Role.CCC_OFFICER: frozenset(
        _EVERY_STAFF
        | {P.REQUESTS_READ, P.REQUESTS_INTAKE, P.REQUESTS_HANDLE, P.CUSTOMERS_READ, P.CUSTOMERS_WRITE}
        | {P.KNOWLEDGE_WRITE, P.KNOWLEDGE_EXPORT, P.SURVEYS_MANAGE, P.SURVEYS_READ, P.CONFERENCES_MANAGE, P.REPORTS_READ}
        | {P.CENTRAL_VIEW, P.POLICY_WRITE}
    ),
    # The leader signs what the office sends out (Art. 6.2), so the leader hands a customer their data and decides
    # an erasure; agents and officers, who read customers all day, do neither.
    Role.LEADER: frozenset(
        _EVERY_STAFF
        | {P.REQUESTS_READ, P.REQUESTS_APPROVE, P.CUSTOMERS_READ, P.REPORTS_READ, P.PLANS_APPROVE, P.KNOWLEDGE_PUBLISH}
        | {P.CENTRAL_VIEW, P.AUDIT_READ, P.CUSTOMERS_EXPORT, P.CUSTOMERS_ERASE, P.KNOWLEDGE_EXPORT, P.KNOWLEDGE_IMPORT}
        | {P.SURVEYS_READ}
    ),
    Role.SPECIALIST: frozenset(_EVERY_STAFF | {P.REQUESTS_READ, P.ESCALATIONS_ANSWER}),
    Role.SUPERVISOR: frozenset(
        _EVERY_STAFF | {P.REQUESTS_READ, P.SUPERVISION_MANAGE, P.REPORTS_READ, P.AUDIT_READ, P.CENTRAL_VIEW}
    ),
    Role.TENANT_ADMIN: frozenset(
        _EVERY_STAFF
        | {P.USERS_MANAGE, P.UNITS_MANAGE, P.AUDIT_READ, P.SLA_MANAGE, P.RETENTION_MANAGE, P.JOBS_READ_ALL}
        | {P.REPORTS_RECONCILE}
    ),
    Role.CENTRAL_ADMIN: frozenset(
        _EVERY_STAFF
        | {P.USERS_MANAGE, P.UNITS_MANAGE, P.AUDIT_READ, P.SLA_MANAGE, P.RETENTION_MANAGE, P.JOBS_READ_ALL}
        | {P.CENTRAL_VIEW, P.CENTRAL_CALENDAR, P.CENTRAL_RETENTION, P.REPORTS_RECONCILE}
    ),
}

# Permissions that only make sense at the Customer Care Centre: the cross-tenant view and national settings.
CENTRAL_ONLY: frozenset[Permission] = frozenset({P.CENTRAL_VIEW, P.CENTRAL_CALENDAR, P.CENTRAL_RETENTION})
CENTRAL_TENANT = "ccc"
# Roles that exist only at the CCC.
CENTRAL_ROLES: frozenset[Role] = frozenset({Role.CCC_OFFICER, Role.CENTRAL_ADMIN})

ROLE_LABELS: dict[Role, str] = {
    Role.AGENT: "Giao dịch viên",
    Role.FOCAL_OFFICER: "Cán bộ đầu mối CSKH",
    Role.CCC_OFFICER: "Cán bộ Trung tâm CSKH",
    Role.LEADER: "Lãnh đạo phụ trách",
    Role.SPECIALIST: "Chuyên viên nghiệp vụ",
    Role.SUPERVISOR: "Giám sát viên",
    Role.TENANT_ADMIN: "Quản trị đơn vị",
    Role.CENTRAL_ADMIN: "Quản trị trung ương",
}


def permissions_of(roles: frozenset[str], tenant: str) -> frozenset[Permission]:
    """Everything the given roles allow in the given tenant."""
    granted: set[Permission] = set()
    for name in roles:
        if name in Role.__members__.values():
            granted |= ROLE_PERMISSIONS[Role(name)]
    if tenant != CENTRAL_TENANT:
        granted -= CENTRAL_ONLY
    return frozenset(granted)


def allows(roles: frozenset[str], tenant: str, permission: Permission) -> bool:
    """Whether the roles allow the permission in the tenant."""
    return permission in permissions_of(roles, tenant)


def roles_for_tenant(tenant: str) -> tuple[Role, ...]:
    """The roles an administrator of this tenant can assign."""
    return tuple(r for r in Role if tenant == CENTRAL_TENANT or r not in CENTRAL_ROLES)
