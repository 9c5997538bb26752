"""T6 evidence files (issue 12, item 5): a party uploads files for an order, a return, message
or dispute takes them, and only the order's parties and support get them back.

An upload is all or nothing: every file is inspected (type by content, size, pixels, active
PDF content) before anything is stored, and one bad file stores none. Uploaded files are
unattached and the uploader's alone until `attach` gives them to a subject inside that
subject's own use case; an unattached file is purged after the platform's
`evidence_unattached_hours` (a deadline), and reads treat it as gone from then on even if the
worker has not run yet.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.evidence import (
    FIELD,
    EvidenceLimits,
    check_count,
    check_name,
    check_subject,
    clean_name,
)
from recourse.domain.roles import Actor, Role
from recourse.services.notify import schedule_deadline
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.files import (
    CleanFile,
    EvidenceInspector,
    FileStore,
    NewEvidenceFile,
    StoredFile,
)
from recourse.services.ports.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

LIMITS = EvidenceLimits()
"""T6: 10 MB per file, 6 files per upload and per subject, 40 megapixels per image."""

PURGE = "evidence.purge"
"""The deadline that deletes a file nobody attached within the platform's window."""


def _store(ctx: Context) -> FileStore:
    if ctx.files is None:
        raise RuntimeError("no file store in the context")
    return ctx.files


def _inspector(ctx: Context) -> EvidenceInspector:
    if ctx.inspector is None:
        raise RuntimeError("no evidence inspector in the context")
    return ctx.inspector


def _party_role(actor: Actor, *, buyer_id: int, store_id: int) -> Role | None:
    """T6: the order's buyer, a seller of its store, or support; nobody else (not even the
    operator's token) handles evidence."""
    if actor.role is Role.buyer and actor.user_id == buyer_id:
        return Role.buyer
    if actor.role is Role.seller and store_id in actor.store_ids:
        return Role.seller
    if actor.role is Role.support and actor.user_id is not None:
        return Role.support
    return None


def _expired(file: StoredFile, now: datetime, hours: int) -> bool:
    """An unattached file past its window is gone for every read, purged or not yet."""
    return file.subject is None and now >= file.created_at + timedelta(hours=hours)


def _inspect(inspector: EvidenceInspector, name: str, data: bytes) -> CleanFile:
    """The clean file, or the refusal naming the file it is about: the inspector's, or a
    name that says another kind than the content (T6: a PNG named `.pdf`)."""
    try:
        clean = inspector.inspect(data, LIMITS)
        check_name(name, clean.media_type)
        return clean
    except InvalidInput as error:
        facts = {k: v for k, v in error.facts.items() if k != "field"}
        raise InvalidInput(FIELD, error.key, **(facts | {"name": name})) from None


def _inspect_all(ctx: Context, files: Sequence[tuple[str, bytes]]) -> list[tuple[str, CleanFile]]:
    """T6: at least one file and no more than the limit, each with a clean name, every one
    checked before any is kept, so a refusal leaves nothing behind."""
    if not files:
        raise InvalidInput(FIELD, "evidence.none")
    check_count(0, len(files), LIMITS)
    inspector = _inspector(ctx)
    cleaned: list[tuple[str, CleanFile]] = []
    for raw_name, data in files:
        name = clean_name(raw_name)
        cleaned.append((name, _inspect(inspector, name, data)))
    return cleaned


def upload(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    files: Sequence[tuple[str, bytes]],
) -> list[StoredFile]:
    """T6: keep `files` (name as sent, bytes) for order `order_id`, unattached and the
    actor's. All or nothing: any refused file (`InvalidInput("files", key, name=…)`) or more
    than the limit in one call stores none of them."""
    with uow:
        order = load_order(uow, actor, order_id)
        role = _party_role(actor, buyer_id=order.buyer_id, store_id=order.store_id)
        if role is None:
            raise NotFound("order.no_such")
    cleaned = _inspect_all(ctx, files)
    store = _store(ctx)
    keys: list[str] = []
    try:
        for _, clean in cleaned:
            keys.append(store.put(clean.data, media_type=clean.media_type))
        now = ctx.clock.now()
        with uow:
            hours = uow.platform.policy().evidence_unattached_hours
            assert actor.user_id is not None
            stored = [
                uow.evidence.add(
                    NewEvidenceFile(
                        order_id=order_id,
                        uploaded_by_id=actor.user_id,
                        uploaded_by_role=str(role),
                        storage_key=key,
                        media_type=clean.media_type,
                        size=len(clean.data),
                        width=clean.width or None,
                        height=clean.height or None,
                        name=name,
                        created_at=now,
                    )
                )
                for key, (name, clean) in zip(keys, cleaned, strict=True)
            ]
            for file in stored:
                schedule_deadline(
                    uow, name=PURGE, subject_id=file.id, due_at=now + timedelta(hours=hours)
                )
            uow.commit()
    except BaseException:
        for key in keys:
            store.delete(key)
        raise
    return stored


def attach(
    uow: UnitOfWork,
    *,
    order_id: int,
    uploader_id: int,
    file_ids: Sequence[int],
    subject: str,
    subject_id: int,
    now: datetime,
) -> None:
    """Give the uploader's unattached files of this order to one return, message or dispute.
    Not a use case: called inside the subject's use case, in its open transaction, so the
    subject and its files are kept together or not at all. Refused
    (`InvalidInput("files", …)`): a file that is unknown, not this uploader's, of another
    order, past its window, or already attached; more than the limit on the subject."""
    check_subject(subject)
    ids = list(dict.fromkeys(file_ids))
    if not ids:
        return
    found = {f.id: f for f in uow.evidence.get_many(ids, for_update=True)}
    hours = uow.platform.policy().evidence_unattached_hours
    for file_id in ids:
        file = found.get(file_id)
        if (
            file is None
            or file.order_id != order_id
            or file.uploaded_by_id != uploader_id
            or (file.subject is None and _expired(file, now, hours))
        ):
            raise InvalidInput(FIELD, "evidence.no_such_file", file_id=file_id)
        if file.subject is not None:
            raise InvalidInput(FIELD, "evidence.already_attached", file_id=file_id, name=file.name)
    check_count(uow.evidence.count_attached(subject, subject_id), len(ids), LIMITS)
    uow.evidence.attach(ids, subject=subject, subject_id=subject_id, at=now)


def file_for(
    uow: UnitOfWork, actor: Actor, file_id: int, *, store: FileStore, now: datetime
) -> tuple[StoredFile, bytes]:
    """T6: a kept file and its bytes, for the order's buyer, a seller of its store and support
    (an unattached file for its uploader alone). For anyone else, and for a file that is gone,
    the same NotFound (never confirm it exists)."""
    with uow:
        file = uow.evidence.get(file_id)
        order = uow.orders.get(file.order_id) if file is not None else None
        hours = uow.platform.policy().evidence_unattached_hours
    if file is None or order is None:
        raise NotFound("evidence.no_such_file", file_id=file_id)
    role = _party_role(actor, buyer_id=order.buyer_id, store_id=order.store_id)
    if role is None or (file.subject is None and actor.user_id != file.uploaded_by_id):
        raise NotFound("evidence.no_such_file", file_id=file_id)
    if _expired(file, now, hours):
        raise NotFound("evidence.no_such_file", file_id=file_id)
    data = store.get(file.storage_key)
    if data is None:
        log.error("evidence file %s has no bytes in the store", file.id)
        raise NotFound("evidence.no_such_file", file_id=file_id)
    return file, data


def purge_unattached(uow: UnitOfWork, ctx: Context, *, file_id: int) -> bool:
    """The `evidence.purge` deadline: a file still unattached once its window has passed is
    deleted, row then bytes; an attached one (or one already gone) stays as it is."""
    now = ctx.clock.now()
    with uow:
        file = uow.evidence.get(file_id, for_update=True)
        if file is None or file.subject is not None:
            return False
        hours = uow.platform.policy().evidence_unattached_hours
        if not _expired(file, now, hours):
            # The window was made longer since the upload: come back at its new end.
            due = file.created_at + timedelta(hours=hours)
            schedule_deadline(uow, name=PURGE, subject_id=file.id, due_at=due)
            uow.commit()
            return False
        uow.evidence.delete(file.id)
        uow.commit()
    # After the commit: bytes without a row are never served; a row without bytes could be.
    _store(ctx).delete(file.storage_key)
    return True
