"""Stores and their versioned policies (§9)."""

from __future__ import annotations

from fastapi import status

from recourse.db.queries.stores import store_with_policy
from recourse.domain.errors import NotFound
from recourse.services import stores
from recourse.web.api.fields import Id, filled
from recourse.web.api.responses.accounts import Store
from recourse.web.api.schemas import PolicyIn, StoreIn
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor, ReadSession
from recourse.web.routers import api_router

router = api_router("stores")


def _store(s: ReadSession, c: ContainerDep, store_id: int) -> Store:
    found = store_with_policy(s, store_id, c.clock.now())
    if found is None:
        raise NotFound("store_id_not_found", store_id=store_id)
    return Store.of(found)


@router.post("/stores", status_code=status.HTTP_201_CREATED)
def create_store(body: StoreIn, actor: OperatorActor, c: ContainerDep, s: ReadSession) -> Store:
    store_id = stores.create_store(
        c.uow(),
        c.ctx,
        actor=actor,
        name=body.name,
        country=body.country,
        policy=body.policy.changes() if body.policy else None,
        return_address=filled(body.policy.return_address) if body.policy else None,
    )
    return _store(s, c, store_id)


@router.get("/stores/{store_id}")
def get_store(store_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession) -> Store:
    if not (actor.sees_everything or store_id in actor.store_ids):
        raise NotFound("store_id_not_found", store_id=store_id)
    return _store(s, c, store_id)


@router.put("/stores/{store_id}/policy")
def update_policy(
    store_id: Id, body: PolicyIn, actor: ApiActor, c: ContainerDep, s: ReadSession
) -> Store:
    """A new policy version; orders keep the version in force when they were paid. The return
    address is kept on the store (not versioned): a new one applies to the next approval."""
    if body.return_address is not None:
        stores.set_return_address(
            c.uow(), c.ctx, actor=actor, store_id=store_id, address=filled(body.return_address)
        )
    if body.changes() or body.return_address is None:
        stores.update_store_policy(
            c.uow(), c.ctx, actor=actor, store_id=store_id, changes=body.changes()
        )
    return _store(s, c, store_id)
