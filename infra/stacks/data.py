"""The single DynamoDB table (TABLE) and the buckets (BUCKETS)."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.definitions import FILES_BUCKET, KNOWLEDGE_BUCKET, TABLE, BucketDef

# Point-in-time recovery keeps a restorable copy of every second of the last 35 days (the most DynamoDB allows):
# the backup the restore drill (scripts/drill.py, README "Backup and restore") starts from.
PITR_DAYS = 35


def _key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Data(Construct):
    """The table with its indexes, point-in-time recovery, encryption, stream and TTL."""

    def __init__(self, scope: Construct, construct_id: str, *, retain: bool) -> None:
        super().__init__(scope, construct_id)
        self.table = dynamodb.Table(
            self,
            "Table",
            table_name=TABLE.name,
            partition_key=_key(TABLE.partition_key),
            sort_key=_key(TABLE.sort_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True, recovery_period_in_days=PITR_DAYS
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            time_to_live_attribute=TABLE.ttl_attribute,
            deletion_protection=retain,
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )
        for index in TABLE.indexes:
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_key(index.partition_key),
                sort_key=_key(index.sort_key),
                projection_type=dynamodb.ProjectionType.ALL,
            )


def private_bucket(scope: Construct, construct_id: str, definition: BucketDef) -> s3.Bucket:
    """A private, encrypted, TLS-only bucket named after its definition and the account; objects under its expiring
    prefixes expire (an approved report's archive in the files bucket is kept)."""
    return s3.Bucket(
        scope,
        construct_id,
        bucket_name=f"{definition.name}-{Stack.of(scope).account}",
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=[
            s3.LifecycleRule(
                id=f"expire-{prefix.strip('/') or 'all'}",
                prefix=prefix or None,
                expiration=Duration.days(definition.expire_days),
                abort_incomplete_multipart_upload_after=Duration.days(1),
            )
            for prefix in definition.expiring
        ],
        removal_policy=RemovalPolicy.DESTROY,
        auto_delete_objects=True,
    )


class Files(Construct):
    """Background jobs' exports and uploads: kept for days, never longer (FILES_BUCKET)."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.bucket = private_bucket(self, "Bucket", FILES_BUCKET)


class KnowledgeIndexBucket(Construct):
    """The knowledge bank's built search indexes (rebuilt from the table at will, so never retained)."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.bucket = private_bucket(self, "Bucket", KNOWLEDGE_BUCKET)
