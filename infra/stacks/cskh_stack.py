"""The whole deployment of one stage, in one stack (no cross-stack references to keep in step)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import CfnOutput, Environment, RemovalPolicy, Stack
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra.definitions import APP_NAME, JOBS_QUEUE, MAIL, MAIL_EVENTS
from infra.stacks.analytics import Analytics
from infra.stacks.api import ChaliceApi
from infra.stacks.data import Data, Files, KnowledgeIndexBucket
from infra.stacks.domain import WildcardDomain
from infra.stacks.identity import Identity, PoolKeys
from infra.stacks.messaging import Mail, Messaging, publish_mail_events
from infra.stacks.monitoring import Alarms
from infra.stacks.workflows import Workflows

# The outbox queue's handler in app.py (`outbox`) and its event source, as Chalice names them in its SAM template.
OUTBOX_HANDLER = ("Outbox", "OutboxSqsEventSource")
JOBS_HANDLER = ("JobsWorker", "JobsWorkerSqsEventSource")
SES_EVENTS_HANDLER = ("SesEvents", "SesEventsSqsEventSource")

# Lambda environment variable -> the ASL file of the state machine whose ARN it carries.
STATE_MACHINE_VARIABLES = {
    "DEADLINE_STATE_MACHINE_ARN": "request-deadline.asl.json",
    "APPROVAL_STATE_MACHINE_ARN": "draft-approval.asl.json",
    "SURVEY_WAVES_STATE_MACHINE_ARN": "survey-waves.asl.json",
}


@dataclass(frozen=True)
class StageSettings:
    """What differs between deployments; read from CDK context by infra/app.py."""

    stage: str
    base_domain: str
    hosted_zone_id: str
    hosted_zone_name: str
    chalice_source_dir: Path

    @property
    def retain(self) -> bool:
        """Keep data (table, user pool, logs) when the stack or a resource goes away."""
        return self.stage == "prod"


class CskhStack(Stack):
    """Table, user pool, mail, queues, state machines, the Chalice API on *.{base_domain}, alarms.

    Names come from infra/definitions.py unchanged, so each stage is meant for its own AWS account.
    """

    def __init__(self, scope: Construct, settings: StageSettings, *, env: Environment, stack_name: str) -> None:
        # The construct id is the stage: chalice.cdk uses it as the Chalice stage name.
        super().__init__(
            scope,
            settings.stage,
            env=env,
            stack_name=stack_name,
            description=f"{APP_NAME} ({settings.stage}): API, data, identity, mail, queues, workflows, alarms",
        )
        zone = route53.PublicHostedZone.from_public_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=settings.hosted_zone_id, zone_name=settings.hosted_zone_name
        )
        data = Data(self, "Data", retain=settings.retain)
        identity = Identity(self, "Identity", retain=settings.retain)
        mail = Mail(self, "Mail", zone=zone)
        messaging = Messaging(self, "Messaging")
        publish_mail_events(mail, messaging.topics[MAIL_EVENTS.topic])
        files = Files(self, "Files")
        workflows = Workflows(
            self,
            "Workflows",
            table=data.table,
            outbox=messaging.outbox,
            jobs=messaging.queues[JOBS_QUEUE.name],
            retain=settings.retain,
        )
        knowledge = KnowledgeIndexBucket(self, "KnowledgeIndex")
        analytics = Analytics(self, "Analytics", table=data.table, retain=settings.retain)

        environment = {
            "TABLE_NAME": data.table.table_name,
            "USER_POOL_ID": identity.user_pool.user_pool_id,
            "USER_POOL_CLIENT_ID": identity.client.user_pool_client_id,
            "BASE_DOMAIN": settings.base_domain,
            "OUTBOX_QUEUE_URL": messaging.outbox.queue_url,
            "JOBS_QUEUE_URL": messaging.queues[JOBS_QUEUE.name].queue_url,
            "FILES_BUCKET": files.bucket.bucket_name,
            "MAIL_SENDER": MAIL.sender,
            "MAIL_CONFIGURATION_SET": mail.configuration_set.configuration_set_name,
            "ALARM_TOPIC_ARN": messaging.alarm_topic.topic_arn,
            "KNOWLEDGE_BUCKET": knowledge.bucket.bucket_name,
            # The pool's signing keys, so a cold start verifies its first token without fetching them.
            "COGNITO_JWKS": PoolKeys(self, "PoolKeys", user_pool=identity.user_pool).jwks,
        }
        for variable, file in STATE_MACHINE_VARIABLES.items():
            environment[variable] = workflows.for_file(file).state_machine_arn
        # The contact-frequency log's keyed hash: one secret for every office, generated once, never rotated (a new
        # one would forget who was surveyed); the app reads it on first use (chalicelib/surveys/contacts.py).
        pepper = secretsmanager.Secret(
            self,
            "SurveyContactPepper",
            description="Key of the survey contact log's hashes (HMAC-SHA256); never rotate",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=48, exclude_punctuation=True),
            removal_policy=RemovalPolicy.RETAIN,
        )
        environment["SURVEY_CONTACT_PEPPER_SECRET_ARN"] = pepper.secret_arn

        api = ChaliceApi(
            self, "Api", source_dir=settings.chalice_source_dir, environment=environment, table=data.table, retain=settings.retain
        )
        api.grant_user_pool(identity.user_pool.user_pool_arn)
        api.grant_mail(MAIL.sender)
        api.grant_sms()
        knowledge.bucket.grant_read_write(api.role)  # the worker writes builds, every API process reads the newest
        for queue in messaging.queues.values():
            api.grant_queue(queue)
        api.grant_files(files.bucket)
        pepper.grant_read(api.role)
        for state_machine in workflows.state_machines.values():
            api.grant_state_machine(state_machine)
        # @app.on_sqs_message(queue=<name>) makes Chalice name the queue by a built ARN, not a Ref.
        api.after(*messaging.queues.values())
        api.report_batch_item_failures(*OUTBOX_HANDLER)
        api.report_batch_item_failures(*JOBS_HANDLER)
        api.report_batch_item_failures(*SES_EVENTS_HANDLER)

        WildcardDomain(
            self,
            "Domain",
            base_domain=settings.base_domain,
            zone=zone,
            rest_api_id=api.rest_api.ref,
            # A reference, not the name: the mapping must wait until SAM's generated stage exists.
            stage_name=api.rest_api_stage,
        )

        alarms = Alarms(self, "Alarms", topic=messaging.alarm_topic)
        alarms.lambda_errors(api.functions)
        alarms.api_5xx(api.app_name, api.api_stage)
        alarms.dead_letters(messaging.dead_letter_queues)
        alarms.failed_executions({**workflows.state_machines, "table-export": analytics.state_machine})
        alarms.timers_given_up()

        CfnOutput(self, "TableName", value=data.table.table_name)
        CfnOutput(self, "UserPoolId", value=identity.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=identity.client.user_pool_client_id)
        CfnOutput(self, "TenantDomain", value=f"*.{settings.base_domain}")
