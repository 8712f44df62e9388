"""SES e-mail, SNS SMS and the SQS outbox queue; each receives its client.

Neither SES nor SNS (SMS to a phone number) takes an idempotency key, so the outbox claims a notice before each
send (notifications/service.py); what these adapters add is telling a refused send from one whose fate is unknown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError


class SendRefused(Exception):
    """The provider answered without taking the message (throttled, 5xx, rejected), or was never reached: retry is safe."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SendUncertain(Exception):
    """The request went out but no answer came back (connection lost, read time-out): it may have been sent."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@contextmanager
def _sending() -> Iterator[None]:
    try:
        yield
    except ClientError as exc:
        raise SendRefused(str(exc.response.get("Error", {}).get("Code") or "ClientError")) from exc
    except (EndpointConnectionError, ConnectTimeoutError) as exc:
        raise SendRefused(type(exc).__name__) from exc
    except BotoCoreError as exc:
        raise SendUncertain(type(exc).__name__) from exc


class Mailer:
    """Sends templated e-mail through SES (templates: infra/templates/email)."""

    def __init__(self, client: Any, *, sender: str, configuration_set: str) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set

    def send(self, *, to: str, template: str, data: dict[str, str]) -> str:
        """Send one message; returns SES's message id (SendRefused / SendUncertain when it fails)."""
        with _sending():
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
        """Send one SMS to a Vietnamese number (0xxxxxxxxx or +84…); returns SNS's message id (or SendRefused / SendUncertain)."""
        number = "+84" + to[1:] if to.startswith("0") else to
        with _sending():
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

    def send(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None:
        """Enqueue one message (held back `delay_seconds`, at most 900)."""
        self._client.send_message(QueueUrl=self._url, MessageBody=json.dumps(message), DelaySeconds=delay_seconds)
