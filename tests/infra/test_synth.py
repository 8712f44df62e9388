"""Synthesize the CDK app once, offline, and check what a reviewer would notice if it broke."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.definitions import MAIL_EVENTS, QUEUES, STATE_MACHINE_DIR, STATE_MACHINES, TABLE, TABLE_ACCESS, TOPICS, USER_POOL

pytestmark = pytest.mark.infra

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA = REPO_ROOT / "infra"
NODE_BIN = INFRA / "node_modules" / ".bin"
BASE_DOMAIN = "cskh.baohiemxahoi.gov.vn"
HOSTED_ZONE_ID = "Z0000000000EXAMPLE"
LAMBDA_ENVIRONMENT = (
    "TABLE_NAME",
    "USER_POOL_ID",
    "USER_POOL_CLIENT_ID",
    "BASE_DOMAIN",
    "OUTBOX_QUEUE_URL",
    "MAIL_SENDER",
    "MAIL_CONFIGURATION_SET",
    "DEADLINE_STATE_MACHINE_ARN",
    "ALARM_TOPIC_ARN",
    "COGNITO_JWKS",
    "TENANT_ACCESS_ROLE_ARN",
    "NATIONAL_READ_ROLE_ARN",
)
# W3005 (DependsOn already implied by a Ref/GetAtt): CDK itself emits it (a state machine DependsOn its role),
# and the Chalice functions keep explicit DependsOn on their role policy and the queues their SQS event
# sources name by a built ARN, so the order holds even if the incidental Ref (an env variable) goes away.
CFN_LINT_IGNORED = ("W3005",)


def _tool_env() -> dict[str, str]:
    return {
        **os.environ,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDK_DISABLE_CLI_TELEMETRY": "1",
        "AWS_EC2_METADATA_DISABLED": "true",  # offline: do not probe for instance credentials
    }


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """Install (or reuse) infra/node_modules through the project's script."""
    subprocess.run([str(REPO_ROOT / "scripts" / "install-infra-tools.sh")], check=True, timeout=600)
    return NODE_BIN


@pytest.fixture(scope="session")
def cloud_assembly(node_tools: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`cdk synth` of the dev stage into a temporary directory, with this interpreter as the app."""
    source_dir = Path(os.environ.get("CSKH_CHALICE_SOURCE_DIR", REPO_ROOT))
    if not (source_dir / "app.py").is_file():
        pytest.fail(f"no Chalice app at {source_dir}/app.py (set CSKH_CHALICE_SOURCE_DIR to another project)")
    out = tmp_path_factory.mktemp("cdk.out")
    command = [
        str(node_tools / "cdk"),
        "synth",
        "--quiet",
        "--no-notices",
        "-o",
        str(out),
        "--app",
        f"{sys.executable} app.py",
        "-c",
        f"chalice_source_dir={source_dir}",
    ]
    started = time.monotonic()
    result = subprocess.run(command, cwd=INFRA, env=_tool_env(), capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    print(f"cdk synth took {time.monotonic() - started:.1f} s")
    return out


@pytest.fixture(scope="session")
def template_path(cloud_assembly: Path) -> Path:
    (path,) = cloud_assembly.glob("*.template.json")
    return path


@pytest.fixture(scope="session")
def resources(template_path: Path) -> dict[str, dict[str, Any]]:
    return json.loads(template_path.read_text(encoding="utf-8"))["Resources"]


def of_type(resources: dict[str, dict[str, Any]], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in resources.items() if r["Type"] == resource_type}


def one(resources: dict[str, dict[str, Any]], resource_type: str, **properties: Any) -> tuple[str, dict[str, Any]]:
    """The single resource of a type whose properties include these values."""
    matches = [
        (name, r["Properties"])
        for name, r in of_type(resources, resource_type).items()
        if all(r["Properties"].get(k) == v for k, v in properties.items())
    ]
    assert len(matches) == 1, f"{resource_type} {properties}: {len(matches)} found"
    return matches[0]


def strings(value: Any) -> Iterator[str]:
    """Every literal string inside a (possibly intrinsic) template value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_cfn_lint_passes(template_path: Path) -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--regions",
            "ap-southeast-1",
            "--ignore-checks",
            *CFN_LINT_IGNORED,
            "--",
            str(template_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("machine", STATE_MACHINES, ids=lambda m: m.file)
def test_state_machine_definitions_are_valid_asl(node_tools: Path, tmp_path: Path, machine: Any) -> None:
    # asl-validator stands in for statelint (Ruby gems cannot be installed here); both files are checked:
    # as written, and with the placeholders replaced by values of the right shape.
    rendered = tmp_path / machine.file
    rendered.write_text(
        machine.definition(
            {
                "TableName": TABLE.name,
                "OutboxQueueUrl": f"https://sqs.ap-southeast-1.amazonaws.com/123456789012/{QUEUES[0].name}",
            }
        ),
        encoding="utf-8",
    )
    for path in (STATE_MACHINE_DIR / machine.file, rendered):
        result = subprocess.run(
            [str(node_tools / "asl-validator"), "--json-path", str(path)],
            capture_output=True,
            text=True,
            env=_tool_env(),
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_table_matches_definition(resources: dict[str, dict[str, Any]]) -> None:
    _, table = one(resources, "AWS::DynamoDB::Table", TableName=TABLE.name)
    # The restore drill's starting point: any second of the last 35 days (README "Backup and restore").
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 35}
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["TimeToLiveSpecification"] == {"AttributeName": TABLE.ttl_attribute, "Enabled": True}
    assert table["KeySchema"] == [
        {"AttributeName": TABLE.partition_key, "KeyType": "HASH"},
        {"AttributeName": TABLE.sort_key, "KeyType": "RANGE"},
    ]
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {index.name for index in TABLE.indexes}
    for index in TABLE.indexes:
        assert indexes[index.name]["KeySchema"] == [
            {"AttributeName": index.partition_key, "KeyType": "HASH"},
            {"AttributeName": index.sort_key, "KeyType": "RANGE"},
        ]


def test_tenant_is_immutable_and_not_writable_by_the_client(resources: dict[str, dict[str, Any]]) -> None:
    _, pool = one(resources, "AWS::Cognito::UserPool", UserPoolName=USER_POOL.name)
    schema = {attribute["Name"]: attribute for attribute in pool["Schema"]}
    assert schema["tenant"]["Mutable"] is False
    _, client = one(resources, "AWS::Cognito::UserPoolClient", ClientName=USER_POOL.client_name)
    assert "custom:tenant" not in client["WriteAttributes"]
    assert set(client["WriteAttributes"]) == set(USER_POOL.client_write_attributes)
    assert set(client["ReadAttributes"]) == set(USER_POOL.client_read_attributes)
    groups = {g["Properties"]["GroupName"] for g in of_type(resources, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == set(USER_POOL.groups)


def test_every_queue_redrives_to_its_dead_letter_queue(resources: dict[str, dict[str, Any]]) -> None:
    for queue in QUEUES:
        _, source = one(resources, "AWS::SQS::Queue", QueueName=queue.name)
        dlq_id, _ = one(resources, "AWS::SQS::Queue", QueueName=queue.dlq_name)
        assert source["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
            "maxReceiveCount": queue.max_receive_count,
        }


def test_one_state_machine_per_asl_file_with_placeholders_substituted(
    resources: dict[str, dict[str, Any]],
) -> None:
    from infra.stacks.analytics import EXPORT_MACHINE

    # The nightly export's machine is built in infra/stacks/analytics.py (its definition names the view files).
    machines = {
        k: m
        for k, m in of_type(resources, "AWS::StepFunctions::StateMachine").items()
        if m["Properties"]["StateMachineName"] != EXPORT_MACHINE
    }
    assert len(machines) == len(list(STATE_MACHINE_DIR.glob("*.asl.json"))) == len(STATE_MACHINES)
    for machine in STATE_MACHINES:
        _, properties = one(resources, "AWS::StepFunctions::StateMachine", StateMachineName=machine.name)
        definition = properties["DefinitionString"]
        assert not any("${" in text for text in strings(definition)), f"{machine.file}: placeholder left"
        # Put the references back as strings: what remains is the ASL file with its placeholders filled.
        rendered = json.loads(
            "".join(
                part if isinstance(part, str) else json.dumps(part)[1:-1].replace('"', "'") for part in definition["Fn::Join"][1]
            )
        )
        assert rendered["StartAt"] == json.loads((STATE_MACHINE_DIR / machine.file).read_text())["StartAt"]


def test_each_state_machine_may_use_exactly_its_integrations(resources: dict[str, dict[str, Any]]) -> None:
    policies = {
        p["Properties"]["Roles"][0]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
        for p in of_type(resources, "AWS::IAM::Policy").values()
        if any("StateMachine" in role["Ref"] for role in p["Properties"]["Roles"])
    }
    table_id, _ = one(resources, "AWS::DynamoDB::Table", TableName=TABLE.name)
    outbox_id, _ = one(resources, "AWS::SQS::Queue", QueueName=QUEUES[0].name)
    jobs_id, _ = one(resources, "AWS::SQS::Queue", QueueName=QUEUES[1].name)
    table, outbox = json.dumps({"Fn::GetAtt": [table_id, "Arn"]}), json.dumps({"Fn::GetAtt": [outbox_id, "Arn"]})
    jobs = json.dumps({"Fn::GetAtt": [jobs_id, "Arn"]})
    expected = {
        # The deadline timer re-reads the request's current timer and messages the worker; it never writes the request.
        "requestdeadline": {table: ["dynamodb:GetItem"], outbox: ["sqs:SendMessage"]},
        # The approval wait only messages the worker (the task token travels in the message).
        "draftapproval": {outbox: ["sqs:SendMessage"]},
        # The survey waves only message the jobs worker (send, remind, close); the survey service re-reads the round.
        "surveywaves": {jobs: ["sqs:SendMessage"]},
    }
    assert len(policies) == len(STATE_MACHINES) == len(expected)
    for role, statements in policies.items():
        granted = {
            json.dumps(s["Resource"]): sorted(s["Action"]) if isinstance(s["Action"], list) else [s["Action"]]
            for s in statements
            if s["Resource"] != "*"
        }
        (name,) = [key for key in expected if key in role.lower().replace("-", "")]
        assert granted == expected[name], role


def test_custom_domain_is_the_wildcard(resources: dict[str, dict[str, Any]]) -> None:
    wildcard = f"*.{BASE_DOMAIN}"
    domain_id, domain = one(resources, "AWS::ApiGateway::DomainName", DomainName=wildcard)
    assert domain["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    _, certificate = one(resources, "AWS::CertificateManager::Certificate", DomainName=wildcard)
    assert certificate["SubjectAlternativeNames"] == [BASE_DOMAIN]
    assert certificate["ValidationMethod"] == "DNS"
    assert {o["HostedZoneId"] for o in certificate["DomainValidationOptions"]} == {HOSTED_ZONE_ID}
    _, record = one(resources, "AWS::Route53::RecordSet", Name=f"{wildcard}.", Type="A")
    assert record["HostedZoneId"] == HOSTED_ZONE_ID
    assert record["AliasTarget"]["DNSName"] == {"Fn::GetAtt": [domain_id, "RegionalDomainName"]}
    _, mapping = one(resources, "AWS::ApiGateway::BasePathMapping")
    assert mapping["DomainName"] == {"Ref": domain_id}
    assert mapping["RestApiId"] == {"Ref": "RestAPI"}


@pytest.mark.parametrize(("response_type", "code"), [("DEFAULT_4XX", "not_found"), ("DEFAULT_5XX", "gateway_error")])
def test_gateway_responses_use_the_contract_error_shape(
    resources: dict[str, dict[str, Any]], response_type: str, code: str
) -> None:
    body = resources["RestAPI"]["Properties"]["DefinitionBody"]
    template = body["x-amazon-apigateway-gateway-responses"][response_type]["responseTemplates"]["application/json"]
    # API Gateway substitutes $context.error.messageString with the message as a quoted JSON string.
    rendered = json.loads(template.replace("$context.error.messageString", json.dumps('Thiếu "token"')))
    assert rendered == {"error": {"code": code, "message": 'Thiếu "token"'}}


def _lambda_role(resources: dict[str, dict[str, Any]]) -> str:
    (name,) = [name for name in of_type(resources, "AWS::IAM::Role") if name.startswith("ApiLambdaRole")]
    return name


def _statements_of(resources: dict[str, dict[str, Any]], role: str) -> list[dict[str, Any]]:
    """Every statement of the policies attached to a role (inline in the role, or AWS::IAM::Policy naming it)."""
    found = [s for p in resources[role]["Properties"].get("Policies", []) for s in p["PolicyDocument"]["Statement"]]
    for policy in of_type(resources, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def _actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else list(statement["Action"])


def test_lambda_gets_its_environment_and_role(resources: dict[str, dict[str, Any]]) -> None:
    functions = of_type(resources, "AWS::Serverless::Function")
    assert functions
    for function in functions.values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert set(LAMBDA_ENVIRONMENT) <= set(variables)
    actions = {action for statement in _statements_of(resources, _lambda_role(resources)) for action in _actions(statement)}
    assert {
        "cognito-idp:Admin*",
        "ses:SendEmail",
        "ses:SendTemplatedEmail",
        "ses:SendBulkTemplatedEmail",
        "sns:Publish",
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "states:StartExecution",
        "states:StopExecution",
        "states:DescribeExecution",
        "states:SendTaskSuccess",
        "states:SendTaskFailure",
        "sts:AssumeRole",
    } <= actions


def test_ses_events_reach_their_queue_through_the_topic(resources: dict[str, dict[str, Any]]) -> None:
    (destination,) = of_type(resources, "AWS::SES::ConfigurationSetEventDestination").values()
    events = destination["Properties"]["EventDestination"]
    assert set(events["MatchingEventTypes"]) == set(MAIL_EVENTS.event_types) and events["Enabled"]
    topic_id, _ = one(resources, "AWS::SNS::Topic", TopicName=MAIL_EVENTS.topic)
    assert events["SnsDestination"]["TopicARN"] == {"Ref": topic_id}
    queue_id, _ = one(resources, "AWS::SQS::Queue", QueueName=MAIL_EVENTS.queue.name)
    subscriptions = of_type(resources, "AWS::SNS::Subscription").values()
    assert any(
        s["Properties"]["Protocol"] == "sqs"
        and s["Properties"]["TopicArn"] == {"Ref": topic_id}
        and s["Properties"]["Endpoint"] == {"Fn::GetAtt": [queue_id, "Arn"]}
        for s in subscriptions
    )


def test_the_lambda_reaches_the_table_only_through_the_tenant_roles(resources: dict[str, dict[str, Any]]) -> None:
    lambda_role = _lambda_role(resources)
    table_id, _ = one(resources, "AWS::DynamoDB::Table", TableName=TABLE.name)
    table_arn = {"Fn::GetAtt": [table_id, "Arn"]}
    items = [table_arn, {"Fn::Join": ["", [table_arn, "/index/*"]]}]
    expected = {"TenantAccessRole": TABLE_ACCESS.tenant_actions, "NationalReadRole": TABLE_ACCESS.read_actions}
    roles = {kind: name for name in of_type(resources, "AWS::IAM::Role") for kind in expected if kind in name}
    assert set(roles) == set(expected)
    for kind, role in roles.items():
        trust = resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        # Only the Lambda's role may assume it: no service, no account root, no other role.
        assert trust == [
            {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": {"Fn::GetAtt": [lambda_role, "Arn"]}}}
        ]
        assert resources[role]["Properties"]["MaxSessionDuration"] == 3600
        (statement,) = _statements_of(resources, role)
        assert sorted(_actions(statement)) == sorted(expected[kind]), kind
        assert statement["Resource"] == items, "the table and its indexes, nothing else"
        if kind == "TenantAccessRole":  # tenants' keys and the partitions shared for writing (the contact log)
            leading = ["T#*", *(f"{p}*" for p in TABLE_ACCESS.shared_write_prefixes)]
            assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": leading}}
            assert "CONTACT#*" in leading
    assert "dynamodb:Scan" not in TABLE_ACCESS.tenant_actions + TABLE_ACCESS.read_actions
    assert not set(TABLE_ACCESS.read_actions) - {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}

    own = _statements_of(resources, lambda_role)
    assert not [s for s in own if any(a.startswith("dynamodb:") for a in _actions(s))], "no data access of its own"
    assumable = [
        json.dumps(resource)
        for s in own
        if "sts:AssumeRole" in _actions(s)
        for resource in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    ]
    assert sorted(assumable) == sorted(json.dumps({"Fn::GetAtt": [role, "Arn"]}) for role in roles.values())
    for function in of_type(resources, "AWS::Serverless::Function").values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables[TABLE_ACCESS.tenant_role_variable] == {"Fn::GetAtt": [roles["TenantAccessRole"], "Arn"]}
        assert variables[TABLE_ACCESS.national_role_variable] == {"Fn::GetAtt": [roles["NationalReadRole"], "Arn"]}


def test_tracing_is_on_for_the_gateway_every_function_and_state_machine(resources: dict[str, dict[str, Any]]) -> None:
    # The cold start no longer loads the X-Ray SDK (bench/results.md): tracing is the platform's, so it must stay on.
    assert resources["RestAPI"]["Properties"]["TracingEnabled"] is True
    functions = of_type(resources, "AWS::Serverless::Function")
    assert functions and all(f["Properties"]["Tracing"] == "Active" for f in functions.values())
    machines = of_type(resources, "AWS::StepFunctions::StateMachine")
    assert machines and all(m["Properties"]["TracingConfiguration"] == {"Enabled": True} for m in machines.values())
    (role,) = [r for name, r in of_type(resources, "AWS::IAM::Role").items() if name.startswith("ApiLambdaRole")]
    assert any("AWSXRayDaemonWriteAccess" in text for text in strings(role["Properties"]["ManagedPolicyArns"]))


def test_the_pool_keys_are_read_at_deploy_into_the_functions_environment(resources: dict[str, dict[str, Any]]) -> None:
    ((keys_id, keys),) = of_type(resources, "Custom::PoolKeys").items()
    pool_id, _ = one(resources, "AWS::Cognito::UserPool", UserPoolName=USER_POOL.name)
    url = keys["Properties"]["Url"]
    assert {"Ref": pool_id} in url["Fn::Join"][1] and "/.well-known/jwks.json" in "".join(strings(url))
    reader = resources[keys["Properties"]["ServiceToken"]["Fn::GetAtt"][0]]
    assert reader["Type"] == "AWS::Lambda::Function" and "cfnresponse" in reader["Properties"]["Code"]["ZipFile"]
    for function in of_type(resources, "AWS::Serverless::Function").values():
        assert function["Properties"]["Environment"]["Variables"]["COGNITO_JWKS"] == {"Fn::GetAtt": [keys_id, "Jwks"]}


def test_the_package_carries_bytecode_valid_after_extraction(cloud_assembly: Path, resources: dict[str, dict[str, Any]]) -> None:
    # Lambda's /var/task is read-only: without .pyc in the zip every cold start compiles the app from source.
    import importlib.util
    import zipfile

    (key,) = {f["Properties"]["CodeUri"]["Key"] for f in of_type(resources, "AWS::Serverless::Function").values()}
    with zipfile.ZipFile(cloud_assembly / f"asset.{key}") as package:
        names = set(package.namelist())
        for source in ("app.py", "chalicelib/bootstrap.py", "pydantic/main.py", "botocore/client.py"):
            cached = importlib.util.cache_from_source(source)
            assert source in names and cached in names, source
            header = package.read(cached)[:8]
            assert header[:4] == importlib.util.MAGIC_NUMBER, source
            assert int.from_bytes(header[4:8], "little") == 0b01, f"{source}: not an unchecked-hash pyc (PEP 552)"


def test_alarms_cover_functions_api_dead_letters_and_state_machines(resources: dict[str, dict[str, Any]]) -> None:
    alarms = list(of_type(resources, "AWS::CloudWatch::Alarm").values())
    topic_id, _ = one(resources, "AWS::SNS::Topic", TopicName=TOPICS[0])
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic_id}] for a in alarms)

    def metric_names(alarm: dict[str, Any]) -> set[str]:
        properties = alarm["Properties"]
        if "MetricName" in properties:
            return {properties["MetricName"]}
        return {m["MetricStat"]["Metric"]["MetricName"] for m in properties["Metrics"] if "MetricStat" in m}

    counts = {
        name: sum(name in metric_names(a) for a in alarms)
        for name in ("Errors", "5XXError", "ApproximateNumberOfMessagesVisible", "ExecutionsFailed", "Reconcile_gave_up")
    }
    assert counts == {
        "Errors": len(of_type(resources, "AWS::Serverless::Function")),
        "5XXError": 1,
        "ApproximateNumberOfMessagesVisible": len(QUEUES),
        "ExecutionsFailed": len(STATE_MACHINES) + 1,  # and the nightly export (infra/stacks/analytics.py)
        "Reconcile_gave_up": 1,
    }


def scheduled(resources: dict[str, dict[str, Any]], handler: str) -> dict[str, Any]:
    """The properties of the one scheduled function with this handler."""
    (job,) = [
        f["Properties"]
        for f in of_type(resources, "AWS::Serverless::Function").values()
        if f["Properties"].get("Handler") == handler
        and any(e.get("Type") == "Schedule" for e in f["Properties"].get("Events", {}).values())
    ]
    return job


def test_the_scheduled_jobs_are_reconcile_retention_and_the_knowledge_daily_job(resources: dict[str, dict[str, Any]]) -> None:
    handlers = sorted(
        f["Properties"]["Handler"]
        for f in of_type(resources, "AWS::Serverless::Function").values()
        if any(e.get("Type") == "Schedule" for e in f["Properties"].get("Events", {}).values())
    )
    assert handlers == ["app.knowledge_daily", "app.reconcile", "app.retention_job"]
    daily = scheduled(resources, "app.knowledge_daily")
    assert daily["ReservedConcurrentExecutions"] == 1 and daily["Timeout"] == 300


def test_the_reconcile_job_runs_every_five_minutes_one_run_at_a_time(resources: dict[str, dict[str, Any]]) -> None:
    job = scheduled(resources, "app.reconcile")
    (event,) = job["Events"].values()
    assert event["Properties"]["Schedule"] == "rate(5 minutes)" and job["Handler"] == "app.reconcile"
    assert job["ReservedConcurrentExecutions"] == 1 and job["Timeout"] == 120
    described = [
        resource
        for policy in of_type(resources, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "states:DescribeExecution" in statement["Action"]
        for resource in (statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]])
    ]
    assert len(described) == len(STATE_MACHINES), "each machine's executions, and only those"
    assert all(":execution:" in "".join(strings(resource)) for resource in described)


def test_the_outbox_handler_reports_which_messages_of_a_batch_failed(resources: dict[str, dict[str, Any]]) -> None:
    handlers = [
        event["Properties"]
        for f in of_type(resources, "AWS::Serverless::Function").values()
        for event in f["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
    ]
    assert handlers and all(h["FunctionResponseTypes"] == ["ReportBatchItemFailures"] for h in handlers)


def test_nothing_is_looked_up(cloud_assembly: Path) -> None:
    manifest = json.loads((cloud_assembly / "manifest.json").read_text(encoding="utf-8"))
    assert "missing" not in manifest, manifest.get("missing")
    assert not re.search(r"\d{12}", json.dumps(manifest["artifacts"].get("dev", {}).get("environment", "")))


def test_the_stage_has_a_ceiling_and_the_gateway_answers_carry_the_security_headers(resources: dict[str, dict[str, Any]]) -> None:
    from infra.stacks.api import STAGE_THROTTLE

    properties = resources["RestAPI"]["Properties"]
    (setting,) = properties["MethodSettings"]
    assert setting["ResourcePath"] == "/*" and setting["HttpMethod"] == "*"
    assert (setting["ThrottlingRateLimit"], setting["ThrottlingBurstLimit"]) == (STAGE_THROTTLE["rate"], STAGE_THROTTLE["burst"])
    responses = properties["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    for response in responses.values():
        headers = response["responseParameters"]
        assert headers["gatewayresponse.header.X-Content-Type-Options"] == "'nosniff'"
        assert headers["gatewayresponse.header.Cache-Control"] == "'no-store'"
    assert responses["THROTTLED"]["responseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"


def test_the_retention_job_runs_nightly_on_a_function_of_its_own(resources: dict[str, dict[str, Any]]) -> None:
    from chalicelib.entrypoints.jobs import RETENTION_CRON, RETENTION_TIMEOUT_SECONDS

    job = scheduled(resources, "app.retention_job")
    assert job["Timeout"] == RETENTION_TIMEOUT_SECONDS
    assert job["ReservedConcurrentExecutions"] == 1, "two runs at once would only race each other"
    (event,) = job["Events"].values()
    assert event["Properties"]["Schedule"] == RETENTION_CRON


# -- ad-hoc analysis: the nightly export, Glue, Athena (infra/stacks/analytics.py) ------------------------------------


def _joined(value: Any) -> str:
    """A template string with its references shown as <Ref>: what a reviewer reads of an Fn::Join."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_joined(part) for part in parts)
    return "<" + next(iter(value)) + ">"


def _analytics_bucket(resources: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    from infra.definitions import ANALYTICS

    (found,) = [
        (name, r["Properties"])
        for name, r in of_type(resources, "AWS::S3::Bucket").items()
        if _joined(r["Properties"].get("BucketName", "")).startswith(f"{ANALYTICS.bucket}-")
    ]
    return found


def _export_machine(resources: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    from infra.stacks.analytics import EXPORT_MACHINE

    name, machine = one(resources, "AWS::StepFunctions::StateMachine", StateMachineName=EXPORT_MACHINE)
    return name, machine, json.loads(_joined(machine["DefinitionString"]))


def test_the_export_bucket_is_private_encrypted_versioned_tls_only_and_forgets_old_exports(
    resources: dict[str, dict[str, Any]],
) -> None:
    from infra.definitions import ANALYTICS

    bucket_id, bucket = _analytics_bucket(resources)
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    rules = {r["Prefix"]: r for r in bucket["LifecycleConfiguration"]["Rules"]}
    assert {prefix: r["ExpirationInDays"] for prefix, r in rules.items()} == {
        "exports/": ANALYTICS.export_days,
        "results/": ANALYTICS.results_days,
    }
    assert ANALYTICS.export_days == 35
    assert all(r["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1} and r["Status"] == "Enabled" for r in rules.values())
    (policy,) = [
        p for p in of_type(resources, "AWS::S3::BucketPolicy").values() if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} and s["Principal"] == {"AWS": "*"}
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    )


def test_the_export_table_reads_the_days_exports_as_dynamodb_json(resources: dict[str, dict[str, Any]]) -> None:
    from infra.definitions import ANALYTICS
    from infra.stacks.analytics import item_column_type

    (table,) = [t["Properties"]["TableInput"] for t in of_type(resources, "AWS::Glue::Table").values()]
    assert table["Name"] == ANALYTICS.export_table and table["TableType"] == "EXTERNAL_TABLE"
    assert table["PartitionKeys"] == [{"Name": "snapshot", "Type": "string", "Comment": "the export's date, yyyy-mm-dd"}]
    storage = table["StorageDescriptor"]
    assert storage["Columns"] == [{"Name": "item", "Type": item_column_type()}]
    assert storage["SerdeInfo"] == {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}
    assert _joined(storage["Location"]) == f"s3://<Ref>/{ANALYTICS.export_prefix}/"
    assert "customer_id" not in item_column_type() and "reference" not in item_column_type()
    (database,) = of_type(resources, "AWS::Glue::Database").values()
    assert database["Properties"]["DatabaseInput"]["Name"] == ANALYTICS.database


def test_the_workgroup_enforces_encrypted_results_and_a_bytes_scanned_cutoff(resources: dict[str, dict[str, Any]]) -> None:
    from infra.definitions import ANALYTICS

    _, workgroup = one(resources, "AWS::Athena::WorkGroup", Name=ANALYTICS.workgroup)
    configuration = workgroup["WorkGroupConfiguration"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert configuration["BytesScannedCutoffPerQuery"] == ANALYTICS.bytes_scanned_cutoff == 10 * 1024**3
    assert configuration["ResultConfiguration"]["EncryptionConfiguration"] == {"EncryptionOption": "SSE_S3"}
    assert _joined(configuration["ResultConfiguration"]["OutputLocation"]) == f"s3://<Ref>/{ANALYTICS.results_prefix}/"
    assert configuration["EngineVersion"] == {"SelectedEngineVersion": "Athena engine version 3"}


def test_one_named_query_per_file_with_the_files_text(resources: dict[str, dict[str, Any]]) -> None:
    from analytics import files
    from infra.definitions import ANALYTICS

    workgroup_id, _ = one(resources, "AWS::Athena::WorkGroup", Name=ANALYTICS.workgroup)
    named = {q["Properties"]["Name"]: q["Properties"] for q in of_type(resources, "AWS::Athena::NamedQuery").values()}
    assert set(named) == {q.name for q in files.queries()} and len(named) >= 5
    for query in files.queries():
        assert named[query.name]["QueryString"] == query.text
        assert named[query.name]["Description"] == query.question
        assert named[query.name]["Database"] == ANALYTICS.database
        assert named[query.name]["WorkGroup"] == {"Ref": workgroup_id}


def test_the_nightly_export_registers_the_days_partition_and_recreates_the_views(resources: dict[str, dict[str, Any]]) -> None:
    from analytics import files
    from infra.definitions import ANALYTICS

    machine_id, machine, definition = _export_machine(resources)
    assert machine["TracingConfiguration"] == {"Enabled": True}
    states = definition["States"]
    export = states["Export"]
    assert export["Resource"] == "arn:aws:states:::aws-sdk:dynamodb:exportTableToPointInTime"
    assert {k: export["Parameters"][k] for k in ("ExportFormat", "ExportType", "S3SseAlgorithm", "ClientToken.$")} == {
        "ExportFormat": "DYNAMODB_JSON",
        "ExportType": "FULL_EXPORT",
        "S3SseAlgorithm": "AES256",
        "ClientToken.$": "$$.Execution.Name",  # a retried call starts no second export
    }
    assert export["Parameters"]["S3Prefix.$"] == "States.Format('exports/{}', $.run.snapshot)"
    assert states["Done?"]["Default"] == "ExportFailed" and states["ExportFailed"]["Type"] == "Fail"
    assert states["Register"]["Catch"][0]["ErrorEquals"] == ["Glue.AlreadyExistsException"]
    assert states["Register"]["Catch"][0]["Next"] == "Repoint"
    location = states["Register"]["Parameters"]["PartitionInput"]["StorageDescriptor"]["Location.$"]
    assert "AWSDynamoDB/{}/data/" in location and "$.export.arn" in location
    views = [
        s["Parameters"]["QueryString"] for s in states.values() if s.get("Resource", "").startswith("arn:aws:states:::athena:")
    ]
    assert views == [v.text for v in files.views()]
    (schedule,) = of_type(resources, "AWS::Scheduler::Schedule").values()
    properties = schedule["Properties"]
    assert properties["ScheduleExpression"] == f"cron(0 {ANALYTICS.export_hour} * * ? *)"
    assert properties["ScheduleExpressionTimezone"] == "Asia/Ho_Chi_Minh" and properties["State"] == "ENABLED"
    assert properties["Target"]["Arn"] == {"Ref": machine_id}


def test_the_export_machine_may_do_only_what_its_states_do(resources: dict[str, dict[str, Any]]) -> None:
    machine_id, machine, _ = _export_machine(resources)
    role = machine["RoleArn"]["Fn::GetAtt"][0]
    statements = _statements_of(resources, role)
    actions = {a for s in statements for a in _actions(s)}
    assert {a for a in actions if not a.startswith(("xray:", "logs:"))} == {
        "dynamodb:ExportTableToPointInTime",
        "dynamodb:DescribeExport",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:GetObject",
        "s3:GetBucketLocation",
        "s3:ListBucket",
        "glue:CreatePartition",
        "glue:UpdatePartition",
        "glue:GetTable",
        "glue:GetDatabase",
        "glue:CreateTable",
        "glue:UpdateTable",
        "glue:DeleteTable",
        "athena:StartQueryExecution",
        "athena:GetQueryExecution",
        "athena:StopQueryExecution",
    }
    table_id, _ = one(resources, "AWS::DynamoDB::Table", TableName=TABLE.name)
    (export,) = [s for s in statements if "dynamodb:ExportTableToPointInTime" in _actions(s)]
    assert export["Resource"] == {"Fn::GetAtt": [table_id, "Arn"]}
    (writes,) = [
        s
        for s in statements
        if _actions(s) == ["s3:AbortMultipartUpload", "s3:PutObject"]
        or _actions(s) == ["s3:PutObject", "s3:AbortMultipartUpload"]
    ]
    assert _joined(writes["Resource"]).endswith("/exports/*"), "the export writes under exports/ only"
    for statement in statements:
        if not any(a.startswith(("xray:", "logs:")) for a in _actions(statement)):
            assert statement["Resource"] != "*", statement


def test_the_analyst_policy_reads_and_queries_but_writes_only_results(resources: dict[str, dict[str, Any]]) -> None:
    from infra.definitions import ANALYTICS

    _, policy = one(resources, "AWS::IAM::ManagedPolicy", ManagedPolicyName="cskh-analyst")
    statements = policy["PolicyDocument"]["Statement"]
    actions = {a for s in statements for a in _actions(s)}
    assert "athena:StartQueryExecution" in actions and "glue:GetPartitions" in actions
    assert not [a for a in actions if a.startswith(("dynamodb:", "kms:")) or a.endswith("*")]
    assert not [a for a in actions if a.startswith("glue:") and not a.startswith(("glue:Get", "glue:BatchGet"))]
    for statement in statements:
        resources_of = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        texts = [_joined(r) for r in resources_of]
        assert "*" not in texts
        if "s3:PutObject" in _actions(statement):
            assert texts == [f"<Fn::GetAtt>/{ANALYTICS.results_prefix}/*"], "an analyst never writes into the exports"
        if any(a.startswith("athena:") for a in _actions(statement)):
            assert all(t.endswith(f":workgroup/{ANALYTICS.workgroup}") for t in texts)


def test_the_export_definition_is_valid_asl(node_tools: Path, tmp_path: Path) -> None:
    from infra.stacks.analytics import export_definition

    path = tmp_path / "table-export.asl.json"
    definition = export_definition(
        table_arn=f"arn:aws:dynamodb:ap-southeast-1:123456789012:table/{TABLE.name}", bucket="cskh-analytics-123456789012"
    )
    path.write_text(json.dumps(definition), encoding="utf-8")
    result = subprocess.run(
        [str(node_tools / "asl-validator"), "--json-path", str(path)],
        capture_output=True,
        text=True,
        env=_tool_env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_files_bucket_forgets_job_files_and_uploads_but_keeps_approved_reports_archives(
    resources: dict[str, dict[str, Any]],
) -> None:
    from infra.definitions import FILES_BUCKET

    bucket = next(
        r["Properties"]
        for r in resources.values()
        if r["Type"] == "AWS::S3::Bucket" and f'"{FILES_BUCKET.name}-' in json.dumps(r["Properties"].get("BucketName", ""))
    )
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert sorted((r.get("Prefix", ""), r["ExpirationInDays"]) for r in rules) == [("jobs/", 7), ("uploads/", 7)]
    assert not any("archive/".startswith(r.get("Prefix", "")) for r in rules), "an archive is a frozen copy: kept"
