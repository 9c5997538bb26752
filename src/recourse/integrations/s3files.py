"""Evidence files in an S3-compatible bucket (AWS S3, MinIO, Ceph, …), the other `FileStore`.

Chosen with `RECOURSE_FILE_STORE_URL=s3://bucket?endpoint=https://…&region=…&prefix=…`; the
credentials come from the standard AWS settings (`AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY`, a profile or an instance role), never from the URL. Keys are the same
random 32 characters as the local folder's, checked against the same pattern before any request;
objects are written without any ACL (private to the bucket's owner: no public-read, and valid
for buckets with ACLs disabled) and with the content type their content proved.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from recourse.integrations.files import KEY_PATTERN, LocalFileStore
from recourse.services.ports.files import FileStore

_MISSING = ("NoSuchKey", "404", "NotFound")


class S3FileStore:
    """Files as objects `prefix + key` in `bucket`, through a boto3 S3 client."""

    def __init__(self, bucket: str, client: Any, *, prefix: str = "evidence/") -> None:
        if not bucket:
            raise ValueError("an S3 file store needs a bucket")
        self.bucket = bucket
        self.client = client
        self.prefix = prefix

    def _object(self, key: str) -> str | None:
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            return None
        return self.prefix + key

    def put(self, data: bytes, *, media_type: str) -> str:
        key = secrets.token_urlsafe(24)
        name = self._object(key)
        assert name is not None
        self.client.put_object(
            Bucket=self.bucket,
            Key=name,
            Body=data,
            ContentType=media_type,
            ContentDisposition="attachment",
        )
        return key

    def get(self, key: str) -> bytes | None:
        name = self._object(key)
        if name is None:
            return None
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        body = answer["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data

    def delete(self, key: str) -> None:
        name = self._object(key)
        if name is not None:
            self.client.delete_object(Bucket=self.bucket, Key=name)


def s3_store_from_url(url: str) -> S3FileStore:
    """`s3://bucket?endpoint=https://host&region=eu-central-1&prefix=evidence/`: every query
    part optional (AWS's own endpoint and the default region when left out)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ValueError("RECOURSE_FILE_STORE_URL must look like s3://bucket?endpoint=…")
    if parts.username or parts.password:
        raise ValueError("put S3 credentials in the AWS settings, never in the file store URL")
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint", "region", "prefix"}
    if unknown:
        raise ValueError(f"unknown file store URL settings: {', '.join(sorted(unknown))}")
    import boto3  # only an install that uses a bucket pays for loading it

    client = boto3.client(
        "s3", endpoint_url=query.get("endpoint") or None, region_name=query.get("region") or None
    )
    return S3FileStore(parts.hostname, client, prefix=query.get("prefix", "evidence/"))


def file_store(url: str | None, local_root: Path) -> FileStore:
    """The store `RECOURSE_FILE_STORE_URL` names: a bucket for `s3://…`, else the folder."""
    if not url:
        return LocalFileStore(local_root)
    return s3_store_from_url(url)
