"""Read side of the platform settings: the operator's windows the pages word (C4, C11)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.domain.policy import PlatformPolicy


def platform_policy(session: Session) -> PlatformPolicy:
    """The operator's windows as they stand (the reminder window colours the countdown)."""
    rows = session.execute(select(m.PlatformSettingRow.key, m.PlatformSettingRow.value))
    return PlatformPolicy.from_overrides({str(k): int(v) for k, v in rows})
