"""The national contact log (*nhật ký liên hệ khảo sát*): who was surveyed when, by any office.

The CCC and 34 provinces must not survey one citizen three times a month (issue 9, "Contact frequency"): every
office records the people it sends an invitation to, and every office's draw asks whom anyone surveyed within the
window (sampling.py `RecentContacts`). One item per person, in a partition of no tenant:

    PK `CONTACT#{hmac}`  SK `CONTACT`  last_at (ISO), tenant (the office that wrote last), expires_at (TTL)

`hmac` is HMAC-SHA256 of the frame's person key with a pepper from the settings (SURVEY_CONTACT_PEPPER), so the
log holds no phone, e-mail or ID, and a key cannot be confirmed by hashing a guessed phone without the pepper.
A person is one partition, so writes spread over the table by themselves. The partition prefix is shared for
writing (adapters/tenant_scope.py; the CDK tenant-access role and its session policies name `CONTACT#*`).
Writes are transactions of at most 100 puts (BatchWriteItem is not in any session policy); reads are BatchGetItem
of 100 keys. A later write replaces an earlier one; two offices writing the same person within seconds leave
either time, which the 90-day window does not tell apart.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from pynamodb.attributes import UnicodeAttribute
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, connection, translated
from chalicelib.adapters.tenant_scope import share_for_writing
from chalicelib.shared.clock import iso, parse_iso

PREFIX = "CONTACT#"
SK = "CONTACT"
BATCH = 100  # BatchGetItem's and TransactWriteItems' limit
KEPT = timedelta(days=400)  # past any window a setting may choose (a year and a month)
DEFAULT_WINDOW_DAYS = 90

share_for_writing(PREFIX)


class ContactItem(BaseItem, discriminator="SurveyContact"):
    """When a person was last invited to a survey by any office."""

    last_at = UnicodeAttribute()


def contact_hash(person_key: str, *, pepper: bytes) -> str:
    """The log's key for a person: a keyed hash, so the log cannot be read back to phones or IDs."""
    return hmac.new(pepper, person_key.encode(), hashlib.sha256).hexdigest()


def _checked(pepper: bytes) -> bytes:
    if len(pepper) < 16:
        raise ValueError("the contact log's pepper must be at least 16 bytes")
    return pepper


class ContactLog:
    """Records invitations and answers which people were surveyed since a date (the draw's `RecentContacts`)."""

    def __init__(self, *, pepper: bytes | Callable[[], bytes]) -> None:
        """`pepper`: the key itself (local stack, tests) or how to fetch it on first use (Secrets Manager in AWS)."""
        self._fetch = pepper if callable(pepper) else None
        self._key = None if callable(pepper) else _checked(pepper)

    @property
    def _pepper(self) -> bytes:
        if self._key is None:
            assert self._fetch is not None
            self._key = _checked(self._fetch())
        return self._key

    def record(self, person_keys: Iterable[str], *, at: datetime, tenant: str) -> None:
        """Note that `tenant` invited these people at `at` (safe to repeat)."""
        hashes = sorted({contact_hash(k, pepper=self._pepper) for k in person_keys})
        expires = int((at + KEPT).timestamp())
        for start in range(0, len(hashes), BATCH):
            with translated(), TransactWrite(connection=connection()) as write:
                for h in hashes[start : start + BATCH]:
                    actions: list[Action] = [
                        ContactItem.last_at.set(iso(at)),
                        ContactItem.tenant.set(tenant),
                        ContactItem.expires_at.set(expires),
                        ContactItem.type.set(ContactItem),
                    ]
                    write.update(ContactItem(PREFIX + h, SK), actions, add_version_condition=False)

    def recent(self, person_keys: Sequence[str], *, since: datetime) -> set[str]:
        """The person keys among these surveyed by any office at or after `since`."""
        by_hash = {contact_hash(k, pepper=self._pepper): k for k in person_keys}
        found: set[str] = set()
        hashes = list(by_hash)
        for start in range(0, len(hashes), BATCH):
            keys = [(PREFIX + h, SK) for h in hashes[start : start + BATCH]]
            with translated():
                for item in ContactItem.batch_get(keys, attributes_to_get=["PK", "last_at"]):
                    if parse_iso(item.last_at) >= since:
                        found.add(by_hash[item.PK.removeprefix(PREFIX)])
        return found


def window_start(now: datetime, days: int = DEFAULT_WINDOW_DAYS) -> datetime:
    """The start of the contact-frequency window: people surveyed after it are left out of a new draw."""
    return now - timedelta(days=days)
