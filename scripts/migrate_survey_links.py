"""One-off migration (issue 9): answer survey tokens kept in clear become links that keep only the token's hash.

Before issue 9 an approved written answer wrote `T#{t}#SURVEY#{token}` / `TOKEN` (type `SurveyToken`, the token in
its key) and the token in the request's body. For each such item this writes, in one transaction, the link
(`T#{t}#LINK#{sha256}`, purpose `answer`, valid until the old item's `expires_at`), the request with
`survey_link_id` instead of the token (at its version, with its customer link), and deletes the old item — so the
e-mails already sent keep working at `/s/{token}` and no clear token is left. A request changed meanwhile is a 409
for that item; run again. Safe to re-run: a migrated token is gone.

    python -m scripts.migrate_survey_links [--endpoint URL|aws]

Operator tooling (a Scan): never runs in the Lambda.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem
from chalicelib.adapters.unit_of_work import commit
from chalicelib.links.domain import token_hash
from chalicelib.links.store import link_item
from chalicelib.requests import store as requests_store
from chalicelib.shared.errors import ConflictError
from chalicelib.shared.tenancy import whole_table

ROOT = Path(__file__).resolve().parent.parent


class LegacySurveyToken(BaseItem, discriminator="SurveyToken"):
    """The pre-issue-9 survey token item (its key holds the token in clear)."""

    request_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    channel = UnicodeAttribute()


def migrate() -> tuple[int, int]:
    """Convert every legacy token; returns (migrated, refused by a concurrent change)."""
    store = requests_store.DynamoRequestStore(outbox=None, journal=None, customers=None)  # type: ignore[arg-type]
    done = refused = 0
    with whole_table():
        for legacy in LegacySurveyToken.scan():
            token = legacy.PK.split("#SURVEY#", 1)[1]
            request = store.get(tenant=legacy.tenant, request_id=legacy.request_id)
            if request is None:
                continue
            request.survey_link_id = token_hash(token)
            until = datetime.fromtimestamp(legacy.expires_at or 0, UTC)
            issued = min(request.answered_at or until, until)

            def build(
                tx: TransactWrite,
                legacy: LegacySurveyToken = legacy,
                request: Any = request,
                token: str = token,
                issued: datetime = issued,
                until: datetime = until,
            ) -> None:
                tx.save(
                    link_item(
                        tenant=legacy.tenant,
                        link_id=token_hash(token),
                        purpose=requests_store.ANSWER_LINK,
                        subject={"request_id": legacy.request_id, "customer_id": legacy.customer_id, "channel": legacy.channel},
                        valid_from=issued,
                        valid_until=until,
                        issued_at=issued,
                    )
                )
                tx.save(requests_store.to_item(request))
                tx.save(requests_store._link(request))
                tx.delete(legacy, add_version_condition=False)

            try:
                commit(build)
                done += 1
            except ConflictError:
                refused += 1
    return done, refused


def main() -> None:
    """Bind to the table (the local stack by default) and migrate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", help="an emulator's URL, or 'aws' (default: the running `make run` stack)")
    args = parser.parse_args()
    from chalicelib.adapters import dynamo
    from infra.definitions import DEFAULT_REGION, TABLE

    endpoint = args.endpoint
    if endpoint is None:
        endpoint = json.loads((ROOT / ".local" / "stack.json").read_text())["endpoint"]
    dynamo.bind(table_name=TABLE.name, region=DEFAULT_REGION, host=None if endpoint == "aws" else endpoint)
    done, refused = migrate()
    print(f"migrated {done}, refused {refused} (run again)")


if __name__ == "__main__":
    main()
