"""A person's own settings: the language they read Recourse in (M2)."""

from __future__ import annotations

from collections.abc import Collection

from recourse.domain.errors import InvalidInput, NotFound
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def set_locale(
    uow: UnitOfWork,
    ctx: Context,
    actor_user_id: int,
    locale: str,
    *,
    supported: Collection[str] | None = None,
) -> None:
    """The signed-in person chooses their language; pages and email follow it from then on.
    The edge knows which languages have catalogues and passes them as `supported`."""
    del ctx  # nothing here depends on time or calendars
    chosen = locale.strip()
    if not chosen or len(chosen) > 16 or (supported is not None and chosen not in supported):
        raise InvalidInput("locale", "locale_unsupported", locale=locale)
    with uow:
        if uow.users.get(actor_user_id) is None:
            raise NotFound("user_not_found", user_id=actor_user_id)
        uow.users.set_locale(actor_user_id, chosen)
        uow.commit()
