"""§9 stores and their versioned policies."""

from __future__ import annotations

from typing import Any

from recourse.domain import accounts as rules
from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.policy import PolicyVersion, make_policy
from recourse.domain.return_rules import check_address
from recourse.domain.roles import Actor, OperatorTask, check_can_edit_policy, check_operator
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def create_store(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    name: str,
    country: str,
    policy: dict[str, Any] | None = None,
    return_address: str | None = None,
) -> int:
    """P: a store starts with policy version 1, in force from its creation (and, R2, the
    address approved returns go to, when it has one)."""
    check_operator(actor, OperatorTask.create_stores)
    if not name.strip():
        raise InvalidInput("name", "store_name_missing")
    country = rules.check_country(country)
    first = make_policy(policy or {})
    now = ctx.clock.now()
    with uow:
        store_id = uow.stores.add(name.strip(), country, now)
        uow.stores.add_policy_version(store_id, first, now)
        if return_address is not None:
            uow.returns.set_store_return_address(store_id, check_address(return_address))
        uow.commit()
    return store_id


def set_return_address(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, store_id: int, address: str | None
) -> None:
    """R2: the store's sellers (or the operator) say where approved returns go."""
    with uow:
        if uow.stores.get(store_id) is None:
            raise NotFound("store_not_found")
        check_can_edit_policy(actor, store_id=store_id)
        uow.returns.set_store_return_address(store_id, check_address(address))
        uow.commit()


def update_store_policy(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, store_id: int, changes: dict[str, Any]
) -> PolicyVersion:
    """P: a change makes a new version; orders paid earlier keep the one they were paid under."""
    now = ctx.clock.now()
    with uow:
        if uow.stores.get(store_id) is None:
            raise NotFound("store_not_found")
        check_can_edit_policy(actor, store_id=store_id)
        versions = uow.stores.policy_versions(store_id)
        latest = max(versions, key=lambda v: v.version)
        policy = make_policy(changes, base=latest.policy)
        version = uow.stores.add_policy_version(store_id, policy, now)
        uow.commit()
    return version
