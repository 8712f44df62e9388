"""Small records written with a request: the intake's idempotency key and the survey link token."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated


class IdempotencyItem(BaseItem, discriminator="Idempotency"):
    """`Idempotency-Key` of an intake, written in the same transaction as the request it created (TTL one day)."""

    request_id = UnicodeAttribute()
    fingerprint = UnicodeAttribute()


class SurveyTokenItem(BaseItem, discriminator="SurveyToken"):
    """The single-use survey link sent with a written answer (Art. 6.2 step 5); the survey capability consumes it."""

    request_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    channel = UnicodeAttribute()


def _key(tenant: str, key: str) -> str:
    return tenant_key(tenant, "IDEMPOTENCY", key[:128])


def intake_key(*, tenant: str, key: str, request_id: str, fingerprint: str, expires: datetime) -> IdempotencyItem:
    """The record of an intake's key, for the intake's transaction (a second one with the key cannot commit)."""
    return IdempotencyItem(_key(tenant, key), "KEY", tenant=tenant, request_id=request_id, fingerprint=fingerprint,
                           expires_at=int(expires.timestamp()))


def recall_intake(*, tenant: str, key: str) -> IdempotencyItem | None:
    """The record of an earlier intake with this key, or None."""
    with translated():
        try:
            return IdempotencyItem.get(_key(tenant, key), "KEY")
        except IdempotencyItem.DoesNotExist:
            return None


def survey_token(*, tenant: str, token: str, request_id: str, customer_id: str, channel: str, expires: datetime) -> SurveyTokenItem:
    """The survey link's token item."""
    return SurveyTokenItem(tenant_key(tenant, "SURVEY", token), "TOKEN", tenant=tenant, request_id=request_id,
                           customer_id=customer_id, channel=channel, expires_at=int(expires.timestamp()))
