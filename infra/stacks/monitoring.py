"""CloudWatch alarms that publish to the alarm topic."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import CfnResource, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

_PERIOD = Duration.minutes(5)


class Alarms(Construct):
    """Lambda errors, API 5xx, messages in a dead-letter queue, failed state machine executions."""

    def __init__(self, scope: Construct, construct_id: str, *, topic: sns.ITopic) -> None:
        super().__init__(scope, construct_id)
        self._action = actions.SnsAction(topic)

    def _alarm(self, alarm_id: str, metric: cloudwatch.IMetric, description: str, threshold: float = 1) -> None:
        alarm = cloudwatch.Alarm(
            self,
            alarm_id,
            metric=metric,
            alarm_description=description,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)

    def lambda_errors(self, functions: list[CfnResource]) -> None:
        """Any error of any Chalice function (its Ref is the function name)."""
        for function in functions:
            metric = cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name="Errors",
                dimensions_map={"FunctionName": function.ref},
                statistic=cloudwatch.Stats.SUM,
                period=_PERIOD,
            )
            self._alarm(f"LambdaErrors-{function.node.id}", metric, "Lambda function errors")

    def api_5xx(self, api_name: str, stage_name: str) -> None:
        """Any 5xx answered by the REST API (REST API metrics are keyed by name and stage)."""
        metric = cloudwatch.Metric(
            namespace="AWS/ApiGateway",
            metric_name="5XXError",
            dimensions_map={"ApiName": api_name, "Stage": stage_name},
            statistic=cloudwatch.Stats.SUM,
            period=_PERIOD,
        )
        self._alarm("Api5xx", metric, "API Gateway 5xx responses")

    def dead_letters(self, dead_letter_queues: Mapping[str, sqs.IQueue]) -> None:
        """A message in a dead-letter queue: something failed max_receive_count times."""
        for name, queue in dead_letter_queues.items():
            metric = queue.metric_approximate_number_of_messages_visible(
                statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)
            )
            self._alarm(f"DeadLetters-{name}", metric, f"Messages visible in the dead-letter queue of {name}")

    def failed_executions(self, state_machines: Mapping[str, sfn.IStateMachine]) -> None:
        """A state machine execution that failed or timed out (aborted ones are timers the app stopped)."""
        for name, state_machine in state_machines.items():
            metric = cloudwatch.MathExpression(
                # The metrics are only emitted when non-zero; without FILL one missing series hides the other.
                expression="FILL(failed, 0) + FILL(timedOut, 0)",
                using_metrics={
                    "failed": state_machine.metric_failed(statistic=cloudwatch.Stats.SUM),
                    "timedOut": state_machine.metric_timed_out(statistic=cloudwatch.Stats.SUM),
                },
                period=_PERIOD,
            )
            self._alarm(f"FailedExecutions-{name}", metric, f"Executions of {name} failed or timed out")

    def timers_given_up(self) -> None:
        """A timer whose executions kept failing, which the reconcile job no longer starts (chalicelib/entrypoints/jobs.py)."""
        metric = cloudwatch.Metric(
            namespace="CSKH",
            metric_name="Reconcile_gave_up",
            dimensions_map={"service": "cskh"},
            statistic=cloudwatch.Stats.MAXIMUM,
            period=_PERIOD,
        )
        self._alarm("TimersGivenUp", metric, "Timers the reconcile job gave up restarting")
