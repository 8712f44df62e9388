"""Settings read from the environment, once per cold start."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.limits.domain import Limit, RateLimits, SignInPolicy

#: Calls per minute (README "Rate limits"): a person at the console makes a few a minute and bursts of a dozen
#: (look-up as you type); a call centre signs in from behind one address; an office of 200 agents at its peak.
RATE_LIMITS = RateLimits(user=Limit(300), client=Limit(120), tenant=Limit(6000))


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
    survey_waves_state_machine_arn: str
    endpoint_url: str | None
    public_url_template: str
    secure_cookies: bool
    jobs_queue_url: str = ""
    files_bucket: str = "cskh-files"
    max_body_bytes: int = 64 * 1024
    rate_limits: RateLimits = RATE_LIMITS
    sign_in: SignInPolicy = SignInPolicy()
    #: The pool's JWKS as the stack read it at deploy (COGNITO_JWKS); None: fetched from jwks_url when first needed.
    jwks: str | None = None
    #: The roles the table is reached through in AWS (TENANT_ACCESS_ROLE_ARN, NATIONAL_READ_ROLE_ARN); None locally,
    #: where calls are signed with the process's own credentials and the tenant scope is checked by the store alone.
    tenant_access_role_arn: str | None = None
    national_read_role_arn: str | None = None
    #: The knowledge bank's search index: the bucket its builds go to (KNOWLEDGE_BUCKET), where a process unpacks
    #: the newest (KNOWLEDGE_INDEX_DIR), how often it asks whether a newer build exists (KNOWLEDGE_INDEX_CHECK_SECONDS).
    knowledge_bucket: str = ""
    knowledge_index_dir: str = "/tmp/knowledge-index"
    knowledge_index_check_seconds: float = 30.0
    #: The key of the surveys' national contact log's hashes (SURVEY_CONTACT_PEPPER, at least 16 bytes, the same for
    #: every office and never changed: a new one forgets who was surveyed); empty: no contact log is wired.
    survey_contact_pepper: str = ""
    #: In AWS the pepper is a Secrets Manager secret read on first use (SURVEY_CONTACT_PEPPER_SECRET_ARN).
    survey_contact_pepper_secret_arn: str = ""
    #: A person surveyed by any office within this many days is left out of a new sample (SURVEY_CONTACT_DAYS).
    survey_contact_days: int = 90
    #: Invitations sent a second, per round (DELIVERY_RATE; a survey may ask for less): SES's sending quota is the
    #: ceiling (14 a second is a new production account's), and a slower pace spreads the hotline's callbacks.
    delivery_rate: int = 14
    #: Unknown link tokens one client address may try a minute (LINK_MISSES_PER_MINUTE; 0: no limit).
    link_misses_per_minute: int = 20


def _count(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _rate_limits() -> RateLimits:
    """RATE_LIMIT_USER, RATE_LIMIT_CLIENT, RATE_LIMIT_TENANT: calls per minute; 0 turns that limit off."""
    d = RATE_LIMITS
    return RateLimits(
        user=Limit(_count("RATE_LIMIT_USER", d.user.requests)),
        client=Limit(_count("RATE_LIMIT_CLIENT", d.client.requests)),
        tenant=Limit(_count("RATE_LIMIT_TENANT", d.tenant.requests)),
    )


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
        jobs_queue_url=env.get("JOBS_QUEUE_URL", ""),
        files_bucket=env.get("FILES_BUCKET", "cskh-files"),
        mail_sender=env.get("MAIL_SENDER", "no-reply@cskh.baohiemxahoi.gov.vn"),
        mail_configuration_set=env.get("MAIL_CONFIGURATION_SET", "cskh-mail"),
        deadline_state_machine_arn=env.get("DEADLINE_STATE_MACHINE_ARN", ""),
        approval_state_machine_arn=env.get("APPROVAL_STATE_MACHINE_ARN", ""),
        survey_waves_state_machine_arn=env.get("SURVEY_WAVES_STATE_MACHINE_ARN", ""),
        endpoint_url=endpoint,
        public_url_template=env.get("PUBLIC_URL_TEMPLATE") or "https://{tenant}." + env.get("BASE_DOMAIN", "localhost"),
        secure_cookies=env.get("SECURE_COOKIES", "true").lower() == "true",
        jwks=env.get("COGNITO_JWKS") or None,
        rate_limits=_rate_limits(),
        sign_in=SignInPolicy(max_failures=_count("SIGNIN_MAX_FAILURES", SignInPolicy.max_failures)),
        tenant_access_role_arn=env.get("TENANT_ACCESS_ROLE_ARN") or None,
        national_read_role_arn=env.get("NATIONAL_READ_ROLE_ARN") or None,
        knowledge_bucket=env.get("KNOWLEDGE_BUCKET", ""),
        knowledge_index_dir=env.get("KNOWLEDGE_INDEX_DIR") or "/tmp/knowledge-index",
        knowledge_index_check_seconds=float(env.get("KNOWLEDGE_INDEX_CHECK_SECONDS") or 30),
        survey_contact_pepper=env.get("SURVEY_CONTACT_PEPPER", ""),
        survey_contact_pepper_secret_arn=env.get("SURVEY_CONTACT_PEPPER_SECRET_ARN", ""),
        survey_contact_days=_count("SURVEY_CONTACT_DAYS", 90),
        delivery_rate=_count("DELIVERY_RATE", 14),
        link_misses_per_minute=_count("LINK_MISSES_PER_MINUTE", 20),
    )
