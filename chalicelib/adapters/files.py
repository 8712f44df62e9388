"""Job files in S3: results written by the worker, uploads for imports, and short-lived presigned links to both.

The bucket (infra/definitions.py FILES_BUCKET) is private, encrypted, and expires objects after a few days; keys
start with the tenant (`jobs/{tenant}/...`, `uploads/{tenant}/...`, chalicelib/jobs/service.py). People never get
credentials for it: a presigned GET downloads one result, a presigned POST uploads one file of bounded size.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.shared.errors import UnavailableError

CHUNK = 1024 * 1024


class FileMissingError(Exception):
    """No object at the key (never uploaded, or expired)."""


class S3Files:
    """Puts, fetches and presigns the objects of one bucket."""

    def __init__(self, client: Any, *, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def put(self, *, key: str, path: Path, content_type: str) -> int:
        """Store a local file (streamed from disk); returns its size in bytes."""
        size = path.stat().st_size
        with path.open("rb") as body, _translated():
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type, ContentLength=size)
        return size

    def fetch(self, *, key: str, path: Path) -> int:
        """Copy an object to a local file in chunks (bounded memory); returns its size."""
        with _translated():
            response = self._s3.get_object(Bucket=self._bucket, Key=key)
        with path.open("wb") as out:
            shutil.copyfileobj(response["Body"], out, CHUNK)
        return path.stat().st_size

    def exists(self, *, key: str) -> bool:
        """Whether an object is at the key."""
        try:
            with _translated():
                self._s3.head_object(Bucket=self._bucket, Key=key)
        except FileMissingError:
            return False
        return True

    def download_url(self, *, key: str, file_name: str, content_type: str, seconds: int) -> str:
        """A presigned GET of the object, saved under `file_name` by the browser."""
        return str(
            self._s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self._bucket,
                    "Key": key,
                    "ResponseContentDisposition": _attachment(file_name),
                    "ResponseContentType": content_type,
                },
                ExpiresIn=seconds,
            )
        )

    def upload_form(self, *, key: str, max_bytes: int, seconds: int, redirect: str | None = None) -> tuple[str, dict[str, str]]:
        """A presigned POST for one file at `key` of at most `max_bytes`: the URL and the form fields to send with it.

        With `redirect`, storage sends the browser there after the upload (`success_action_redirect`), so a page can
        upload with a plain form and no script.
        """
        conditions: list[Any] = [["content-length-range", 1, max_bytes]]
        fields: dict[str, str] = {}
        if redirect:
            conditions.append({"success_action_redirect": redirect})
            fields["success_action_redirect"] = redirect
        post = self._s3.generate_presigned_post(
            Bucket=self._bucket, Key=key, Fields=fields or None, Conditions=conditions, ExpiresIn=seconds
        )
        return str(post["url"]), {k: str(v) for k, v in post["fields"].items()}


def _attachment(file_name: str) -> str:
    """Content-Disposition for a download, with the name in UTF-8 (RFC 6266) and an ASCII fallback."""
    from urllib.parse import quote

    fallback = file_name.encode("ascii", "replace").decode("ascii").replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name)}"


@contextmanager
def _translated() -> Iterator[None]:
    """S3's answers as this adapter's: a missing object is FileMissingError, any other failure a 503."""
    try:
        yield
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in ("NoSuchKey", "404", "NotFound"):
            raise FileMissingError(code) from exc
        raise UnavailableError() from exc
    except BotoCoreError as exc:
        raise UnavailableError() from exc
