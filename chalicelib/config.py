"""Settings read from the environment, once per cold start."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know about where it runs."""

    region: str
    table_name: str
    user_pool_id: str
    user_pool_client_id: str
    base_domain: str
    jwks_url: str
    issuer: str
    outbox_queue_url: str
    mail_sender: str
    mail_configuration_set: str
    deadline_state_machine_arn: str
    approval_state_machine_arn: str
    endpoint_url: str | None
    public_url_template: str
    secure_cookies: bool
    max_body_bytes: int = 64 * 1024
    #: The pool's JWKS as the stack read it at deploy (COGNITO_JWKS); None: fetched from jwks_url when first needed.
    jwks: str | None = None


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Read the settings from the environment (cached for the life of the process)."""
    env = os.environ
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-southeast-1"
    pool = env.get("USER_POOL_ID", "")
    endpoint = env.get("AWS_ENDPOINT_URL") or None
    issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool}"
    # Locally the pool's keys are served by the emulator, at the same path as Cognito's.
    jwks_base = endpoint.rstrip("/") + f"/{pool}" if endpoint else issuer
    return Settings(
        region=region,
        table_name=env.get("TABLE_NAME", "cskh-main"),
        user_pool_id=pool,
        user_pool_client_id=env.get("USER_POOL_CLIENT_ID", ""),
        base_domain=env.get("BASE_DOMAIN", "localhost"),
        jwks_url=env.get("COGNITO_JWKS_URL") or f"{jwks_base}/.well-known/jwks.json",
        issuer=issuer,
        outbox_queue_url=env.get("OUTBOX_QUEUE_URL", ""),
        mail_sender=env.get("MAIL_SENDER", "no-reply@cskh.baohiemxahoi.gov.vn"),
        mail_configuration_set=env.get("MAIL_CONFIGURATION_SET", "cskh-mail"),
        deadline_state_machine_arn=env.get("DEADLINE_STATE_MACHINE_ARN", ""),
        approval_state_machine_arn=env.get("APPROVAL_STATE_MACHINE_ARN", ""),
        endpoint_url=endpoint,
        public_url_template=env.get("PUBLIC_URL_TEMPLATE") or "https://{tenant}." + env.get("BASE_DOMAIN", "localhost"),
        secure_cookies=env.get("SECURE_COOKIES", "true").lower() == "true",
        jwks=env.get("COGNITO_JWKS") or None,
    )
