"""Ad-hoc analysis at national scale (README "Ad-hoc analysis"): the table exported nightly to S3, Glue, Athena.

EventBridge Scheduler starts a small state machine at 01:00 Vietnam time. It asks DynamoDB for a full export of
the table (from PITR: no read capacity used) under `exports/{date}/`, waits for it, registers the export's
`data/` folder as the day's partition of the Glue table `table_export` (a second run of the day repoints it), and
has Athena (re)create the views of analytics/views/ — all direct SDK integrations, no Lambda. The export's id is
known only once it has started, hence a partition per day registered by the machine rather than a projection.
The named queries (one per analytics/queries/*.sql, text unchanged) run in a workgroup that enforces its
encrypted result location and a bytes-scanned cutoff; analysts get one managed policy.
"""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Duration, RemovalPolicy, Stack, TimeZone
from aws_cdk import aws_athena as athena
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from analytics import files
from infra.definitions import ANALYTICS, APP_NAME

EXPORT_MACHINE = f"{APP_NAME}-table-export"
POLL_SECONDS = 300  # a few-GB export takes tens of minutes
_SDK = "arn:aws:states:::aws-sdk:"
_RETRY = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 30, "MaxAttempts": 3, "BackoffRate": 2.0}]


def item_column_type() -> str:
    """The Glue type of `item`: each declared attribute as a DynamoDB string (the JSON SerDe matches keys in any case)."""
    return "struct<" + ",".join(f"{name.lower()}:struct<s:string>" for name in ANALYTICS.item_attributes) + ">"


def storage_descriptor(location: str) -> dict[str, Any]:
    """The table's (and each partition's) storage: gzip'd JSON lines read by the OpenX JSON SerDe (API field names)."""
    return {
        "Columns": [{"Name": "item", "Type": item_column_type()}],
        "Location": location,
        "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
    }


def _storage_property(location: str) -> glue.CfnTable.StorageDescriptorProperty:
    """storage_descriptor() as CDK's property class."""
    plain = storage_descriptor(location)
    return glue.CfnTable.StorageDescriptorProperty(
        columns=[glue.CfnTable.ColumnProperty(name=c["Name"], type=c["Type"]) for c in plain["Columns"]],
        location=plain["Location"],
        input_format=plain["InputFormat"],
        output_format=plain["OutputFormat"],
        serde_info=glue.CfnTable.SerdeInfoProperty(serialization_library=plain["SerdeInfo"]["SerializationLibrary"]),
    )


def export_definition(*, table_arn: str, bucket: str) -> dict[str, Any]:
    """The export machine's ASL: export, wait until done, register the day's partition, (re)create the views."""
    storage = storage_descriptor("")
    del storage["Location"]
    location = "States.Format('s3://{}/{}/{}/AWSDynamoDB/{}/data/', $.export.bucket, '%s', $.run.snapshot, States.ArrayGetItem(States.StringSplit($.export.arn, '/'), 3))"
    partition = {
        "Values.$": "States.Array($.run.snapshot)",
        "StorageDescriptor": {**storage, "Location.$": location % ANALYTICS.export_prefix},
    }
    table = {"DatabaseName": ANALYTICS.database, "TableName": ANALYTICS.export_table}
    views = files.views()
    states: dict[str, Any] = {
        "Snapshot": {
            "Type": "Pass",
            "Comment": "The snapshot is the UTC date of the run (01:00 in Vietnam: the local day just ended)",
            "Parameters": {"snapshot.$": "States.ArrayGetItem(States.StringSplit($$.Execution.StartTime, 'T'), 0)"},
            "ResultPath": "$.run",
            "Next": "Export",
        },
        "Export": {
            "Type": "Task",
            "Comment": "The execution's name as the client token: a retried call starts no second export",
            "Resource": f"{_SDK}dynamodb:exportTableToPointInTime",
            "Parameters": {
                "TableArn": table_arn,
                "S3Bucket": bucket,
                "S3Prefix.$": f"States.Format('{ANALYTICS.export_prefix}/{{}}', $.run.snapshot)",
                "S3SseAlgorithm": "AES256",
                "ExportFormat": "DYNAMODB_JSON",
                "ExportType": "FULL_EXPORT",
                "ClientToken.$": "$$.Execution.Name",
            },
            "ResultSelector": {"arn.$": "$.ExportDescription.ExportArn", "bucket.$": "$.ExportDescription.S3Bucket"},
            "ResultPath": "$.export",
            "Retry": _RETRY,
            "Next": "Wait",
        },
        "Wait": {"Type": "Wait", "Seconds": POLL_SECONDS, "Next": "Describe"},
        "Describe": {
            "Type": "Task",
            "Resource": f"{_SDK}dynamodb:describeExport",
            "Parameters": {"ExportArn.$": "$.export.arn"},
            "ResultSelector": {"status.$": "$.ExportDescription.ExportStatus"},
            "ResultPath": "$.described",
            "Retry": _RETRY,
            "Next": "Done?",
        },
        "Done?": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.described.status", "StringEquals": "COMPLETED", "Next": "Register"},
                {"Variable": "$.described.status", "StringEquals": "IN_PROGRESS", "Next": "Wait"},
            ],
            "Default": "ExportFailed",
        },
        "ExportFailed": {"Type": "Fail", "Error": "ExportFailed", "Cause": "DynamoDB reported the export as failed"},
        "Register": {
            "Type": "Task",
            "Resource": f"{_SDK}glue:createPartition",
            "Parameters": {**table, "PartitionInput": partition},
            "ResultPath": None,
            "Catch": [{"ErrorEquals": ["Glue.AlreadyExistsException"], "ResultPath": None, "Next": "Repoint"}],
            "Next": f"View-{views[0].name}",
        },
        "Repoint": {
            "Type": "Task",
            "Comment": "A second run of the day: the day's partition now names the newer export",
            "Resource": f"{_SDK}glue:updatePartition",
            "Parameters": {**table, "PartitionValueList.$": "States.Array($.run.snapshot)", "PartitionInput": partition},
            "ResultPath": None,
            "Next": f"View-{views[0].name}",
        },
    }
    for view, following in zip(views, [*(f"View-{v.name}" for v in views[1:]), "Done"], strict=True):
        states[f"View-{view.name}"] = {
            "Type": "Task",
            "Comment": f"analytics/views/{view.path.name}, as written",
            "Resource": "arn:aws:states:::athena:startQueryExecution.sync",
            "Parameters": {
                "QueryString": view.text,
                "WorkGroup": ANALYTICS.workgroup,
                "QueryExecutionContext": {"Database": ANALYTICS.database},
            },
            "ResultPath": None,
            "Retry": _RETRY,
            "Next": following,
        }
    states["Done"] = {"Type": "Succeed"}
    return {
        "Comment": "Nightly full export of the table to S3 for Athena (infra/stacks/analytics.py)",
        "StartAt": "Snapshot",
        "TimeoutSeconds": 6 * 3600,
        "States": states,
    }


class Analytics(Construct):
    """The export bucket, the nightly export machine and its schedule, Glue, the Athena workgroup, the named queries."""

    def __init__(self, scope: Construct, construct_id: str, *, table: dynamodb.ITable, retain: bool) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.bucket = self._bucket()
        self.database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=stack.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=ANALYTICS.database, description="The table's nightly exports and the views over them"
            ),
        )
        export_table = glue.CfnTable(
            self,
            "ExportTable",
            catalog_id=stack.account,
            database_name=ANALYTICS.database,
            table_input=glue.CfnTable.TableInputProperty(
                name=ANALYTICS.export_table,
                description="Every item of the table, one row each, as DynamoDB's export writes it; a partition per day",
                table_type="EXTERNAL_TABLE",
                parameters={"classification": "json", "compressionType": "gzip", "EXTERNAL": "TRUE"},
                partition_keys=[
                    glue.CfnTable.ColumnProperty(name="snapshot", type="string", comment="the export's date, yyyy-mm-dd")
                ],
                storage_descriptor=_storage_property(self.bucket.s3_url_for_object(f"{ANALYTICS.export_prefix}/")),
            ),
        )
        export_table.node.add_dependency(self.database)
        self.workgroup = athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=ANALYTICS.workgroup,
            description="Ad-hoc analysis of the table's exports (named queries: analytics/queries/)",
            state="ENABLED",
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=ANALYTICS.bytes_scanned_cutoff,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(selected_engine_version="Athena engine version 3"),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=self.bucket.s3_url_for_object(f"{ANALYTICS.results_prefix}/"),
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(encryption_option="SSE_S3"),
                ),
            ),
        )
        for query in files.queries():
            named = athena.CfnNamedQuery(
                self,
                f"Query-{query.name}",
                name=query.name,
                description=query.question[:1024],
                database=ANALYTICS.database,
                query_string=query.text,
                work_group=self.workgroup.ref,
            )
            named.node.add_dependency(self.database)
        self.state_machine = self._export_machine(table, retain)
        self.analyst_policy = self._analyst_policy()

    def _bucket(self) -> s3.Bucket:
        def expire(prefix: str, days: int) -> s3.LifecycleRule:
            return s3.LifecycleRule(
                id=f"expire-{prefix}",
                prefix=f"{prefix}/",
                expiration=Duration.days(days),
                noncurrent_version_expiration=Duration.days(1),
                abort_incomplete_multipart_upload_after=Duration.days(1),
            )

        return s3.Bucket(
            self,
            "Bucket",
            bucket_name=f"{ANALYTICS.bucket}-{Stack.of(self).account}",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                expire(ANALYTICS.export_prefix, ANALYTICS.export_days),
                expire(ANALYTICS.results_prefix, ANALYTICS.results_days),
            ],
            # Everything in it is made again from the table (the next night's export): nothing to keep.
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )

    def _glue_arns(self, *tables: str) -> list[str]:
        stack = Stack.of(self)
        prefix = f"arn:{stack.partition}:glue:{stack.region}:{stack.account}"
        return [
            f"{prefix}:catalog",
            f"{prefix}:database/{ANALYTICS.database}",
            *(f"{prefix}:table/{ANALYTICS.database}/{name}" for name in tables),
        ]

    def _workgroup_arn(self) -> str:
        stack = Stack.of(self)
        return f"arn:{stack.partition}:athena:{stack.region}:{stack.account}:workgroup/{ANALYTICS.workgroup}"

    def _export_machine(self, table: dynamodb.ITable, retain: bool) -> sfn.StateMachine:
        definition = export_definition(table_arn=table.table_arn, bucket=self.bucket.bucket_name)
        log_group = logs.LogGroup(
            self,
            "ExportLogs",
            log_group_name=f"/aws/vendedlogs/states/{EXPORT_MACHINE}",
            retention=logs.RetentionDays.SIX_MONTHS,
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )
        machine = sfn.StateMachine(
            self,
            "ExportMachine",
            state_machine_name=EXPORT_MACHINE,
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_string(json.dumps(definition)),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ERROR, include_execution_data=False),
        )
        exports = self.bucket.arn_for_objects(f"{ANALYTICS.export_prefix}/*")
        results = self.bucket.arn_for_objects(f"{ANALYTICS.results_prefix}/*")
        views = [v.name for v in files.views()]
        for statement in (
            iam.PolicyStatement(actions=["dynamodb:ExportTableToPointInTime"], resources=[table.table_arn]),
            iam.PolicyStatement(actions=["dynamodb:DescribeExport"], resources=[f"{table.table_arn}/export/*"]),
            # DynamoDB writes the export with the caller's permissions, under the export prefix only.
            iam.PolicyStatement(actions=["s3:PutObject", "s3:AbortMultipartUpload"], resources=[exports]),
            iam.PolicyStatement(
                actions=["glue:CreatePartition", "glue:UpdatePartition", "glue:GetTable"],
                resources=self._glue_arns(ANALYTICS.export_table),
            ),
            iam.PolicyStatement(
                actions=["glue:GetDatabase", "glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"],
                resources=self._glue_arns(*views),
            ),
            iam.PolicyStatement(
                actions=["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:StopQueryExecution"],
                resources=[self._workgroup_arn()],
            ),
            iam.PolicyStatement(actions=["s3:GetBucketLocation", "s3:ListBucket"], resources=[self.bucket.bucket_arn]),
            iam.PolicyStatement(actions=["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"], resources=[results]),
        ):
            machine.add_to_role_policy(statement)
        scheduler.Schedule(
            self,
            "Nightly",
            description="The table's nightly export for Athena",
            schedule=scheduler.ScheduleExpression.cron(
                minute="0", hour=str(ANALYTICS.export_hour), time_zone=TimeZone.ASIA_HO_CHI_MINH
            ),
            target=targets.StepFunctionsStartExecution(machine, retry_attempts=2),
        )
        return machine

    def _analyst_policy(self) -> iam.ManagedPolicy:
        tables = [ANALYTICS.export_table, *(v.name for v in files.views())]
        return iam.ManagedPolicy(
            self,
            "AnalystPolicy",
            managed_policy_name=f"{APP_NAME}-analyst",
            description="Run the named queries and ad-hoc SQL in the analytics workgroup; read the exports",
            statements=[
                iam.PolicyStatement(
                    actions=[
                        "athena:StartQueryExecution",
                        "athena:StopQueryExecution",
                        "athena:GetQueryExecution",
                        "athena:GetQueryResults",
                        "athena:ListQueryExecutions",
                        "athena:GetNamedQuery",
                        "athena:ListNamedQueries",
                        "athena:BatchGetNamedQuery",
                        "athena:GetWorkGroup",
                    ],
                    resources=[self._workgroup_arn()],
                ),
                iam.PolicyStatement(
                    actions=[
                        "glue:GetDatabase",
                        "glue:GetTable",
                        "glue:GetTables",
                        "glue:GetPartition",
                        "glue:GetPartitions",
                        "glue:BatchGetPartition",
                    ],
                    resources=self._glue_arns(*tables),
                ),
                iam.PolicyStatement(actions=["s3:GetBucketLocation"], resources=[self.bucket.bucket_arn]),
                iam.PolicyStatement(
                    actions=["s3:ListBucket"],
                    resources=[self.bucket.bucket_arn],
                    conditions={"StringLike": {"s3:prefix": [f"{ANALYTICS.export_prefix}/*", f"{ANALYTICS.results_prefix}/*"]}},
                ),
                iam.PolicyStatement(
                    actions=["s3:GetObject"], resources=[self.bucket.arn_for_objects(f"{ANALYTICS.export_prefix}/*")]
                ),
                # Athena writes an analyst's results with the analyst's own permissions, where the workgroup says.
                iam.PolicyStatement(
                    actions=["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                    resources=[self.bucket.arn_for_objects(f"{ANALYTICS.results_prefix}/*")],
                ),
            ],
        )
