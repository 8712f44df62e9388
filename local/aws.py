"""The embedded AWS: moto's server in this process, with every resource created from infra/definitions.py."""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from typing import Any

import boto3
import requests

from infra import definitions as d

ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class Resources:
    """Names and ids of what was created; the app reads them from its environment."""

    endpoint: str
    region: str
    table_name: str
    user_pool_id: str
    user_pool_client_id: str
    outbox_queue_url: str
    outbox_dlq_url: str
    alarm_topic_arn: str
    state_machines: dict[str, str]
    jobs_queue_url: str = ""
    files_bucket: str = d.FILES_BUCKET.name
    knowledge_bucket: str = d.KNOWLEDGE_BUCKET.name
    ses_events_queue_url: str = ""

    def app_environment(self, base_domain: str = "localhost") -> dict[str, str]:
        """The environment the Chalice app runs with against this stack."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "TABLE_NAME": self.table_name,
            "USER_POOL_ID": self.user_pool_id,
            "USER_POOL_CLIENT_ID": self.user_pool_client_id,
            "BASE_DOMAIN": base_domain,
            "OUTBOX_QUEUE_URL": self.outbox_queue_url,
            "JOBS_QUEUE_URL": self.jobs_queue_url,
            "FILES_BUCKET": self.files_bucket,
            "MAIL_SENDER": d.MAIL.sender,
            "MAIL_CONFIGURATION_SET": d.MAIL.configuration_set,
            "DEADLINE_STATE_MACHINE_ARN": self.state_machines.get(f"{d.APP_NAME}-request-deadline", ""),
            "APPROVAL_STATE_MACHINE_ARN": self.state_machines.get(f"{d.APP_NAME}-draft-approval", ""),
            "SURVEY_WAVES_STATE_MACHINE_ARN": self.state_machines.get(f"{d.APP_NAME}-survey-waves", ""),
            "OUTBOX_DLQ_URL": self.outbox_dlq_url,
            "KNOWLEDGE_BUCKET": self.knowledge_bucket,
            "SURVEY_CONTACT_PEPPER": "local-only-survey-contact-pepper",  # the emulated contact log's key
            "ALARM_TOPIC_ARN": self.alarm_topic_arn,
            "SECURE_COOKIES": "false",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
        }

    def to_json(self) -> str:
        """Serialized, for tools that attach to a running stack."""
        return json.dumps(asdict(self))


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_moto(port: int) -> Any:
    """Start moto's server in this process, patched (local/moto_patches.py). State machines call back to MOTO_PORT."""
    os.environ["MOTO_PORT"] = str(port)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    import logging

    from moto.server import ThreadedMotoServer

    from . import moto_patches, ses_events

    moto_patches.apply()
    ses_events.apply()
    # moto walks an UpdateExpression recursively, a few frames per action: a result cell's update of ~400 counters
    # (surveys/store.py) needs more than Python's default 1000 frames. DynamoDB itself has no such limit.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # Run state machines for real (Wait, Choice and the DynamoDB / SQS integrations), not just record them.
    requests.post(f"{endpoint}/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}}, timeout=10)
    return server


def provision(endpoint: str, region: str = d.DEFAULT_REGION) -> Resources:
    """Create every resource of infra/definitions.py against the endpoint."""
    kw: dict[str, Any] = {
        "endpoint_url": endpoint,
        "region_name": region,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    table = create_table(boto3.client("dynamodb", **kw))
    pool_id, client_id = _user_pool(boto3.client("cognito-idp", **kw))
    _mail(boto3.client("ses", **kw))
    sqs = boto3.client("sqs", **kw)
    queues = {q.name: _queue(sqs, q) for q in d.QUEUES}
    outbox_url, outbox_dlq = queues[d.QUEUES[0].name]
    s3 = boto3.client("s3", **kw)
    for bucket in d.BUCKETS:
        create_bucket(s3, bucket, region)
    sns = boto3.client("sns", **kw)
    topic_arn = sns.create_topic(Name=d.TOPICS[0])["TopicArn"]
    _mail_events(sns, sqs, boto3.client("ses", **kw), queues[d.MAIL_EVENTS.queue.name][0])
    machines = _state_machines(boto3.client("stepfunctions", **kw), table, outbox_url, queues[d.JOBS_QUEUE.name][0])
    return Resources(
        endpoint,
        region,
        table,
        pool_id,
        client_id,
        outbox_url,
        outbox_dlq,
        topic_arn,
        machines,
        jobs_queue_url=queues[d.JOBS_QUEUE.name][0],
        ses_events_queue_url=queues[d.MAIL_EVENTS.queue.name][0],
    )


def create_table(dynamodb: Any, name: str = d.TABLE.name) -> str:
    """The single table as infra/definitions.py describes it (also the restore drill's empty target)."""
    t = d.TABLE
    attributes = {t.partition_key, t.sort_key} | {a for i in t.indexes for a in (i.partition_key, i.sort_key)}
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        KeySchema=[{"AttributeName": t.partition_key, "KeyType": "HASH"}, {"AttributeName": t.sort_key, "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": i.name,
                "KeySchema": [
                    {"AttributeName": i.partition_key, "KeyType": "HASH"},
                    {"AttributeName": i.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for i in t.indexes
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": t.ttl_attribute})
    # Point-in-time recovery, as the CDK stack has it (the drill's `--from-pitr` restores from it).
    dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    return name


def create_bucket(s3: Any, bucket: d.BucketDef, region: str) -> str:
    """A bucket as the CDK stack has it (infra/stacks/data.py): private, encrypted, its expiring prefixes' objects
    expiring after `expire_days`."""
    s3.create_bucket(Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_public_access_block(
        Bucket=bucket.name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket.name,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket.name,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": f"expire-{prefix.strip('/') or 'all'}",
                    "Status": "Enabled",
                    "Filter": {"Prefix": prefix},
                    "Expiration": {"Days": bucket.expire_days},
                }
                for prefix in bucket.expiring
            ]
        },
    )
    return str(bucket.name)


def _user_pool(cognito: Any) -> tuple[str, str]:
    p = d.USER_POOL
    pool = cognito.create_user_pool(
        PoolName=p.name,
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "TemporaryPasswordValidityDays": 7,
            }
        },
        Schema=[
            {"Name": name, "AttributeDataType": "String", "Mutable": mutable, "StringAttributeConstraints": {"MaxLength": "64"}}
            for name, mutable in p.custom_attributes
        ],
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=p.client_name,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=list(p.client_read_attributes),
        WriteAttributes=list(p.client_write_attributes),
        IdTokenValidity=p.id_token_minutes,
        TokenValidityUnits={"IdToken": "minutes"},
    )["UserPoolClient"]
    for group in p.groups:
        cognito.create_group(UserPoolId=pool["Id"], GroupName=group)
    return pool["Id"], client["ClientId"]


def _mail(ses: Any) -> None:
    m = d.MAIL
    ses.verify_domain_identity(Domain=m.sender.split("@", 1)[1])
    ses.verify_email_identity(EmailAddress=m.sender)
    ses.create_configuration_set(ConfigurationSet={"Name": m.configuration_set})
    for template in m.templates:
        body = template.load()
        ses.create_template(
            Template={
                "TemplateName": template.name,
                "SubjectPart": body["subject"],
                "HtmlPart": body["html"],
                "TextPart": body["text"],
            }
        )


def _mail_events(sns: Any, sqs: Any, ses: Any, queue_url: str) -> None:
    """The configuration set's events → topic → queue, as the CDK stack has them (moto records the destination but
    emits no events: local/ses_events.py does, after each send)."""
    topic_arn = sns.create_topic(Name=d.MAIL_EVENTS.topic)["TopicArn"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=d.MAIL.configuration_set,
        EventDestination={
            "Name": "events",
            "Enabled": True,
            "MatchingEventTypes": list(d.MAIL_EVENTS.event_types),
            "SNSDestination": {"TopicARN": topic_arn},
        },
    )


def _queue(sqs: Any, q: d.QueueDef) -> tuple[str, str]:
    dlq_url = sqs.create_queue(QueueName=q.dlq_name)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName=q.name,
        Attributes={
            "VisibilityTimeout": str(q.visibility_timeout_seconds),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(q.max_receive_count)}),
        },
    )["QueueUrl"]
    return url, dlq_url


def _state_machines(sfn: Any, table: str, outbox_url: str, jobs_url: str) -> dict[str, str]:
    role = f"arn:aws:iam::{ACCOUNT_ID}:role/{d.APP_NAME}-states"
    arns = {}
    for machine in d.STATE_MACHINES:
        definition = machine.definition({"TableName": table, "OutboxQueueUrl": outbox_url, "JobsQueueUrl": jobs_url})
        arns[machine.name] = sfn.create_state_machine(name=machine.name, definition=definition, roleArn=role)["stateMachineArn"]
    return arns
