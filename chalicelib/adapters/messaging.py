"""SES e-mail, SNS SMS and the SQS outbox queue; each receives its client."""

from __future__ import annotations

import json
from typing import Any


class Mailer:
    """Sends templated e-mail through SES (templates: infra/templates/email)."""

    def __init__(self, client: Any, *, sender: str, configuration_set: str) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, *, to: str, template: str, data: dict[str, str]) -> str:
        """Send one message; returns SES's message id."""
        response = self._client.send_templated_email(
            Source=self._sender,
            Destination={"ToAddresses": [to]},
            Template=template,
            TemplateData=json.dumps(data, ensure_ascii=False),
            ConfigurationSetName=self._configuration_set,
        )
        return str(response["MessageId"])


class Sms:
    """Sends transactional SMS through SNS."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def send(self, *, to: str, text: str) -> str:
        """Send one SMS to a Vietnamese number (0xxxxxxxxx or +84…); returns SNS's message id."""
        number = "+84" + to[1:] if to.startswith("0") else to
        response = self._client.publish(
            PhoneNumber=number,
            Message=text,
            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
        )
        return str(response["MessageId"])


class OutboxQueue:
    """The SQS queue the worker drains; a message that keeps failing goes to its dead-letter queue."""

    def __init__(self, client: Any, *, url: str) -> None:
        self._client = client
        self._url = url

    def send(self, message: dict[str, Any]) -> None:
        """Enqueue one message."""
        self._client.send_message(QueueUrl=self._url, MessageBody=json.dumps(message))
