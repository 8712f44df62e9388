"""Step Functions state machines from infra/statemachines/*.asl.json (STATE_MACHINES)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.definitions import STATE_MACHINES, StateMachineDef

_INTEGRATION_PREFIX = "arn:aws:states:::"
_INTEGRATION_PATTERNS = (".sync:2", ".sync", ".waitForTaskToken")


def task_states(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every Task state of an ASL definition, including those inside Parallel branches and Map iterators."""
    for state in definition.get("States", {}).values():
        if state.get("Type") == "Task":
            yield state
        for branch in state.get("Branches", []):
            yield from task_states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from task_states(state[key])


def integration_action(resource: str) -> str:
    """IAM action of an optimized service integration: arn:aws:states:::dynamodb:getItem -> dynamodb:GetItem."""
    if not resource.startswith(_INTEGRATION_PREFIX):
        raise ValueError(f"not a direct service integration: {resource}")
    service, api = resource.removeprefix(_INTEGRATION_PREFIX).split(":", 1)
    for pattern in _INTEGRATION_PATTERNS:
        api = api.removesuffix(pattern)
    return f"{service}:{api[0].upper()}{api[1:]}"


class Workflows(Construct):
    """One standard state machine per ASL file, allowed exactly the integrations its definition uses."""

    def __init__(
        self, scope: Construct, construct_id: str, *, table: dynamodb.ITable, outbox: sqs.IQueue, jobs: sqs.IQueue, retain: bool
    ) -> None:
        super().__init__(scope, construct_id)
        self._table = table
        self._queues = {outbox.queue_url: outbox.queue_arn, jobs.queue_url: jobs.queue_arn}
        substitutions = {"TableName": table.table_name, "OutboxQueueUrl": outbox.queue_url, "JobsQueueUrl": jobs.queue_url}
        self.state_machines: dict[str, sfn.StateMachine] = {}
        for machine in STATE_MACHINES:
            definition = machine.definition(substitutions)
            log_group = logs.LogGroup(
                self,
                f"Logs-{machine.name}",
                # The /aws/vendedlogs/ prefix keeps CloudWatch Logs' resource policy small (AWS guidance).
                log_group_name=f"/aws/vendedlogs/states/{machine.name}",
                retention=logs.RetentionDays.SIX_MONTHS,
                removal_policy=RemovalPolicy.RETAIN if retain else RemovalPolicy.DESTROY,
            )
            state_machine = sfn.StateMachine(
                self,
                f"StateMachine-{machine.name}",
                state_machine_name=machine.name,
                state_machine_type=sfn.StateMachineType.STANDARD,
                definition_body=sfn.DefinitionBody.from_string(definition),
                tracing_enabled=True,
                logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ERROR, include_execution_data=False),
            )
            # Tokens like ${Token[...]} keep the text valid JSON, so the definition can be read back.
            for statement in self._statements(machine, json.loads(definition)):
                state_machine.add_to_role_policy(statement)
            self.state_machines[machine.name] = state_machine

    def for_file(self, file: str) -> sfn.StateMachine:
        """The state machine defined by infra/statemachines/<file>."""
        (machine,) = (m for m in STATE_MACHINES if m.file == file)
        return self.state_machines[machine.name]

    def _statements(self, machine: StateMachineDef, definition: dict[str, Any]) -> list[iam.PolicyStatement]:
        """Least-privilege statements for the direct integrations; an unknown one fails the synth."""
        actions: dict[str, set[str]] = {}
        for state in task_states(definition):
            action = integration_action(state["Resource"])
            parameters = state.get("Parameters", {})
            if action.startswith("dynamodb:") and parameters.get("TableName") == self._table.table_name:
                actions.setdefault(self._table.table_arn, set()).add(action)
            elif action == "sqs:SendMessage" and parameters.get("QueueUrl") in self._queues:
                actions.setdefault(self._queues[parameters["QueueUrl"]], set()).add(action)
            else:
                raise ValueError(f"{machine.file}: no IAM mapping for {state['Resource']} with {parameters}")
        return [iam.PolicyStatement(actions=sorted(names), resources=[arn]) for arn, names in actions.items()]
