"""SES e-mail, SNS SMS and the SQS outbox queue; each receives its client.

Neither SES nor SNS (SMS to a phone number) takes an idempotency key, so the outbox claims a notice before each
send (notifications/service.py); what these adapters add is telling a refused send from one whose fate is unknown.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


def html_text(value: str) -> str:
    """Text for an HTML body: markup characters escaped, each line break a <br>; nothing else added."""
    return "<br>\n".join(html.escape(line) for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def template_data(data: dict[str, Any]) -> dict[str, Any]:
    """The values as written, for the subject and the text part, and each text also as `{name}_html` for the HTML part.

    SES puts a value into a template as it is — it escapes nothing, not even in the HTML part ("SES doesn't escape
    HTML content when rendering the HTML template", SES developer guide, advanced personalization) — so a
    template's HTML part uses only the `_html` values (tests/integration/test_email_templates.py checks it).
    """
    texts = {name: str(value) for name, value in data.items() if isinstance(value, str | int | float)}
    return {**data, **{f"{name}_html": html_text(text) for name, text in texts.items()}}


class Mailer:
    """Sends templated e-mail through SES (templates: infra/templates/email; values: `template_data`)."""

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
                TemplateData=json.dumps(template_data(data), ensure_ascii=False),
                ConfigurationSetName=self._configuration_set,
            )
        return str(response["MessageId"])


BULK_MAX = 50  # destinations per SendBulkTemplatedEmail (SES v1)


@dataclass(frozen=True)
class BulkDestination:
    """One addressee of a bulk send: the address, its template values, and the message tags its events will carry."""

    to: str
    data: dict[str, str]
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkResult:
    """SES's answer for one destination: its message id, or the status that refused it (e.g. MessageRejected)."""

    message_id: str | None
    error: str | None = None


class BulkMailer(Mailer):
    """Templated e-mail to many addressees, at most BULK_MAX a call (SendBulkTemplatedEmail)."""

    def send_bulk(self, *, template: str, destinations: list[BulkDestination]) -> list[BulkResult]:
        """One call for up to 50 addressees; a result per destination, in order (SendRefused / SendUncertain when the
        call as a whole fails)."""
        if not 0 < len(destinations) <= BULK_MAX:
            raise ValueError(f"1 to {BULK_MAX} destinations a call, not {len(destinations)}")
        with _sending():
            response = self._client.send_bulk_templated_email(
                Source=self._sender,
                Template=template,
                DefaultTemplateData="{}",
                ConfigurationSetName=self._configuration_set,
                Destinations=[
                    {
                        "Destination": {"ToAddresses": [d.to]},
                        "ReplacementTemplateData": json.dumps(template_data(d.data), ensure_ascii=False),
                        "ReplacementTags": [{"Name": k, "Value": v} for k, v in d.tags.items()],
                    }
                    for d in destinations
                ],
            )
        statuses = list(response.get("Status") or [])
        return [
            BulkResult(s.get("MessageId"), None if s.get("Status", "Success") == "Success" else str(s.get("Status")))
            for s in statuses
        ]


class Sms:
    """Sends transactional SMS through SNS."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def send(self, *, to: str, text: str, attributes: dict[str, str] | None = None) -> str:
        """Send one SMS to a Vietnamese number (0xxxxxxxxx or +84…); returns SNS's message id (or SendRefused / SendUncertain).

        `attributes` ride as message attributes (e.g. `tenant`, `delivery`), for the delivery status logs."""
        number = "+84" + to[1:] if to.startswith("0") else to
        extra = {k: {"DataType": "String", "StringValue": v} for k, v in (attributes or {}).items()}
        with _sending():
            response = self._client.publish(
                PhoneNumber=number,
                Message=text,
                MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}, **extra},
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
