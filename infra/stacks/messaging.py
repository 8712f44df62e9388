"""Mail (SES), the alarm topic (SNS) and the queues with their dead-letter queues (SQS)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.definitions import MAIL, MAIL_EVENTS, QUEUES, TOPICS

# A dead letter keeps its original enqueue time, so the DLQ must keep messages longer than its source queue;
# 14 days (the most SQS allows) leaves time to inspect a failure found after a long weekend.
_RETENTION = Duration.days(4)
_DLQ_RETENTION = Duration.days(14)


class Mail(Construct):
    """SES configuration set, the sender's domain identity (DKIM in the hosted zone) and the templates."""

    def __init__(self, scope: Construct, construct_id: str, *, zone: route53.IPublicHostedZone) -> None:
        super().__init__(scope, construct_id)
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=MAIL.configuration_set,
            reputation_metrics=True,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        sender_domain = MAIL.sender.split("@", 1)[1]
        # In the zone we manage, CDK publishes the Easy DKIM records; elsewhere they are added by hand.
        identity = (
            ses.Identity.public_hosted_zone(zone) if sender_domain == zone.zone_name else ses.Identity.domain(sender_domain)
        )
        self.identity = ses.EmailIdentity(self, "SenderIdentity", identity=identity, configuration_set=self.configuration_set)
        for template in MAIL.templates:
            parts = template.load()
            ses.CfnTemplate(
                self,
                f"Template-{template.name}",
                template=ses.CfnTemplate.TemplateProperty(
                    template_name=template.name,
                    subject_part=parts["subject"],
                    html_part=parts["html"],
                    text_part=parts["text"],
                ),
            )


def publish_mail_events(mail: Mail, topic: sns.ITopic) -> None:
    """The configuration set's events (MAIL_EVENTS.event_types) go to the topic."""
    events = {
        "send": ses.EmailSendingEvent.SEND,
        "reject": ses.EmailSendingEvent.REJECT,
        "bounce": ses.EmailSendingEvent.BOUNCE,
        "complaint": ses.EmailSendingEvent.COMPLAINT,
        "delivery": ses.EmailSendingEvent.DELIVERY,
        "renderingFailure": ses.EmailSendingEvent.RENDERING_FAILURE,
    }
    mail.configuration_set.add_event_destination(
        "Events",
        destination=ses.EventDestination.sns_topic(topic),
        events=[events[name] for name in MAIL_EVENTS.event_types],
    )


class Messaging(Construct):
    """Topics and queues; each queue redrives to its dead-letter queue after max_receive_count tries."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        # Not KMS-encrypted: CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key.
        self.topics = {name: sns.Topic(self, f"Topic-{name}", topic_name=name) for name in TOPICS}
        self.queues: dict[str, sqs.Queue] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        for queue in QUEUES:
            dlq = sqs.Queue(
                self,
                f"Queue-{queue.dlq_name}",
                queue_name=queue.dlq_name,
                retention_period=_DLQ_RETENTION,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
            )
            self.dead_letter_queues[queue.name] = dlq
            self.queues[queue.name] = sqs.Queue(
                self,
                f"Queue-{queue.name}",
                queue_name=queue.name,
                visibility_timeout=Duration.seconds(queue.visibility_timeout_seconds),
                retention_period=_RETENTION,
                dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=queue.max_receive_count, queue=dlq),
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
            )

        # SES's events reach the app as SNS notifications in its queue (the handler unwraps them).
        self.topics[MAIL_EVENTS.topic].add_subscription(subscriptions.SqsSubscription(self.queues[MAIL_EVENTS.queue.name]))

    @property
    def alarm_topic(self) -> sns.Topic:
        """The operational alarm topic (TOPICS[0]; SMS goes to phone numbers, not through a topic)."""
        return self.topics[TOPICS[0]]

    @property
    def outbox(self) -> sqs.Queue:
        """The outbox queue (QUEUES[0]) that the app consumes and the state machines write to."""
        return self.queues[QUEUES[0].name]
