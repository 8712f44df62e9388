"""The one description of every AWS resource the product uses.

Both the CDK stack (``infra/stacks``) and the embedded local stack (``local/``) build their resources from
these plain-data definitions, so what runs under ``make run`` is what deploys. No AWS imports here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

INFRA_DIR = Path(__file__).resolve().parent
STATE_MACHINE_DIR = INFRA_DIR / "statemachines"
EMAIL_TEMPLATE_DIR = INFRA_DIR / "templates" / "email"

APP_NAME = "cskh"
DEFAULT_REGION = "ap-southeast-1"


@dataclass(frozen=True)
class Index:
    """A global secondary index of the single table."""

    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class TableDef:
    """The single DynamoDB table; every key starts with the tenant (docs/data-model.md)."""

    name: str
    partition_key: str = "PK"
    sort_key: str = "SK"
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str = "expires_at"


TABLE = TableDef(
    name=f"{APP_NAME}-main",
    indexes=(
        Index("GSI1", "GSI1PK", "GSI1SK"),
        Index("GSI2", "GSI2PK", "GSI2SK"),
        Index("GSI3", "GSI3PK", "GSI3SK"),
        Index("GSI4", "GSI4PK", "GSI4SK"),
    ),
)


@dataclass(frozen=True)
class TableAccessDef:
    """How the app reaches the table's items (AWS SaaS Factory's pattern; chalicelib/adapters/tenant_credentials.py).

    The Lambda's own role holds no data access: it assumes the tenant-access role with a session policy naming the
    tenants' keys (`dynamodb:LeadingKeys` = `T#{tenant}#*`), or the national read role for the CCC's national view.
    No Scan and no BatchWriteItem: a call without keys passes a `ForAllValues` condition.
    """

    tenant_actions: tuple[str, ...] = (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    )
    read_actions: tuple[str, ...] = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")
    #: The partitions the tenant-access role may touch at all (`dynamodb:LeadingKeys`): tenants' keys, and the
    #: non-tenant prefixes every office writes (the surveys' national contact log; chalicelib/surveys/contacts.py
    #: registers the same prefix with adapters/tenant_scope.share_for_writing).
    shared_write_prefixes: tuple[str, ...] = ("CONTACT#",)
    tenant_role_variable: str = "TENANT_ACCESS_ROLE_ARN"
    national_role_variable: str = "NATIONAL_READ_ROLE_ARN"


TABLE_ACCESS = TableAccessDef()

# Staff roles (DOMAIN.md "Who uses it"); each is a Cognito group, carried in the token as cognito:groups.
ROLES: tuple[str, ...] = (
    "agent",
    "focal_officer",
    "ccc_officer",
    "leader",
    "specialist",
    "supervisor",
    "tenant_admin",
    "central_admin",
)


@dataclass(frozen=True)
class UserPoolDef:
    """The staff user pool: tenant claim is immutable and not writable by the app client."""

    name: str
    client_name: str
    groups: tuple[str, ...]
    # (name, mutable): custom:tenant is fixed at creation; custom:unit may change with an admin's assignment.
    custom_attributes: tuple[tuple[str, bool], ...] = (("tenant", False), ("unit", True))
    # What a signed-in user may change about themselves through the app client.
    client_write_attributes: tuple[str, ...] = ("name", "email")
    client_read_attributes: tuple[str, ...] = ("name", "email", "custom:tenant", "custom:unit")
    id_token_minutes: int = 60
    refresh_token_days: int = 1


USER_POOL = UserPoolDef(name=f"{APP_NAME}-staff", client_name=f"{APP_NAME}-console", groups=ROLES)


@dataclass(frozen=True)
class EmailTemplate:
    """An SES template; the subject and bodies live in infra/templates/email/<name>.json."""

    name: str

    def load(self) -> dict[str, str]:
        """Return {"subject", "html", "text"} from the template file."""
        return json.loads((EMAIL_TEMPLATE_DIR / f"{self.name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class MailDef:
    """SES sender identity, configuration set and templates."""

    sender: str
    configuration_set: str
    templates: tuple[EmailTemplate, ...]


def _email_templates() -> tuple[EmailTemplate, ...]:
    return tuple(EmailTemplate(p.stem) for p in sorted(EMAIL_TEMPLATE_DIR.glob("*.json")))


MAIL = MailDef(
    sender="no-reply@cskh.baohiemxahoi.gov.vn",
    configuration_set=f"{APP_NAME}-mail",
    templates=_email_templates(),
)


@dataclass(frozen=True)
class QueueDef:
    """An SQS queue with its dead-letter queue."""

    name: str
    max_receive_count: int = 5
    visibility_timeout_seconds: int = 60

    @property
    def dlq_name(self) -> str:
        """Name of the dead-letter queue."""
        return f"{self.name}-dlq"


#: The outbox (notices, timers; a 30 s worker) and the background jobs' queue: a job's worker runs up to 900 s
#: (.chalice/config.json `jobs_worker`), so its messages stay hidden longer than that; an unexpected error is tried
#: three times (chalicelib/jobs/domain.py MAX_ATTEMPTS).
QUEUES: tuple[QueueDef, ...] = (
    QueueDef(f"{APP_NAME}-outbox"),
    QueueDef(f"{APP_NAME}-jobs", max_receive_count=3, visibility_timeout_seconds=960),
    QueueDef(f"{APP_NAME}-ses-events"),
)
JOBS_QUEUE = QUEUES[1]


@dataclass(frozen=True)
class MailEventsDef:
    """SES's events of the configuration set: published to a topic, which a queue subscribes to (the app's
    `ses_events` handler consumes it: delivery statuses, the suppression list; chalicelib/links/sending.py)."""

    topic: str
    queue: QueueDef
    event_types: tuple[str, ...] = ("send", "reject", "bounce", "complaint", "delivery", "renderingFailure")


MAIL_EVENTS = MailEventsDef(topic=f"{APP_NAME}-ses-events", queue=QUEUES[2])


@dataclass(frozen=True)
class BucketDef:
    """A private S3 bucket: encrypted, no public access, TLS only; objects expire after `expire_days`.

    Nothing kept in a bucket needs a backup: the table is the source of truth, and each bucket holds what is made
    from it again (the CDK stack appends the account to the name, as bucket names are global).
    """

    name: str
    purpose: str
    expire_days: int = 7
    expiring: tuple[str, ...] = ("",)  # the key prefixes that expire (others are kept: a survey report's archive)


#: Background jobs' files (chalicelib/adapters/files.py): results under `jobs/{tenant}/`, uploads for imports under
#: `uploads/{tenant}/`. Downloads are presigned links of a few minutes; nothing there is kept past a week. An
#: approved survey report's frozen copy (`archive/{tenant}/…`, chalicelib/surveys/report_exports.py) never expires.
FILES_BUCKET = BucketDef(
    f"{APP_NAME}-files", "background jobs' results and uploads, approved reports' archives", expiring=("jobs/", "uploads/")
)
#: The knowledge bank's built search indexes (chalicelib/knowledge/indexing.py): each build one archive, the API
#: processes download the newest; the daily job rebuilds, so a week's expiry never removes the one in use.
KNOWLEDGE_BUCKET = BucketDef(f"{APP_NAME}-knowledge-index", "knowledge search index archives")
BUCKETS: tuple[BucketDef, ...] = (FILES_BUCKET, KNOWLEDGE_BUCKET)


@dataclass(frozen=True)
class AnalyticsDef:
    """Ad-hoc analysis (README "Ad-hoc analysis"): the table exported nightly to S3, read by Athena and, locally, DuckDB.

    Both engines see the same names: `export_table` is the raw export (one row per item, `item` in DynamoDB JSON,
    partitioned by `snapshot`, the export's date), the views of analytics/views/ flatten it, the queries of
    analytics/queries/ read the views. `item_attributes` are the only attributes either engine declares (all
    DynamoDB strings): the keys, the request's scalars and its JSON `body`, out of which the views take only
    non-personal fields.
    """

    bucket: str
    database: str
    workgroup: str
    export_table: str = "table_export"
    export_prefix: str = "exports"
    results_prefix: str = "results"
    export_days: int = 35  # as long as PITR reaches back: older snapshots are never needed
    results_days: int = 7
    bytes_scanned_cutoff: int = 10 * 1024**3  # per query: a full scan of a few-GB export fits, a runaway does not
    time_zone: str = "Asia/Ho_Chi_Minh"
    # 01:00 in time_zone, 18:00 UTC the day before: the snapshot (the export's UTC date) is the local day just ended.
    export_hour: int = 1
    item_attributes: tuple[str, ...] = (
        "PK",
        "SK",
        "type",
        "tenant",
        "channel",
        "kind",
        "category",
        "status",
        "subject",
        "received_at",
        "due_at",
        "body",
    )


ANALYTICS = AnalyticsDef(bucket=f"{APP_NAME}-analytics", database=f"{APP_NAME}_analytics", workgroup=f"{APP_NAME}-analytics")

# SNS: SMS goes straight to phone numbers; this topic carries operational alarms.
TOPICS: tuple[str, ...] = (f"{APP_NAME}-alarms", MAIL_EVENTS.topic)


@dataclass(frozen=True)
class StateMachineDef:
    """A state machine whose definition is infra/statemachines/<file>.asl.json."""

    name: str
    file: str

    def definition(self, substitutions: dict[str, str]) -> str:
        """Return the ASL JSON with ${Placeholders} replaced."""
        text = (STATE_MACHINE_DIR / self.file).read_text(encoding="utf-8")
        for key, value in substitutions.items():
            text = text.replace("${" + key + "}", value)
        return text


STATE_MACHINES: tuple[StateMachineDef, ...] = tuple(
    StateMachineDef(name=f"{APP_NAME}-{p.name.removesuffix('.asl.json')}", file=p.name)
    for p in sorted(STATE_MACHINE_DIR.glob("*.asl.json"))
)
