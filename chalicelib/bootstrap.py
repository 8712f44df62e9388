"""The composition root: builds the services from their adapters, once per cold start; one function per capability.

`build()` returns a new container and writes no global but PynamoDB's table binding (the same for the same
settings), so building twice — tests, benchmarks — never leaves anything half-rewired. It builds what the hotline's
requests need at once and the other capabilities (knowledge; then jobs, reports, approvals, surveys, policy) on
their first use, importing their modules only then. The entry layer (`chalicelib/entrypoints/`) asks `container()`
for the process's one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from chalicelib.adapters import dynamo
from chalicelib.adapters.clients import lazy_client
from chalicelib.adapters.cognito import CognitoDirectory
from chalicelib.adapters.job_state import JobState
from chalicelib.adapters.messaging import Mailer, OutboxQueue, Sms
from chalicelib.adapters.stepfunctions import Timers
from chalicelib.adapters.tenant_credentials import TenantCredentials, TenantRoles
from chalicelib.adapters.tenant_scope import shared_reads, shared_writes
from chalicelib.audit.store import AuditStore
from chalicelib.config import Settings, settings
from chalicelib.customers.privacy_service import PrivacyService
from chalicelib.customers.privacy_store import RetentionStore
from chalicelib.customers.service import CustomerService
from chalicelib.customers.store import CustomerStore
from chalicelib.identity.service import IdentityService
from chalicelib.identity.sessions import Sessions
from chalicelib.identity.staff import StaffDirectory
from chalicelib.identity.store import UserStore
from chalicelib.identity.verifier import CognitoTokenVerifier
from chalicelib.limits.domain import Limit
from chalicelib.limits.service import RateLimiter, SignInThrottle
from chalicelib.limits.store import RateCounters, SignInAttempts
from chalicelib.links.service import LinkGuard, LinkService
from chalicelib.links.store import DynamoLinkStore
from chalicelib.notifications.service import NotificationService
from chalicelib.notifications.store import OutboxStore
from chalicelib.reports.recording import CounterRecorder
from chalicelib.reports.store import DynamoCounterStore
from chalicelib.reports.survey_counts import SurveyRatings
from chalicelib.requests import service as request_service
from chalicelib.requests.lists import RequestLists
from chalicelib.requests.privacy import CustomerRequestRecords
from chalicelib.requests.read_models import CustomerRequests
from chalicelib.requests.reconcile import TimerReconciler
from chalicelib.requests.service import RequestService
from chalicelib.requests.store import DynamoRequestStore, timer_key
from chalicelib.requests.timer_handlers import TimerHandlers
from chalicelib.shared import tracing
from chalicelib.shared.clock import Clock, SystemClock
from chalicelib.shared.edge import Edge
from chalicelib.shared.observability import logger
from chalicelib.sla.service import SlaService
from chalicelib.sla.store import SlaStore
from chalicelib.tenancy.catalog import TENANTS
from chalicelib.tenancy.domain import TenantHosts
from chalicelib.tenancy.service import TenancyService
from chalicelib.tenancy.store import UnitStore

if TYPE_CHECKING:  # built on first use (below): a hotline request imports none of these capabilities
    from chalicelib.approvals.service import ApprovalInbox
    from chalicelib.approvals.store import PendingApprovals
    from chalicelib.jobs.service import JobService
    from chalicelib.knowledge.bank_files import BankFiles
    from chalicelib.knowledge.indexing import IndexBuilder
    from chalicelib.knowledge.reviews import ReviewReminders
    from chalicelib.knowledge.service import KnowledgeService
    from chalicelib.links.sending import DeliveryService
    from chalicelib.notifications.service import Worker
    from chalicelib.policy.jobs import PolicyReportJobs
    from chalicelib.policy.service import PolicyReports
    from chalicelib.reports.exports import ReportExports
    from chalicelib.reports.service import ReportService
    from chalicelib.requests.ports import Citations
    from chalicelib.surveys.analysis import SurveyAnalysis
    from chalicelib.surveys.contacts import ContactLog
    from chalicelib.surveys.frame_service import FrameService
    from chalicelib.surveys.invitations import SurveyInvitations
    from chalicelib.surveys.published import PublishedReports
    from chalicelib.surveys.questionnaire_service import QuestionnaireService
    from chalicelib.surveys.report_exports import SurveyReportJobs
    from chalicelib.surveys.report_service import SurveyReports
    from chalicelib.surveys.respond import RespondentService
    from chalicelib.surveys.service import SurveyService


@dataclass
class Container:
    """Every service the entry layer uses.

    What the API's hotline requests need (sign-in, tenancy, customers, requests, SLA, notifications) is built with
    the container; knowledge, and then jobs, reports, approvals, surveys and policy, are built — and their modules
    imported — on first use, so a cold start that answers `GET /api/requests` pays for none of them.
    """

    settings: Settings
    clock: Clock
    edge: Edge
    tenancy: TenancyService
    identity: IdentityService
    audit: AuditStore
    customers: CustomerService
    sla: SlaService
    notifications: NotificationService
    requests: RequestService
    request_lists: RequestLists
    privacy: PrivacyService
    reconciler: TimerReconciler
    links: LinkService
    link_guard: LinkGuard
    build_knowledge: Callable[[], _Knowledge] = field(repr=False)
    build_rest: Callable[[_Knowledge], _Rest] = field(repr=False)

    @cached_property
    def _knowledge(self) -> _Knowledge:
        return self.build_knowledge()

    @cached_property
    def _rest(self) -> _Rest:
        return self.build_rest(self._knowledge)

    @property
    def knowledge(self) -> KnowledgeService:
        return self._knowledge.service

    @property
    def knowledge_index(self) -> IndexBuilder:
        return self._knowledge.builder

    @property
    def knowledge_reviews(self) -> ReviewReminders:
        return self._knowledge.reviews

    @property
    def worker(self) -> Worker:
        return self._rest.worker

    @property
    def jobs(self) -> JobService:
        return self._rest.jobs

    @property
    def approvals(self) -> ApprovalInbox:
        return self._rest.approvals

    @property
    def inbox(self) -> PendingApprovals:
        """The inbox's items, for the subjects' stores to write in their own transactions."""
        return self._rest.inbox

    @property
    def questionnaires(self) -> QuestionnaireService:
        return self._rest.questionnaires

    @property
    def survey_frames(self) -> FrameService:
        return self._rest.survey_frames

    @property
    def survey_contacts(self) -> ContactLog | None:
        """None until the deployment sets SURVEY_CONTACT_PEPPER."""
        return self._rest.survey_contacts

    @property
    def deliveries(self) -> DeliveryService:
        return self._rest.deliveries

    @property
    def surveys(self) -> SurveyService:
        return self._rest.surveys.service

    @property
    def respondents(self) -> RespondentService:
        return self._rest.surveys.respondents

    @property
    def survey_invitations(self) -> SurveyInvitations:
        return self._rest.surveys.invitations

    @property
    def survey_analysis(self) -> SurveyAnalysis:
        return self._rest.surveys.analysis

    @property
    def survey_reports(self) -> SurveyReports:
        return self._rest.surveys.reports

    @property
    def survey_published(self) -> PublishedReports:
        return self._rest.surveys.published

    @property
    def survey_exports(self) -> SurveyReportJobs:
        """The report's and answers' export jobs, the archived files' links."""
        return self._rest.surveys.exports

    @property
    def reports(self) -> ReportService:
        return self._rest.reports

    @property
    def report_exports(self) -> ReportExports:
        return self._rest.report_exports

    @property
    def policy_reports(self) -> PolicyReports:
        """Art. 14–15: the offices' and the CCC's national policy-implementation reports."""
        return self._rest.policy_reports

    @property
    def policy_jobs(self) -> PolicyReportJobs:
        """Their typical questions, exports and frozen copy."""
        return self._rest.policy_jobs


@dataclass(frozen=True)
class _Rest:
    """What the hotline's requests do not need, built together on first use (jobs carry every capability's kinds)."""

    worker: Worker
    jobs: JobService
    approvals: ApprovalInbox
    inbox: PendingApprovals
    questionnaires: QuestionnaireService
    survey_frames: FrameService
    survey_contacts: ContactLog | None
    deliveries: DeliveryService
    surveys: _Surveys
    reports: ReportService
    report_exports: ReportExports
    policy_reports: PolicyReports
    policy_jobs: PolicyReportJobs


class _Citations:
    """The knowledge bank as a hotline answer cites it, built on the first citation (a list never builds it)."""

    def __init__(self, knowledge: Callable[[], KnowledgeService]) -> None:
        self._knowledge = knowledge

    def require_citable(self, *, tenant: str, entry_id: str, on: date) -> None:
        self._knowledge().require_citable(tenant=tenant, entry_id=entry_id, on=on)

    def cited(self, *, tenant: str, entry_id: str, at: datetime) -> None:
        self._knowledge().cited(tenant=tenant, entry_id=entry_id, at=at)


@dataclass(frozen=True)
class _Base:
    """What every capability is built from: settings, clock, the AWS client options, the audit trail."""

    config: Settings
    clock: Clock
    aws: dict[str, Any]
    audit: AuditStore

    def client(self, service: str) -> Any:
        """A client for `service` on the configured region and endpoint, created on its first call."""
        return lazy_client(service, **self.aws)


@dataclass(frozen=True)
class _Identity:
    service: IdentityService
    users: UserStore
    sessions: Sessions
    verifier: CognitoTokenVerifier


@dataclass(frozen=True)
class _Requests:
    service: RequestService
    lists: RequestLists
    timers: TimerHandlers
    reconciler: TimerReconciler


def _tenancy(base: _Base) -> tuple[TenancyService, TenantHosts]:
    hosts = TenantHosts(base.config.base_domain, (t.code for t in TENANTS))
    return TenancyService(units=UnitStore(journal=base.audit), hosts=hosts, clock=base.clock), hosts


def _identity(base: _Base) -> _Identity:
    config = base.config
    users = UserStore(journal=base.audit)
    sessions = Sessions(users=users, clock=base.clock)
    verifier = CognitoTokenVerifier(
        jwks_url=config.jwks_url, issuer=config.issuer, client_id=config.user_pool_client_id, jwks=config.jwks
    )
    directory = CognitoDirectory(base.client("cognito-idp"), pool_id=config.user_pool_id, client_id=config.user_pool_client_id)
    throttle = SignInThrottle(attempts=SignInAttempts(), policy=config.sign_in, clock=base.clock)
    service = IdentityService(
        directory=directory,
        users=users,
        verifier=verifier,
        clock=base.clock,
        audit=base.audit,
        sessions=sessions,
        throttle=throttle,
    )
    return _Identity(service, users, sessions, verifier)


def _notifications(base: _Base) -> tuple[NotificationService, OutboxStore]:
    config = base.config
    outbox = OutboxStore(clock=base.clock)
    service = NotificationService(
        store=outbox,
        queue=OutboxQueue(base.client("sqs"), url=config.outbox_queue_url),
        mailer=Mailer(base.client("ses"), sender=config.mail_sender, configuration_set=config.mail_configuration_set),
        sms=Sms(base.client("sns")),
        clock=base.clock,
    )
    return service, outbox


def _ask_restart(queue: OutboxQueue, tenant: str, subject_id: str) -> None:
    try:
        queue.send({"type": "timer_restart", "tenant": tenant, "subject_id": subject_id}, delay_seconds=60)
    except Exception:  # noqa: BLE001 - the change is committed; the scheduled reconcile run still finds the timer
        logger.exception("timer restart not queued", extra={"subject_id": subject_id})


def _requests(
    base: _Base,
    *,
    customers: CustomerService,
    sla: SlaService,
    notifications: NotificationService,
    outbox: OutboxStore,
    store: DynamoRequestStore,
    users: UserStore,
    citations: Citations,
    links: LinkService,
) -> _Requests:
    config = base.config
    queue = OutboxQueue(base.client("sqs"), url=config.outbox_queue_url)

    def timers_for(on_refused: Callable[[str, str], None] | None) -> Timers:
        return Timers(
            base.client("stepfunctions"),
            deadline_arn=config.deadline_state_machine_arn,
            approval_arn=config.approval_state_machine_arn,
            item_key=timer_key,
            on_refused=on_refused,
        )

    # A timer refused after a change committed: the worker tries again a minute later (the reconcile job's own
    # restarts go through Timers without this, so a long outage does not fill the queue).
    timers = timers_for(lambda tenant, subject: _ask_restart(queue, tenant, subject))
    staff = StaffDirectory(users=users)
    codes = {t.code for t in TENANTS}
    url = config.public_url_template.format
    service = RequestService(
        store=store,
        customers=customers,
        deadlines=sla,
        tenants=codes,
        outbox=notifications,
        timers=timers,
        staff=staff,
        clock=base.clock,
        public_url=lambda tenant: url(tenant=tenant),
        citations=citations,
        links=links,
    )
    handlers = TimerHandlers(
        store=store,
        staff=staff,
        outbox=notifications,
        timers=timers,
        clock=base.clock,
        console_url=lambda tenant: url(tenant=tenant),
    )
    reconciler = TimerReconciler(
        store=store,
        timers=timers_for(None),
        deadlines=sla,
        cursors=JobState(),
        clock=base.clock,
        approval_minimum=lambda: request_service.APPROVAL_MIN_SECONDS,
    )
    return _Requests(service, RequestLists(store=store, clock=base.clock, tenants=codes), handlers, reconciler)


def _jobs(base: _Base, *, bank: BankFiles) -> JobService:
    """Background jobs, with each capability's kinds registered."""
    from chalicelib.adapters.files import S3Files
    from chalicelib.jobs.service import JobService
    from chalicelib.jobs.store import JobStore
    from chalicelib.knowledge import transfer_jobs
    from chalicelib.knowledge.transfer import EXPORT as KNOWLEDGE_EXPORT
    from chalicelib.knowledge.transfer import IMPORT as KNOWLEDGE_IMPORT

    config = base.config
    files = S3Files(base.client("s3"), bucket=config.files_bucket)
    jobs = JobService(
        store=JobStore(), queue=OutboxQueue(base.client("sqs"), url=config.jobs_queue_url), files=files, clock=base.clock
    )
    transfer = transfer_jobs.KnowledgeTransfer(bank=bank, clock=base.clock)
    jobs.register(KNOWLEDGE_EXPORT, transfer.export_bank, label="Xuất ngân hàng hỏi đáp")
    jobs.register(KNOWLEDGE_IMPORT, transfer.import_bank, label="Nhập ngân hàng hỏi đáp")
    return jobs


def _survey_frames(base: _Base, *, jobs: JobService, requests: DynamoRequestStore, customers: CustomerStore) -> FrameService:
    """Sampling frames: their two job kinds, and the service the routes and pages use."""
    from chalicelib.adapters.files import S3Files
    from chalicelib.requests.domain import Status
    from chalicelib.requests.ports import RequestFilter
    from chalicelib.surveys import frame_jobs
    from chalicelib.surveys.frame_files import FrameFiles
    from chalicelib.surveys.frame_seams import RegistryCustomers
    from chalicelib.surveys.frame_service import FrameService
    from chalicelib.surveys.frame_store import FrameStore
    from chalicelib.surveys.frames import IMPORT as FRAME_IMPORT
    from chalicelib.surveys.frames import REGISTRY_KIND as FRAME_REGISTRY

    store = FrameStore()
    registry = RegistryCustomers(
        by_status=requests.by_status,
        statuses=tuple(Status),
        request_filter=RequestFilter,
        customer=customers.get,
        audit=base.audit.append,
        clock=base.clock,
    )
    files = FrameFiles(S3Files(base.client("s3"), bucket=base.config.files_bucket))
    handlers = frame_jobs.FrameJobs(frames=store, files=files, clock=base.clock, registry=registry)
    jobs.register(FRAME_IMPORT, handlers.import_upload, label="Nhập khung chọn mẫu")
    jobs.register(FRAME_REGISTRY, handlers.from_registry, label="Lập khung chọn mẫu từ danh sách khách hàng")
    return FrameService(store=store, jobs=jobs)


@dataclass(frozen=True)
class _Knowledge:
    service: KnowledgeService
    builder: IndexBuilder
    reviews: ReviewReminders
    files: BankFiles  # the bank as its import and export jobs see it


def _knowledge(
    base: _Base,
    *,
    tenancy: TenancyService,
    store: DynamoRequestStore,
    notifications: NotificationService,
    outbox: OutboxStore,
    users: UserStore,
) -> _Knowledge:
    from pathlib import Path

    from chalicelib.knowledge.bank_files import BankFiles
    from chalicelib.knowledge.index_files import IndexCache, S3Archives
    from chalicelib.knowledge.indexing import IndexBuilder, QueuedRebuilds
    from chalicelib.knowledge.reviews import ReviewReminders
    from chalicelib.knowledge.seams import AnsweredRequests, OfficeUnits, topic_names
    from chalicelib.knowledge.service import KnowledgeService
    from chalicelib.knowledge.store import DynamoEntryStore, DynamoGenerations

    config = base.config
    entries, generations = DynamoEntryStore(), DynamoGenerations()
    archives = S3Archives(base.client("s3"), bucket=config.knowledge_bucket)
    cache = IndexCache(
        generations=generations,
        archives=archives,
        directory=Path(config.knowledge_index_dir),
        check_seconds=config.knowledge_index_check_seconds,
    )
    service = KnowledgeService(
        store=entries,
        counters=entries,
        indexes=cache,
        # builds run on the jobs worker (900 s): a bank of a million texts takes ~2 minutes, past the outbox's 30 s
        rebuilds=QueuedRebuilds(OutboxQueue(base.client("sqs"), url=config.jobs_queue_url)),
        requests=AnsweredRequests(store.get),
        units=OfficeUnits(tenancy.list_units),
        topics=frozenset(topic_names()),
        clock=base.clock,
    )
    builder = IndexBuilder(
        store=entries, generations=generations, archives=archives, tenants=lambda: [t.code for t in TENANTS], clock=base.clock
    )
    reviews = ReviewReminders(
        store=entries,
        staff=lambda tenant: users.list(tenant=tenant),
        entries=outbox,
        outbox=notifications,
        clock=base.clock,
        console_url=lambda tenant: config.public_url_template.format(tenant=tenant),
    )
    files = BankFiles(entries=entries, saver=service, topics=frozenset(topic_names()), clock=base.clock)
    return _Knowledge(service, builder, reviews, files)


def _approvals() -> tuple[ApprovalInbox, PendingApprovals]:
    """The leader's inbox, with the subject kinds it labels (each subject's store writes its entries)."""
    from chalicelib.approvals.kinds import register_kind
    from chalicelib.approvals.service import ApprovalInbox
    from chalicelib.approvals.store import PendingApprovals
    from chalicelib.policy.service import REPORT_KIND as POLICY_REPORT
    from chalicelib.shared.permissions import Permission
    from chalicelib.surveys.report_service import REPORT_KIND as SURVEY_REPORT

    register_kind("survey_plan", "Kế hoạch khảo sát", Permission.PLANS_APPROVE)
    register_kind(SURVEY_REPORT, "Báo cáo kết quả khảo sát", Permission.PLANS_APPROVE)
    register_kind(POLICY_REPORT, "Báo cáo tổ chức thực hiện chính sách", Permission.PLANS_APPROVE)
    inbox = PendingApprovals()
    return ApprovalInbox(store=inbox), inbox


def _deliveries(base: _Base) -> DeliveryService:
    """Deliveries: bulk e-mail and SMS, paced on the jobs queue; SES's events come through their own queue."""
    from chalicelib.adapters.messaging import BulkMailer
    from chalicelib.links.delivery_store import DynamoDeliveryStore
    from chalicelib.links.sending import DeliveryService

    config = base.config
    mailer = BulkMailer(base.client("ses"), sender=config.mail_sender, configuration_set=config.mail_configuration_set)
    return DeliveryService(
        store=DynamoDeliveryStore(),
        mailer=mailer,
        sms=Sms(base.client("sns")),
        queue=OutboxQueue(base.client("sqs"), url=config.jobs_queue_url),
        clock=base.clock,
        rate=config.delivery_rate,
    )


def _contacts(base: _Base) -> ContactLog | None:
    """The national contact log, keyed by the pepper of the environment or, in AWS, of its secret (read on first use)."""
    from chalicelib.surveys.contacts import ContactLog

    config = base.config
    if config.survey_contact_pepper:
        return ContactLog(pepper=config.survey_contact_pepper.encode())
    if config.survey_contact_pepper_secret_arn:
        secrets = base.client("secretsmanager")
        arn = config.survey_contact_pepper_secret_arn
        return ContactLog(pepper=lambda: str(secrets.get_secret_value(SecretId=arn)["SecretString"]).encode())
    return None


@dataclass(frozen=True)
class _Surveys:
    service: SurveyService
    respondents: RespondentService
    invitations: SurveyInvitations
    analysis: SurveyAnalysis
    reports: SurveyReports
    published: PublishedReports
    exports: SurveyReportJobs


class _Offices:
    """An office's public name and hotline, for the respondent's page and the messages."""

    def name(self, tenant: str) -> str:
        from chalicelib.tenancy.catalog import TENANT_BY_CODE

        spec = TENANT_BY_CODE.get(tenant)
        return spec.name if spec else "Bảo hiểm xã hội Việt Nam"

    def hotline(self, tenant: str) -> str:
        from chalicelib.surveys.form import NATIONAL_HOTLINE

        return NATIONAL_HOTLINE  # the catalogue has no office hotlines yet: the national line answers for all


def _surveys(
    base: _Base,
    *,
    inbox: PendingApprovals,
    questionnaires: QuestionnaireService,
    links: LinkService,
    guard: LinkGuard,
    deliveries: DeliveryService,
    contacts: ContactLog | None,
    jobs: JobService,
    ratings: SurveyRatings,
) -> _Surveys:
    """Surveys: plans with the shared approval, rounds drawn from frames, invitations through the links, answers."""
    from chalicelib.adapters.files import S3Files
    from chalicelib.adapters.stepfunctions import SurveyWaves
    from chalicelib.links.service import LinkUsedError
    from chalicelib.shared.permissions import CENTRAL_TENANT
    from chalicelib.surveys.analysis import SurveyAnalysis
    from chalicelib.surveys.frame_files import FrameFiles
    from chalicelib.surveys.frame_store import FrameStore
    from chalicelib.surveys.invitations import PURPOSE as SURVEY_PURPOSE
    from chalicelib.surveys.invitations import SurveyInvitations
    from chalicelib.surveys.published import PublishedReports
    from chalicelib.surveys.reconcile import KIND as RESULTS_JOB
    from chalicelib.surveys.reconcile import LABEL as RESULTS_LABEL
    from chalicelib.surveys.reconcile import ResultsReconciler
    from chalicelib.surveys.report_exports import SurveyReportJobs
    from chalicelib.surveys.report_service import SurveyReports
    from chalicelib.surveys.respond import RespondentService
    from chalicelib.surveys.sampler import FrameSampler
    from chalicelib.surveys.service import SurveyService
    from chalicelib.surveys.store import DynamoSurveyStore
    from chalicelib.surveys.tally_store import DynamoTallyStore

    config = base.config
    store = DynamoSurveyStore(journal=base.audit, approvals=inbox, tally=DynamoTallyStore(), ratings=ratings)
    offices = _Offices()
    invitations = SurveyInvitations(
        links=links,
        deliveries=deliveries,
        contacts=contacts,
        clock=base.clock,
        public_url=lambda tenant: config.public_url_template.format(tenant=tenant),
        office_name=offices.name,
    )
    files = FrameFiles(S3Files(base.client("s3"), bucket=config.files_bucket))
    service = SurveyService(
        store=store,
        questionnaires=questionnaires,
        sampler=FrameSampler(frames=FrameStore(), files=files, contacts=contacts),
        invitations=invitations,
        waves=SurveyWaves(base.client("stepfunctions"), arn=config.survey_waves_state_machine_arn),
        tally=DynamoTallyStore(),
        provinces=frozenset(t.code for t in TENANTS if t.code != CENTRAL_TENANT),
        audit=base.audit,
        clock=base.clock,
        jobs=jobs,
    )
    results = ResultsReconciler(store=store, questionnaires=questionnaires, ratings=ratings)
    jobs.register(RESULTS_JOB, results.run, label=RESULTS_LABEL)
    deliveries.on_delivered(SURVEY_PURPOSE, service.on_delivered)
    deliveries.on_failure(SURVEY_PURPOSE, service.on_delivery_failed)
    respondents = RespondentService(
        store=store,
        links=links,
        guard=guard,
        questionnaires=questionnaires,
        offices=offices,
        clock=base.clock,
        used_error=LinkUsedError,
    )
    analysis = SurveyAnalysis(surveys=service, cells=store, versions=questionnaires)
    reports = SurveyReports(surveys=service, store=store, analysis=analysis, jobs=jobs, clock=base.clock)
    bucket = S3Files(base.client("s3"), bucket=config.files_bucket)
    published = PublishedReports(surveys=service, analysis=analysis, files=bucket)
    exports = SurveyReportJobs(
        surveys=service, analysis=analysis, answers=store, archive=reports, files=bucket, jobs=jobs, clock=base.clock
    )
    exports.register(jobs)
    return _Surveys(service, respondents, invitations, analysis, reports, published, exports)


def _policy(
    base: _Base, *, counters: ReportService, jobs: JobService, inbox: PendingApprovals, requests: DynamoRequestStore
) -> tuple[PolicyReports, PolicyReportJobs]:
    """The policy reports (their store writes the inbox entries) and their jobs."""
    from chalicelib.adapters.files import S3Files
    from chalicelib.knowledge.store import DynamoEntryStore
    from chalicelib.policy.jobs import PolicyReportJobs
    from chalicelib.policy.service import PolicyReports
    from chalicelib.policy.store import DynamoPolicyStore

    offices = {t.code: t.name for t in TENANTS}
    service = PolicyReports(
        store=DynamoPolicyStore(journal=base.audit, approvals=inbox), counters=counters, jobs=jobs, clock=base.clock,
        offices=offices,
    )  # fmt: skip
    files = S3Files(base.client("s3"), bucket=base.config.files_bucket)
    handlers = PolicyReportJobs(reports=service, requests=requests, entries=DynamoEntryStore(), files=files, clock=base.clock)
    handlers.register(jobs)
    return service, handlers


def _table_access(config: Settings, aws: dict[str, Any]) -> TenantCredentials | None:
    """In AWS, the table is reached through per-tenant credentials (SaaS Factory's token vending machine); else None."""
    if not config.tenant_access_role_arn:
        return None
    if not config.national_read_role_arn:
        raise RuntimeError("TENANT_ACCESS_ROLE_ARN is set without NATIONAL_READ_ROLE_ARN")
    roles = TenantRoles(tenant_access=config.tenant_access_role_arn, national_read=config.national_read_role_arn)
    return TenantCredentials(roles=roles, sts=lazy_client("sts", **aws), shared_reads=shared_reads, shared_writes=shared_writes)


def build(config: Settings | None = None, clock: Clock | None = None) -> Container:
    """Wire adapters into services, capability by capability (those the hotline does not need on first use)."""
    config = config or settings()
    if tracing.enabled():  # Lambda's active tracing records each invocation; this adds a subsegment per AWS call
        tracing.trace_botocore()
    aws = {"region_name": config.region, "endpoint_url": config.endpoint_url}
    dynamo.bind(
        table_name=config.table_name, region=config.region, host=config.endpoint_url, credentials=_table_access(config, aws)
    )
    base = _Base(config, clock or SystemClock(), aws, AuditStore())
    tenancy, hosts = _tenancy(base)
    identity = _identity(base)
    notifications, outbox = _notifications(base)
    customer_store = CustomerStore(journal=base.audit)
    sla = SlaService(store=SlaStore(journal=base.audit), clock=base.clock)
    counters = DynamoCounterStore()
    recorder = CounterRecorder(calendars=sla, store=counters, clock=base.clock)
    request_store = DynamoRequestStore(outbox=outbox, journal=base.audit, customers=customer_store, counters=recorder)
    customers = CustomerService(
        store=customer_store, audit=base.audit, clock=base.clock, timeline=CustomerRequests(request_store)
    )
    privacy = PrivacyService(
        customers=customer_store,
        settings=RetentionStore(journal=base.audit),
        records=CustomerRequestRecords(request_store),
        audit=base.audit,
        clock=base.clock,
    )
    links = LinkService(store=DynamoLinkStore(), clock=base.clock)
    requests = _requests(
        base,
        customers=customers,
        sla=sla,
        notifications=notifications,
        outbox=outbox,
        store=request_store,
        users=identity.users,
        citations=_Citations(lambda: built.knowledge),
        links=links,
    )
    link_guard = LinkGuard(counters=RateCounters(), limit=Limit(config.link_misses_per_minute), clock=base.clock)
    edge = Edge(
        authenticator=identity.verifier,
        tenants=hosts,
        sessions=identity.sessions,
        limiter=RateLimiter(counters=RateCounters(), limits=config.rate_limits, clock=base.clock),
        max_body_bytes=config.max_body_bytes,
        secure_cookies=config.secure_cookies,
    )

    def knowledge() -> _Knowledge:
        return _knowledge(
            base, tenancy=tenancy, store=request_store, notifications=notifications, outbox=outbox, users=identity.users
        )

    def rest(knowledge: _Knowledge) -> _Rest:
        return _rest(
            base,
            knowledge=knowledge,
            tenancy=tenancy,
            customer_store=customer_store,
            notifications=notifications,
            request_store=request_store,
            requests=requests,
            counters=counters,
            recorder=recorder,
            links=links,
            link_guard=link_guard,
        )

    built = Container(
        config,
        base.clock,
        edge,
        tenancy,
        identity.service,
        base.audit,
        customers=customers,
        sla=sla,
        notifications=notifications,
        requests=requests.service,
        request_lists=requests.lists,
        privacy=privacy,
        reconciler=requests.reconciler,
        links=links,
        link_guard=link_guard,
        build_knowledge=knowledge,
        build_rest=rest,
    )
    return built


def _rest(
    base: _Base,
    *,
    knowledge: _Knowledge,
    tenancy: TenancyService,
    customer_store: CustomerStore,
    notifications: NotificationService,
    request_store: DynamoRequestStore,
    requests: _Requests,
    counters: DynamoCounterStore,
    recorder: CounterRecorder,
    links: LinkService,
    link_guard: LinkGuard,
) -> _Rest:
    """Jobs, reports, approvals, surveys and policy, with the worker that runs every capability's messages."""
    from chalicelib.links import sending
    from chalicelib.notifications.service import Worker
    from chalicelib.reports.exports import EXPORT_JOB as REPORT_EXPORT
    from chalicelib.reports.exports import LABEL as REPORT_EXPORT_LABEL
    from chalicelib.reports.exports import ReportExports
    from chalicelib.reports.reconcile import KIND as KPI_RECONCILE
    from chalicelib.reports.reconcile import LABEL as KPI_RECONCILE_LABEL
    from chalicelib.reports.reconcile import KpiReconciler
    from chalicelib.reports.service import ReportService
    from chalicelib.surveys.questionnaire_service import QuestionnaireService
    from chalicelib.surveys.questionnaire_store import QuestionnaireStore

    jobs = _jobs(base, bank=knowledge.files)
    kpi = KpiReconciler(requests=request_store, counters=counters, recorder=recorder)
    jobs.register(KPI_RECONCILE, kpi.run, label=KPI_RECONCILE_LABEL)
    reports = ReportService(store=counters, requests=request_store, offices={t.code: t.name for t in TENANTS})
    report_exports = ReportExports(reports=reports, jobs=jobs, units=tenancy, clock=base.clock)
    jobs.register(REPORT_EXPORT, report_exports.run, label=REPORT_EXPORT_LABEL)
    approvals, inbox = _approvals()
    policy_reports, policy_jobs = _policy(base, counters=reports, jobs=jobs, inbox=inbox, requests=request_store)
    survey_frames = _survey_frames(base, jobs=jobs, requests=request_store, customers=customer_store)
    deliveries = _deliveries(base)
    questionnaires = QuestionnaireService(store=QuestionnaireStore(), clock=base.clock)
    contacts = _contacts(base)
    surveys = _surveys(
        base,
        inbox=inbox,
        questionnaires=questionnaires,
        links=links,
        guard=link_guard,
        deliveries=deliveries,
        contacts=contacts,
        jobs=jobs,
        ratings=SurveyRatings(store=counters),
    )
    worker = Worker(
        {
            "job": jobs.run,
            "notice": notifications.deliver,
            "deadline_reminder": requests.timers.on_deadline_reminder,
            "deadline_breached": requests.timers.on_deadline_breached,
            "approval_pending": requests.timers.on_approval_pending,
            "approval_overdue": requests.timers.on_approval_overdue,
            "notice_sent": notifications.record_sent,
            "timer_restart": requests.reconciler.restart,
            "knowledge_index": knowledge.builder.on_message,
            sending.MESSAGE: deliveries.on_message,
            "survey_wave": surveys.service.on_wave_message,
        }
    )
    return _Rest(
        worker=worker,
        jobs=jobs,
        approvals=approvals,
        inbox=inbox,
        questionnaires=questionnaires,
        survey_frames=survey_frames,
        survey_contacts=contacts,
        deliveries=deliveries,
        surveys=surveys,
        reports=reports,
        report_exports=report_exports,
        policy_reports=policy_reports,
        policy_jobs=policy_jobs,
    )


_container: Container | None = None


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
