"""The S3-compatible evidence store (SPEC T6) against moto's in-process fake of S3: random keys
checked against their pattern, private objects with their proven content type, and the choice
of store by `RECOURSE_FILE_STORE_URL`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from recourse.integrations.files import KEY_PATTERN, LocalFileStore
from recourse.integrations.s3files import S3FileStore, file_store, s3_store_from_url

BUCKET = "recourse-evidence"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    with mock_aws():
        client = boto3.client("s3", region_name="eu-central-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        yield client


def test_put_get_delete_with_random_keys_private_objects_and_the_content_type(s3: Any) -> None:
    store = S3FileStore(BUCKET, s3)
    key = store.put(b"%PDF-1.4 ...", media_type="application/pdf")
    other = store.put(b"\x89PNG...", media_type="image/png")

    assert KEY_PATTERN.match(key) and key != other
    assert store.get(key) == b"%PDF-1.4 ..."
    head = s3.head_object(Bucket=BUCKET, Key=f"evidence/{key}")
    assert head["ContentType"] == "application/pdf"
    grants = s3.get_object_acl(Bucket=BUCKET, Key=f"evidence/{key}")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)

    store.delete(key)
    assert store.get(key) is None
    assert store.get(other) == b"\x89PNG..."
    store.delete(key)  # again: nothing happens


def test_a_malformed_key_never_reaches_the_bucket(s3: Any) -> None:
    store = S3FileStore(BUCKET, s3)
    s3.put_object(Bucket=BUCKET, Key="evidence/../secret", Body=b"no")
    for bad in ("../secret", "a" * 31, "a" * 33, "a/" + "b" * 30, "", "a" * 31 + "."):
        assert store.get(bad) is None
        store.delete(bad)
    assert s3.get_object(Bucket=BUCKET, Key="evidence/../secret")["Body"].read() == b"no"


def test_the_url_chooses_the_store(s3: Any, tmp_path: Path) -> None:
    assert isinstance(file_store(None, tmp_path), LocalFileStore)
    store = file_store(f"s3://{BUCKET}?region=eu-central-1&prefix=files/", tmp_path)
    assert isinstance(store, S3FileStore)
    key = store.put(b"data", media_type="image/jpeg")
    assert s3.get_object(Bucket=BUCKET, Key=f"files/{key}")["Body"].read() == b"data"
    assert store.get(key) == b"data"


@pytest.mark.parametrize(
    "url",
    [
        "https://bucket",
        "s3://",
        "s3://key:secret@bucket",
        "s3://bucket?acl=public-read",
    ],
)
def test_a_wrong_url_is_refused_at_start(url: str) -> None:
    with pytest.raises(ValueError):
        s3_store_from_url(url)
