"""Users: buyers, sellers (with their stores) and support agents (§1)."""

from __future__ import annotations

from fastapi import status

from recourse.db.queries.users import user_view
from recourse.domain.errors import NotFound
from recourse.domain.roles import Role
from recourse.services import accounts
from recourse.web.api.fields import Id
from recourse.web.api.responses.accounts import Me, OperatorIdentity, User
from recourse.web.api.schemas import UserIn
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor, ReadSession
from recourse.web.routers import api_router

router = api_router("users")


def _user(s: ReadSession, user_id: int) -> User:
    found = user_view(s, user_id)
    if found is None:
        raise NotFound("user_not_found", user_id=user_id)
    return User.of(found)


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, actor: OperatorActor, c: ContainerDep, s: ReadSession) -> User:
    user_id = accounts.create_user(
        c.uow(),
        c.ctx,
        c.hasher,
        actor=actor,
        data=accounts.UserInput(
            email=body.email,
            name=body.name,
            role=Role(body.role),
            country=body.country,
            timezone=body.timezone,
            locale=body.locale or "en",
            password=body.password,
            store_ids=tuple(body.store_ids or ()),
        ),
    )
    return _user(s, user_id)


@router.get("/users/me")
def me(actor: ApiActor, s: ReadSession) -> Me:
    """The token's owner: a user, or the operator (whose token belongs to no user)."""
    if actor.user_id is None:
        return OperatorIdentity(role="operator")
    return _user(s, actor.user_id)


@router.get("/users/{user_id}")
def get_user(user_id: Id, actor: ApiActor, s: ReadSession) -> User:
    if not (actor.sees_everything or actor.user_id == user_id):
        raise NotFound("user_not_found", user_id=user_id)
    return _user(s, user_id)
