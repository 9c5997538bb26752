"""The install's root secret when the operator set none: made once, kept in the database, so
every web and worker process of one install signs and verifies with the same key."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recourse.db.models import InstallSecretRow

ROOT = "root"


def stored_root_secret(engine: Engine) -> str:
    """Reads the install's root secret, making it first if this install has none yet."""
    with Session(engine) as session:
        value = session.scalar(select(InstallSecretRow.value).where(InstallSecretRow.name == ROOT))
    if value is not None:
        return value
    try:
        with Session(engine) as session, session.begin():
            session.add(
                InstallSecretRow(
                    name=ROOT, value=secrets.token_hex(32), created_at=datetime.now(UTC)
                )
            )
    except IntegrityError:
        pass  # another process made it first: theirs is the install's secret
    with Session(engine) as session:
        stored = session.scalar(select(InstallSecretRow.value).where(InstallSecretRow.name == ROOT))
    assert stored is not None
    return stored
