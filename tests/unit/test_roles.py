"""§1: who may do what — the checks every use case asks before it changes anything."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from recourse.domain.accounts import check_store_membership, check_user_role
from recourse.domain.errors import InvalidInput, NotAllowed, NotFound
from recourse.domain.roles import (
    Actor,
    OperatorTask,
    Role,
    cancels_as,
    check_can_answer_cancellation,
    check_can_edit_policy,
    check_can_refund_by_hand,
    check_can_retry_refund,
    check_can_ship,
    check_can_withdraw_cancellation,
    check_operator,
    check_sees_webhook_deliveries,
)

BUYER_ID = 10
STORE_ID = 20
OPERATOR = Actor(Role.operator)
SUPPORT = Actor(Role.support, 3)
THE_BUYER = Actor(Role.buyer, BUYER_ID)
ANOTHER_BUYER = Actor(Role.buyer, 11)
THE_STORES_SELLER = Actor(Role.seller, 5, frozenset({STORE_ID, 21}))
ANOTHER_SELLER = Actor(Role.seller, 6, frozenset({22}))
EVERYONE = [OPERATOR, SUPPORT, THE_BUYER, ANOTHER_BUYER, THE_STORES_SELLER, ANOTHER_SELLER]
PEOPLE = [a for a in EVERYONE if a.role is not Role.operator]


@pytest.mark.parametrize("task", list(OperatorTask))
def test_the_operator_does_every_operator_task(task: OperatorTask) -> None:
    check_operator(OPERATOR, task)


@pytest.mark.parametrize("task", list(OperatorTask))
@pytest.mark.parametrize("actor", PEOPLE, ids=lambda a: a.label)
def test_no_user_does_an_operator_task(actor: Actor, task: OperatorTask) -> None:
    with pytest.raises(NotAllowed):
        check_operator(actor, task)


@pytest.mark.parametrize(
    ("actor", "role"),
    [(THE_BUYER, Role.buyer), (THE_STORES_SELLER, Role.seller)],
    ids=["the buyer", "the store's seller"],
)
def test_the_buyer_and_the_stores_seller_cancel(actor: Actor, role: Role) -> None:
    assert cancels_as(actor, buyer_id=BUYER_ID, store_id=STORE_ID) is role


@pytest.mark.parametrize(
    "actor", [OPERATOR, SUPPORT, ANOTHER_BUYER, ANOTHER_SELLER], ids=lambda a: a.label
)
def test_nobody_else_cancels_an_order(actor: Actor) -> None:
    with pytest.raises(NotAllowed):
        cancels_as(actor, buyer_id=BUYER_ID, store_id=STORE_ID)


def test_the_stores_seller_answers_a_cancellation_request() -> None:
    check_can_answer_cancellation(THE_STORES_SELLER, store_id=STORE_ID)


@pytest.mark.parametrize(
    "actor", [OPERATOR, SUPPORT, THE_BUYER, ANOTHER_SELLER], ids=lambda a: a.label
)
def test_nobody_else_approves_or_rejects_a_cancellation_request(actor: Actor) -> None:
    with pytest.raises(NotAllowed):
        check_can_answer_cancellation(actor, store_id=STORE_ID)


def test_the_buyer_withdraws_their_cancellation_request() -> None:
    check_can_withdraw_cancellation(THE_BUYER, buyer_id=BUYER_ID)


@pytest.mark.parametrize(
    "actor", [OPERATOR, SUPPORT, ANOTHER_BUYER, THE_STORES_SELLER], ids=lambda a: a.label
)
def test_nobody_else_withdraws_a_buyers_request(actor: Actor) -> None:
    with pytest.raises(NotAllowed):
        check_can_withdraw_cancellation(actor, buyer_id=BUYER_ID)


@pytest.mark.parametrize("actor", [THE_STORES_SELLER, OPERATOR], ids=lambda a: a.label)
def test_the_stores_seller_and_the_operators_feed_ship(actor: Actor) -> None:
    check_can_ship(actor, store_id=STORE_ID)


@pytest.mark.parametrize(
    "actor", [SUPPORT, THE_BUYER, ANOTHER_BUYER, ANOTHER_SELLER], ids=lambda a: a.label
)
def test_nobody_else_ships_an_order(actor: Actor) -> None:
    with pytest.raises(NotAllowed):
        check_can_ship(actor, store_id=STORE_ID)


@pytest.mark.parametrize("check", [check_can_refund_by_hand, check_can_retry_refund])
def test_support_refunds_by_hand_and_retries_refunds(check: Callable[[Actor], None]) -> None:
    check(SUPPORT)


@pytest.mark.parametrize("check", [check_can_refund_by_hand, check_can_retry_refund])
@pytest.mark.parametrize("actor", [OPERATOR, THE_BUYER, THE_STORES_SELLER], ids=lambda a: a.label)
def test_nobody_but_support_refunds_by_hand_or_retries_a_refund(
    actor: Actor, check: Callable[[Actor], None]
) -> None:
    with pytest.raises(NotAllowed):
        check(actor)


@pytest.mark.parametrize("actor", [THE_STORES_SELLER, OPERATOR], ids=lambda a: a.label)
def test_the_stores_staff_and_the_operator_edit_its_policy(actor: Actor) -> None:
    check_can_edit_policy(actor, store_id=STORE_ID)


def test_support_sees_a_stores_policy_but_may_not_edit_it() -> None:
    with pytest.raises(NotAllowed):
        check_can_edit_policy(SUPPORT, store_id=STORE_ID)


@pytest.mark.parametrize("actor", [THE_BUYER, ANOTHER_SELLER], ids=lambda a: a.label)
def test_a_store_someone_cannot_see_is_not_found(actor: Actor) -> None:
    with pytest.raises(NotFound):
        check_can_edit_policy(actor, store_id=STORE_ID)


@pytest.mark.parametrize("actor", [OPERATOR, SUPPORT], ids=lambda a: a.label)
def test_the_operator_and_support_see_webhook_deliveries(actor: Actor) -> None:
    check_sees_webhook_deliveries(actor, delivery_id=1)


@pytest.mark.parametrize(
    "actor", [THE_BUYER, THE_STORES_SELLER, ANOTHER_SELLER], ids=lambda a: a.label
)
def test_for_buyers_and_sellers_no_webhook_delivery_exists(actor: Actor) -> None:
    with pytest.raises(NotFound):
        check_sees_webhook_deliveries(actor, delivery_id=1)


@pytest.mark.parametrize("role", [Role.buyer, Role.seller, Role.support])
def test_people_have_user_accounts(role: Role) -> None:
    assert check_user_role(role) is role


def test_the_operator_has_tokens_not_a_user_account() -> None:
    with pytest.raises(InvalidInput) as excinfo:
        check_user_role(Role.operator)
    assert excinfo.value.field == "role"


@pytest.mark.parametrize(
    ("role", "store_ids"),
    [(Role.seller, {1}), (Role.seller, {1, 2}), (Role.buyer, set()), (Role.support, set())],
)
def test_sellers_belong_to_stores_and_nobody_else_does(role: Role, store_ids: set[int]) -> None:
    check_store_membership(role, store_ids)


@pytest.mark.parametrize(
    ("role", "store_ids"), [(Role.seller, set()), (Role.buyer, {1}), (Role.support, {1})]
)
def test_a_seller_without_a_store_or_a_non_seller_with_one_is_refused(
    role: Role, store_ids: set[int]
) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        check_store_membership(role, store_ids)
    assert excinfo.value.field == "store_ids"
