"""Evidence files over HTTP (SPEC T6, issue 12 item 5): the upload route judges files by their
content and keeps all or none; a file is served with its proven type, never sniffed or run,
and only to the order's parties and support."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.roles import Role
from recourse.services import evidence
from tests.factories import make_order, make_store, make_user
from tests.integration.test_evidence_files import bomb_png
from tests.web.api_helpers import operator_headers, user_headers
from tests.web.test_pages import login

CLEAN_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def png(size: tuple[int, int] = (48, 36)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 90, 40)).save(out, format="PNG")
    return out.getvalue()


def _order(c: Container) -> int:
    store = make_store(c)
    buyer = make_user(c, role=Role.buyer, email="ann@example.com")
    make_user(c, role=Role.seller, email="sam@example.com", store_ids=[store])
    make_user(c, role=Role.support, email="sue@example.com")
    make_user(c, role=Role.buyer, email="other@example.com")
    other_store = make_store(c)
    make_user(c, role=Role.seller, email="olga@example.com", store_ids=[other_store])
    return make_order(c, buyer_id=buyer, store_id=store)


def _post(
    client: TestClient, c: Container, order: int, *files: tuple[str, bytes, str], who: str = "ann"
) -> Any:
    return client.post(
        f"/api/v1/orders/{order}/files",
        files=[("files", f) for f in files],
        headers=user_headers(c, f"{who}@example.com"),
    )


def _nothing_stored(c: Container) -> None:
    with c.read_session() as session:
        assert session.scalar(select(func.count()).select_from(m.EvidenceFileRow)) == 0
    root: Path = c.settings.data_dir / "evidence"
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


def _refusal(response: Any, key_field: str = "files") -> dict[str, Any]:
    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["field"] == key_field
    return error


def test_a_png_named_pdf_is_refused(client: TestClient, container: Container) -> None:
    order = _order(container)
    error = _refusal(
        _post(
            client,
            container,
            order,
            ("invoice.pdf", CLEAN_PDF, "application/pdf"),
            ("receipt.pdf", png(), "application/pdf"),
        )
    )
    assert (error["code"], error["name"]) == ("invalid", "receipt.pdf")
    assert (error["kind"], error["claimed"]) == ("PNG", "PDF")
    assert error["message"] == (
        "receipt.pdf: This file is a PNG but its name says PDF: rename it or send the file "
        "you meant."
    )
    _nothing_stored(container)


def test_upload_and_fetch_a_photo_named_by_nothing_and_a_pdf(
    client: TestClient, container: Container
) -> None:
    order = _order(container)
    response = _post(
        client,
        container,
        order,
        ("receipt", png(), "application/octet-stream"),
        ("invoice.pdf", CLEAN_PDF, "application/pdf"),
    )
    assert response.status_code == 201, response.text
    first, second = response.json()["files"]
    # the content decides: a name with no extension (and whatever type the sender claims)
    # is a PNG because its bytes are
    assert first["media_type"] == "image/png"
    assert (first["width"], first["height"], first["name"]) == (48, 36, "receipt")
    assert first["url"] == f"/api/v1/files/{first['id']}"
    assert second["media_type"] == "application/pdf" and second["width"] is None

    image = client.get(first["url"], headers=user_headers(container, "ann@example.com"))
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert image.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert image.headers["cache-control"] == "private"
    assert image.headers["content-disposition"].startswith('inline; filename="receipt.png"')
    assert Image.open(io.BytesIO(image.content)).size == (48, 36)

    pdf = client.get(second["url"], headers=user_headers(container, "ann@example.com"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith('attachment; filename="invoice.pdf"')
    assert pdf.content == CLEAN_PDF


def test_an_html_file_named_jpg_is_refused(client: TestClient, container: Container) -> None:
    order = _order(container)
    page = b"<!doctype html><script>alert(1)</script>"
    error = _refusal(
        _post(
            client,
            container,
            order,
            ("ok.png", png(), "image/png"),
            ("holiday.jpg", page, "image/jpeg"),
        )
    )
    assert error["code"] == "invalid"
    assert error["name"] == "holiday.jpg"
    assert error["message"].startswith("holiday.jpg: ")
    _nothing_stored(container)


def test_a_50_mb_upload_is_refused_with_the_limit(client: TestClient, container: Container) -> None:
    order = _order(container)
    huge = b"\x89PNG\r\n\x1a\n" + b"\x00" * (50 * 1024 * 1024)
    error = _refusal(_post(client, container, order, ("big.png", huge, "image/png")))
    assert error["limit_mb"] == 10
    assert error["message"] == "big.png: Each file can be at most 10 MB."
    _nothing_stored(container)


def test_a_decompression_bomb_is_refused(client: TestClient, container: Container) -> None:
    order = _order(container)
    error = _refusal(
        _post(client, container, order, ("cat.png", bomb_png(30000, 30000), "image/png"))
    )
    assert "megapixels" in error["message"] and error["name"] == "cat.png"
    _nothing_stored(container)


def test_a_seventh_file_is_refused(client: TestClient, container: Container) -> None:
    order = _order(container)
    seven = [(f"{i}.png", png(), "image/png") for i in range(7)]
    error = _refusal(_post(client, container, order, *seven))
    assert error["limit"] == 6
    assert "at most 6 files" in error["message"]
    _nothing_stored(container)

    # six now, then a seventh attached to the same subject
    six = _post(client, container, order, *seven[:6])
    assert six.status_code == 201
    ids = [f["id"] for f in six.json()["files"]]
    with container.uow() as uow:
        ann = uow.users.by_email("ann@example.com")
        assert ann is not None
        evidence.attach(
            uow,
            order_id=order,
            uploader_id=ann.id,
            file_ids=ids,
            subject="dispute",
            subject_id=1,
            now=container.clock.now(),
        )
        uow.commit()
    one_more = _post(client, container, order, seven[6])
    assert one_more.status_code == 201
    with container.uow() as uow:
        try:
            evidence.attach(
                uow,
                order_id=order,
                uploader_id=ann.id,
                file_ids=[one_more.json()["files"][0]["id"]],
                subject="dispute",
                subject_id=1,
                now=container.clock.now(),
            )
        except Exception as caught:
            refused = caught
        else:
            raise AssertionError("a seventh file was attached")
    assert getattr(refused, "key", None) == "evidence.too_many"


def test_an_empty_file_part_is_ignored_and_no_file_at_all_is_refused(
    client: TestClient, container: Container
) -> None:
    order = _order(container)
    response = _post(
        client, container, order, ("", b"", "application/octet-stream"), ("a.png", png(), "")
    )
    assert response.status_code == 201
    assert len(response.json()["files"]) == 1
    none = _post(client, container, order, ("", b"", "application/octet-stream"))
    assert _refusal(none)["message"] == "Choose at least one file to upload."


def test_files_are_served_only_to_the_parties_and_support(
    client: TestClient, container: Container
) -> None:
    order = _order(container)
    upload = _post(client, container, order, ("scan.pdf", CLEAN_PDF, "application/pdf"))
    file_id = upload.json()["files"][0]["id"]
    url = f"/api/v1/files/{file_id}"
    # unattached: the uploader's alone
    assert client.get(url, headers=user_headers(container, "sam@example.com")).status_code == 404
    with container.uow() as uow:
        ann = uow.users.by_email("ann@example.com")
        assert ann is not None
        evidence.attach(
            uow,
            order_id=order,
            uploader_id=ann.id,
            file_ids=[file_id],
            subject="return",
            subject_id=5,
            now=container.clock.now(),
        )
        uow.commit()
    for party in ("ann", "sam", "sue"):
        got = client.get(url, headers=user_headers(container, f"{party}@example.com"))
        assert got.status_code == 200 and got.content == CLEAN_PDF
    missing = client.get("/api/v1/files/999999", headers=user_headers(container, "ann@example.com"))
    for outsider in ("other", "olga"):
        denied = client.get(url, headers=user_headers(container, f"{outsider}@example.com"))
        assert denied.status_code == 404
        assert denied.json()["error"] | {"file_id": 0} == missing.json()["error"] | {"file_id": 0}
    assert client.get(url, headers=operator_headers(container)).status_code == 404
    assert client.get(url).status_code == 401

    # the page route, with a browser session
    assert login(client, "olga@example.com").status_code == 303
    assert client.get(f"/files/{file_id}").status_code == 404
    assert login(client, "sam@example.com").status_code == 303
    page = client.get(f"/files/{file_id}")
    assert page.status_code == 200
    assert page.headers["content-type"] == "application/pdf"
    assert page.headers["content-disposition"].startswith("attachment;")
    assert page.headers["content-security-policy"] == "default-src 'none'; sandbox"


def test_others_cannot_upload_to_an_order(client: TestClient, container: Container) -> None:
    order = _order(container)
    for who in ("other", "olga"):
        response = _post(client, container, order, ("a.png", png(), "image/png"), who=who)
        assert response.status_code == 404
    response = client.post(
        f"/api/v1/orders/{order}/files",
        files=[("files", ("a.png", png(), "image/png"))],
        headers=operator_headers(container),
    )
    assert response.status_code == 404
    _nothing_stored(container)


def test_a_hostile_name_never_reaches_a_header(client: TestClient, container: Container) -> None:
    order = _order(container)
    name = '../../etc/pa"ss;\u202ewd\r\nX-Evil: 1 résumé.pdf'
    upload = _post(client, container, order, (name, CLEAN_PDF, "application/pdf"))
    assert upload.status_code == 201, upload.text
    stored = upload.json()["files"][0]
    assert "/" not in stored["name"] and "\u202e" not in stored["name"]
    got = client.get(stored["url"], headers=user_headers(container, "ann@example.com"))
    disposition = got.headers["content-disposition"]
    assert "x-evil" not in {k.lower() for k in got.headers}
    assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition
    ascii_part = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_part.endswith(".pdf") and '"' not in ascii_part and ";" not in ascii_part
    assert "filename*=UTF-8''" in disposition


def test_an_upload_retried_with_its_idempotency_key_is_replayed(
    client: TestClient, container: Container
) -> None:
    """A client sending the same files again picks a new multipart boundary: still the same
    request, answered with the first upload's files, and nothing is kept twice."""
    order = _order(container)
    headers = user_headers(container, "ann@example.com") | {"Idempotency-Key": "upload-1"}
    first = client.post(
        f"/api/v1/orders/{order}/files",
        files=[("files", ("a.png", png(), "image/png"))],
        headers=headers,
    )
    again = client.post(
        f"/api/v1/orders/{order}/files",
        files=[("files", ("a.png", png(), "image/png"))],
        headers=headers,
    )
    assert first.status_code == again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    other = client.post(
        f"/api/v1/orders/{order}/files",
        files=[("files", ("b.png", png((5, 5)), "image/png"))],
        headers=headers,
    )
    assert other.status_code == 409
    with container.read_session() as session:
        assert session.scalar(select(func.count()).select_from(m.EvidenceFileRow)) == 1
