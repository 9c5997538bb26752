"""Evidence files as use cases (SPEC T6, issue 12 item 5): an upload is all or nothing, a
file is attached once to one subject of its order by its uploader, only the order's parties
and support get it back, and an unattached file is purged after the platform's window."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.evidence import files_of
from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.services import evidence
from recourse.services.ports.files import StoredFile
from tests.factories import actor_of, make_order, make_store, make_user
from tests.integration.support import Parties, outbox_rows, run_worker

CLEAN_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def blobs(c: Container) -> list[Path]:
    root = c.settings.data_dir / "evidence"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def rows(c: Container) -> int:
    with c.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(m.EvidenceFileRow)) or 0)


def upload(
    c: Container, actor: Actor, order_id: int, *files: tuple[str, bytes]
) -> list[StoredFile]:
    return evidence.upload(c.uow(), c.ctx, actor=actor, order_id=order_id, files=list(files))


def attach(c: Container, uploader: Actor, order_id: int, ids: list[int], subject_id: int) -> None:
    assert uploader.user_id is not None
    with c.uow() as uow:
        evidence.attach(
            uow,
            order_id=order_id,
            uploader_id=uploader.user_id,
            file_ids=ids,
            subject="return",
            subject_id=subject_id,
            now=c.clock.now(),
        )
        uow.commit()


def fetch(c: Container, actor: Actor, file_id: int) -> tuple[StoredFile, bytes]:
    return evidence.file_for(c.uow(), actor, file_id, store=c.files, now=c.clock.now())


def refused(call: object, *args: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call(*args)  # type: ignore[operator]
    assert caught.value.field == "files"
    return caught.value


def test_an_upload_keeps_clean_files_unattached_for_the_uploader(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    stored = upload(container, parties.buyer, order_id, ("photo.PNG", png()), ("r.pdf", CLEAN_PDF))

    assert [f.media_type for f in stored] == ["image/png", "application/pdf"]
    assert [f.name for f in stored] == ["photo.PNG", "r.pdf"]
    assert (stored[0].width, stored[0].height) == (40, 30)
    assert stored[1].width is None
    assert all(f.subject is None and f.uploaded_by_role == "buyer" for f in stored)
    assert len(blobs(container)) == 2 and rows(container) == 2
    # the uploader gets an unattached file back; the seller does not see it yet
    assert fetch(container, parties.buyer, stored[1].id)[1] == CLEAN_PDF
    with pytest.raises(NotFound):
        fetch(container, parties.seller, stored[1].id)


def test_one_bad_file_stores_none_and_names_the_file(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    error = refused(
        upload, container, parties.buyer, order_id, ("ok.png", png()), ("page.jpg", b"<html>")
    )
    assert error.key == "evidence.unsupported_type"
    assert error.facts["name"] == "page.jpg"
    assert rows(container) == 0 and blobs(container) == []


def test_a_failing_transaction_deletes_the_blobs_it_wrote(
    container: Container, parties: Parties, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(evidence, "schedule_deadline", broken)
    with pytest.raises(RuntimeError):
        upload(container, parties.buyer, order_id, ("a.png", png()), ("b.png", png()))
    assert rows(container) == 0 and blobs(container) == []


def test_seven_files_in_one_upload_are_refused(container: Container, parties: Parties) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    files = [(f"{i}.png", png()) for i in range(7)]
    error = refused(upload, container, parties.buyer, order_id, *files)
    assert error.key == "evidence.too_many" and error.facts["limit"] == 6
    assert rows(container) == 0 and blobs(container) == []


def test_only_a_party_of_the_order_uploads(container: Container, parties: Parties) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    other_buyer = actor_of(container, make_user(container, role=Role.buyer))
    other_store = make_store(container)
    other_seller = actor_of(
        container, make_user(container, role=Role.seller, store_ids=[other_store])
    )
    for outsider in (other_buyer, other_seller, Actor(Role.operator)):
        with pytest.raises(NotFound):
            upload(container, outsider, order_id, ("a.png", png()))
    support = actor_of(container, make_user(container, role=Role.support))
    assert upload(container, support, order_id, ("a.png", png()))[0].uploaded_by_role == "support"
    assert upload(container, parties.seller, order_id, ("a.png", png()))


def test_attach_rules(container: Container, parties: Parties) -> None:
    c = container
    order_id = make_order(c, buyer_id=parties.buyer_id, store_id=parties.store_id)
    other_order = make_order(c, buyer_id=parties.buyer_id, store_id=parties.store_id)
    mine = upload(c, parties.buyer, order_id, *[(f"{i}.png", png()) for i in range(6)])
    sellers = upload(c, parties.seller, order_id, ("s.png", png()))
    elsewhere = upload(c, parties.buyer, other_order, ("o.png", png()))

    # another uploader's file, a file of another order, an unknown file
    for bad in (sellers[0].id, elsewhere[0].id, 999_999):
        error = refused(attach, c, parties.buyer, order_id, [mine[0].id, bad], 1)
        assert error.key == "evidence.no_such_file" and error.facts["file_id"] == bad

    attach(c, parties.buyer, order_id, [f.id for f in mine[:4]], 1)
    # already attached, to this subject or another
    error = refused(attach, c, parties.buyer, order_id, [mine[0].id], 2)
    assert error.key == "evidence.already_attached" and error.facts["name"] == "0.png"

    # a seventh file on one subject
    attach(c, parties.buyer, order_id, [mine[4].id, mine[5].id], 1)
    seventh = upload(c, parties.buyer, order_id, ("7.png", png()))
    error = refused(attach, c, parties.buyer, order_id, [seventh[0].id], 1)
    assert error.key == "evidence.too_many" and error.facts["existing"] == 6

    with c.read_session() as session:
        listed = files_of(session, "return", [1, 2])
    assert [f.id for f in listed[1]] == [f.id for f in mine]
    assert listed[2] == []
    assert listed[1][0].url == f"/files/{mine[0].id}"


def test_an_attached_file_is_served_to_the_parties_and_support_only(
    container: Container, parties: Parties
) -> None:
    c = container
    order_id = make_order(c, buyer_id=parties.buyer_id, store_id=parties.store_id)
    [file] = upload(c, parties.buyer, order_id, ("scan.pdf", CLEAN_PDF))
    attach(c, parties.buyer, order_id, [file.id], 7)

    support = actor_of(c, make_user(c, role=Role.support))
    for party in (parties.buyer, parties.seller, support):
        assert fetch(c, party, file.id)[1] == CLEAN_PDF
    other_store = make_store(c)
    outsiders = [
        actor_of(c, make_user(c, role=Role.buyer)),
        actor_of(c, make_user(c, role=Role.seller, store_ids=[other_store])),
        Actor(Role.operator),
    ]
    for outsider in outsiders:
        with pytest.raises(NotFound) as caught:
            fetch(c, outsider, file.id)
        assert caught.value.key == "evidence.no_such_file"


def test_an_unattached_file_is_purged_after_the_window(
    container: Container, parties: Parties, clock: FixedClock
) -> None:
    c = container
    order_id = make_order(c, buyer_id=parties.buyer_id, store_id=parties.store_id)
    kept, dropped = upload(c, parties.buyer, order_id, ("a.png", png()), ("b.png", png()))
    attach(c, parties.buyer, order_id, [kept.id], 3)
    purges = [r for r in outbox_rows(c, "deadline") if r["payload"]["name"] == evidence.PURGE]
    assert {r["payload"]["subject_id"] for r in purges} == {kept.id, dropped.id}
    assert {r["available_at"] for r in purges} == {clock.now() + timedelta(hours=24)}

    clock.advance(timedelta(hours=23))
    run_worker(c)
    assert rows(c) == 2

    clock.advance(timedelta(hours=1))
    # the window decides even before the worker runs: the file is gone for reads and attach
    with pytest.raises(NotFound):
        fetch(c, parties.buyer, dropped.id)
    assert refused(attach, c, parties.buyer, order_id, [dropped.id], 3).key == (
        "evidence.no_such_file"
    )
    run_worker(c)
    assert rows(c) == 1
    assert len(blobs(c)) == 1
    assert fetch(c, parties.buyer, kept.id)[0].subject == "return"
