"""The Chalice app (chalice.cdk), its Lambda role (and the roles it reaches the table through), the gateway responses."""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import CfnResource, Fn, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from chalice.cdk import Chalice
from constructs import Construct

from infra.stacks.bytecode import precompile_package
from infra.stacks.tenancy import TenantAccess

# Logical id of the API in the template `chalice package` writes (kept: preserve_logical_ids).
_REST_API = "RestAPI"

LOG_RETENTION = logs.RetentionDays.SIX_MONTHS

# Errors API Gateway answers itself, before the app runs, in the contract's error shape:
# response type -> (error code, status to answer with; None keeps API Gateway's). An unknown route is
# MISSING_AUTHENTICATION_TOKEN (403) to API Gateway; to a client it is a 404.
GATEWAY_RESPONSES: dict[str, tuple[str, str | None]] = {
    "DEFAULT_4XX": ("not_found", None),
    "DEFAULT_5XX": ("gateway_error", None),
    "MISSING_AUTHENTICATION_TOKEN": ("not_found", "404"),
    "REQUEST_TOO_LARGE": ("payload_too_large", None),
    "THROTTLED": ("too_many_requests", None),
}
# $context.error.messageString is already a quoted JSON string, hence no quotes around it.
_GATEWAY_RESPONSE_TEMPLATE = '{"error": {"code": "%s", "message": $context.error.messageString}}'
# What the app sends on every answer (chalicelib/shared/http.py), on the gateway's own answers too; its
# Content-Security-Policy is left out (quotes inside a static header value) — these are JSON, sent nosniff.
_GATEWAY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
#: The stage's ceiling for every caller together (requests per second, burst), before the app's own per-user,
#: per-client and per-tenant limits (chalicelib/limits) which need a DynamoDB write each: a flood is refused here
#: for nothing. Well above what 35 offices' limits allow at once in practice; a Lambda concurrency guard.
STAGE_THROTTLE = {"rate": 1000, "burst": 2000}


def gateway_responses() -> dict[str, dict[str, object]]:
    """The x-amazon-apigateway-gateway-responses extension, part of the API definition so it is deployed."""
    responses: dict[str, dict[str, object]] = {}
    for response_type, (code, status) in GATEWAY_RESPONSES.items():
        headers = {"Content-Type": "application/json", **_GATEWAY_HEADERS}
        if response_type == "THROTTLED":
            headers["Retry-After"] = "1"
        response: dict[str, object] = {
            "responseParameters": {f"gatewayresponse.header.{name}": f"'{value}'" for name, value in headers.items()},
            "responseTemplates": {"application/json": _GATEWAY_RESPONSE_TEMPLATE % code},
        }
        if status:
            response["statusCode"] = status
        responses[response_type] = response
    return responses


class PrecompiledChalice(Chalice):
    """chalice.cdk's construct, with bytecode added to the deployment package before it becomes the functions' asset.

    (chalice.cdk packages the app and stages the zip inside its constructor; `_package_app` is the one step between
    the two, in the pinned chalice 1.34.)
    """

    def _package_app(self) -> None:
        super()._package_app()
        precompile_package(Path(self._sam_package_dir))


class ChaliceApi(Construct):
    """The Lambda role, then the Chalice app packaged with the stage config that points it at the resources."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source_dir: Path,
        environment: dict[str, str],
        table: dynamodb.ITable,
        retain: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "LambdaRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole"),
                iam.ManagedPolicy.from_aws_managed_policy_name("AWSXRayDaemonWriteAccess"),
            ],
        )
        # The table's items only through per-tenant sessions of these roles; the Lambda's role holds no data access.
        self.table_access = TenantAccess(self, "TableAccess", table=table, assumed_by=self.role)
        environment = {**environment, **self.table_access.environment}
        config = json.loads((source_dir / ".chalice" / "config.json").read_text(encoding="utf-8"))
        stage = Stack.of(self).node.id
        #: The REST API's name in metrics is the Chalice app name (the title of its definition).
        self.app_name: str = config["app_name"]
        self.api_stage: str = config["stages"].get(stage, {}).get("api_gateway_stage", config.get("api_gateway_stage", "api"))
        # chalice.cdk takes the Chalice stage from str(scope), so the app sits directly under the stack,
        # whose construct id is the stage name ("dev", "prod" in .chalice/config.json).
        self.chalice = PrecompiledChalice(
            Stack.of(self),
            "Chalice",
            source_dir=str(source_dir),
            stage_config={
                "api_gateway_endpoint_type": "REGIONAL",
                "manage_iam_role": False,
                "iam_role_arn": self.role.role_arn,
                "environment_variables": environment,
            },
        )
        self.rest_api = self.chalice.get_resource(_REST_API)
        #: SAM's reference to the stage it generates for the API (a plain GetAtt would not be resolved).
        self.rest_api_stage = Fn.ref(f"{_REST_API}.Stage")
        self.rest_api.add_property_override("DefinitionBody.x-amazon-apigateway-gateway-responses", gateway_responses())
        # Traces start at the gateway: `xray: true` in the Chalice stages turns on the functions' active tracing only.
        # The app adds a subsegment per AWS call itself (chalicelib/shared/tracing.py), without the X-Ray SDK.
        self.rest_api.add_property_override("TracingEnabled", True)
        self.rest_api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": STAGE_THROTTLE["rate"],
                    "ThrottlingBurstLimit": STAGE_THROTTLE["burst"],
                }
            ],
        )
        self.functions = [
            child
            for child in self.chalice.sam_template.node.children
            if isinstance(child, CfnResource) and child.cfn_resource_type == "AWS::Serverless::Function"
        ]
        # Like CDK's own Lambda construct: a function (and so its SQS event source mapping) is created only
        # once the role's policy exists.
        for function in self.functions:
            function.node.add_dependency(self.role)
            self._log_to_own_group(function, retain)

    def _log_to_own_group(self, function: CfnResource, retain: bool) -> None:
        """Send the function's logs to a group with a retention period, created before the function.

        (Chalice's own log_retention_in_days names the API handler's group after a resource that does not
        exist in the package it writes, and a group named after the function could race its first log line.)
        """
        log_group = logs.LogGroup(
            self,
            f"Logs-{function.node.id}",
            log_group_name=f"/aws/lambda/{Stack.of(self).stack_name}/{function.node.id}",
            retention=LOG_RETENTION,
            removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
        )
        function.add_property_override("LoggingConfig.LogGroup", log_group.log_group_name)

    def after(self, *dependencies: Construct) -> None:
        """Create the functions after these, e.g. the queues their event source mappings name (not Ref'd)."""
        for function in self.functions:
            for dependency in dependencies:
                function.node.add_dependency(dependency)

    def grant_user_pool(self, user_pool_arn: str) -> None:
        """Administer staff accounts (AdminCreateUser, AdminAddUserToGroup, ...)."""
        self.role.add_to_principal_policy(iam.PolicyStatement(actions=["cognito-idp:Admin*"], resources=[user_pool_arn]))

    def grant_mail(self, sender: str) -> None:
        """Send mail from the one sender address.

        Resource "*" with a From condition: SES also authorises against the recipient's identity while the
        account is in the sandbox, so listing only our identity and configuration set would break sending.
        """
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ses:SendEmail", "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail"],
                resources=["*"],
                conditions={"StringEquals": {"ses:FromAddress": sender}},
            )
        )

    def grant_sms(self) -> None:
        """SMS goes straight to phone numbers, which have no ARN, so sns:Publish needs resource "*"."""
        self.role.add_to_principal_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=["*"]))

    def grant_queue(self, queue: sqs.IQueue) -> None:
        """Send to the queue and consume it (the SQS event source mapping runs as this role)."""
        queue.grant_send_messages(self.role)
        queue.grant_consume_messages(self.role)

    def grant_files(self, bucket: s3.IBucket) -> None:
        """Write results, read uploads, and sign the presigned links people download and upload with."""
        bucket.grant_read_write(self.role)

    def grant_state_machine(self, state_machine: sfn.IStateMachine) -> None:
        """Start, stop and look up timers (the reconcile job asks whether each is running), and complete task tokens."""
        state_machine.grant_start_execution(self.role)
        state_machine.grant_execution(self.role, "states:StopExecution", "states:DescribeExecution")
        state_machine.grant_task_response(self.role)

    def report_batch_item_failures(self, function: str, event: str) -> None:
        """Let the SQS handler `function` name the messages of a batch that failed, so only those come again
        (Chalice has no option for it; the handler returns `batchItemFailures`)."""
        self.chalice.get_resource(function).add_property_override(
            f"Events.{event}.Properties.FunctionResponseTypes", ["ReportBatchItemFailures"]
        )
