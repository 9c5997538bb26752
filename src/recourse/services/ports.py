"""The ports services depend on; db/ and integrations/ implement them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import TracebackType
from typing import Any, Protocol, Self

from recourse.domain.accounts import Store, User, WebSession
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.order import Deadlines, LineQuantities, NewLine, Order, Payment
from recourse.domain.policy import PlatformPolicy, PolicyVersion, StorePolicy
from recourse.domain.reasons import Reason
from recourse.domain.refund import RefundedSoFar, RefundQuote, RefundStatus
from recourse.domain.roles import Role
from recourse.domain.settlement import SettlementProfile
from recourse.domain.shipment import Shipment, ShipmentLine, ShipmentStatus
from recourse.domain.timeline import TimelineEntry
from recourse.domain.webhooks import IPAddress


class Clock(Protocol):
    def now(self) -> datetime: ...


class HolidayCalendar(Protocol):
    def is_holiday(self, country: str, day: date) -> bool: ...
    def weekend(self, country: str) -> frozenset[int]: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def verify_decoy(self, password: str) -> None:
        """As long as `verify`, for an account that does not exist (T5)."""


class Currencies(Protocol):
    def is_known(self, code: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class NewUser:
    email: str
    name: str
    role: Role
    country: str
    timezone: str
    locale: str
    password_hash: str | None
    store_ids: frozenset[int]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewOrder:
    external_id: str | None
    buyer_id: int
    store_id: int
    currency: str
    country: str
    shipping_fee: int
    payment: Payment
    lines: Sequence[NewLine]
    created_at: datetime
    deadlines: Deadlines


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: int
    user_id: int | None
    operator: bool
    revoked: bool


class Users(Protocol):
    def add(self, user: NewUser) -> int: ...
    def get(self, user_id: int) -> User | None: ...
    def by_email(self, email: str) -> User | None: ...
    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...
    def staff_ids(self, store_id: int) -> list[int]: ...
    def home(self, user_id: int) -> tuple[str, str] | None:
        """(country, time zone)"""
        ...


class Stores(Protocol):
    def add(self, name: str, country: str, created_at: datetime) -> int: ...
    def get(self, store_id: int) -> Store | None: ...
    def add_policy_version(
        self, store_id: int, policy: StorePolicy, effective_from: datetime
    ) -> PolicyVersion: ...
    def policy_versions(self, store_id: int) -> list[PolicyVersion]: ...
    def policy_version(self, version_id: int) -> PolicyVersion | None: ...


class Orders(Protocol):
    def add(self, order: NewOrder) -> int: ...
    def get(self, order_id: int, *, for_update: bool = False) -> Order | None: ...
    def id_by_external_id(self, store_id: int, external_id: str) -> int | None: ...
    def save_quantities(self, order_id: int, changes: Mapping[int, LineQuantities]) -> None: ...
    def save_payment(
        self, order_id: int, payment: Payment, *, policy_version_id: int | None
    ) -> None: ...
    def save_deadlines(self, order_id: int, deadlines: Deadlines) -> None: ...
    def set_first_shipped(self, order_id: int, at: datetime) -> None: ...
    def set_status(self, order_id: int, status: str, at: datetime) -> None: ...
    def stored_status(self, order_id: int) -> str | None: ...


class Shipments(Protocol):
    def add(
        self,
        order_id: int,
        *,
        carrier: str,
        tracking_number: str,
        lines: Sequence[ShipmentLine],
        shipped_at: datetime,
    ) -> int: ...
    def get(self, shipment_id: int, *, for_update: bool = False) -> Shipment | None: ...
    def set_status(self, shipment_id: int, status: ShipmentStatus) -> None: ...
    def add_event(
        self, shipment_id: int, event: str, at: datetime, recorded_at: datetime
    ) -> int: ...


class Timeline(Protocol):
    def add(self, entry: TimelineEntry) -> None: ...


class Outbox(Protocol):
    def add(
        self,
        kind: str,
        payload: Mapping[str, Any],
        *,
        available_at: datetime,
        dedupe_key: str | None = None,
    ) -> None: ...


class Tokens(Protocol):
    def add(
        self,
        token_hash: str,
        *,
        user_id: int | None,
        operator: bool,
        name: str,
        created_at: datetime,
    ) -> int: ...
    def find(self, token_hash: str) -> TokenRecord | None: ...


class LoginAttempts(Protocol):
    def begin(self, keys: Sequence[str], at: datetime) -> list[int]:
        """One attempt under each key, counted as a failure until it is marked succeeded."""
        ...

    def failures_since(self, key: str, since: datetime, *, reset_by_success: bool) -> int: ...
    def succeeded(self, attempt_ids: Sequence[int]) -> None: ...
    def forget(self, attempt_ids: Sequence[int]) -> None: ...


class WebSessions(Protocol):
    def add(
        self, token_hash: str, *, user_id: int, created_at: datetime, expires_at: datetime
    ) -> int: ...
    def find(self, token_hash: str) -> WebSession | None: ...
    def seen(self, session_id: int, at: datetime) -> None: ...
    def end(self, token_hash: str) -> None: ...
    def end_all(self, user_id: int) -> int: ...
    def end_expired(self, now: datetime) -> int: ...


class Platform(Protocol):
    def policy(self) -> PlatformPolicy: ...
    def set_values(self, values: Mapping[str, int]) -> None: ...


@dataclass(frozen=True, slots=True)
class Refund:
    """A refund as the services see it (F1)."""

    id: int
    order_id: int
    status: RefundStatus
    amount: int
    currency: str
    method: str
    cause: str
    gateway: str
    idempotency_key: str
    gateway_reference: str | None
    trace_number: str | None
    attempts: int
    needs_attention: bool
    expected_earliest: date
    expected_latest: date
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewRefund:
    order_id: int
    quote: RefundQuote
    cause_ref: str | None
    reason: str | None
    note: str | None
    created_by_role: str
    created_by_id: int | None
    gateway: str
    expected_earliest: date
    expected_latest: date
    created_at: datetime


class Refunds(Protocol):
    def add(self, refund: NewRefund) -> int: ...
    def get(self, refund_id: int, *, for_update: bool = False) -> Refund | None: ...
    def so_far(self, order_id: int) -> RefundedSoFar: ...
    def update(self, refund_id: int, **values: Any) -> None: ...
    def id_by_reference(self, gateway: str, reference: str) -> int | None: ...
    def id_by_cause(self, order_id: int, cause_ref: str) -> int | None: ...


class Settlement(Protocol):
    def profile(self, method: str) -> SettlementProfile: ...
    def set_profile(self, profile: SettlementProfile) -> None: ...


class Notifications(Protocol):
    def add(
        self,
        *,
        user_id: int,
        kind: str,
        title: str,
        body: str,
        link: str | None,
        order_id: int | None,
        dedupe_key: str | None,
        created_at: datetime,
    ) -> None: ...
    def mark_read(self, notification_id: int, *, user_id: int, at: datetime) -> bool: ...
    def mark_all_read(self, *, user_id: int, at: datetime, up_to_id: int | None) -> int: ...


class Events(Protocol):
    def add(
        self, event_id: str, event_type: str, payload: Mapping[str, Any], at: datetime
    ) -> None: ...


class GatewayStatus(StrEnum):
    processing = "processing"
    succeeded = "succeeded"
    failed = "failed"


@dataclass(frozen=True, slots=True)
class GatewayRefund:
    """What the provider says about a refund."""

    reference: str
    status: GatewayStatus
    trace_number: str | None = None
    failure_reason: str | None = None


class GatewayUnavailable(Exception):
    """A transient failure (network, timeout, 5xx, rate limit): the call may be repeated."""


class PaymentGateway(Protocol):
    """F6: a payment provider's refunds API. Calls are idempotent by `idempotency_key`."""

    name: str

    def create_refund(
        self,
        *,
        idempotency_key: str,
        payment_reference: str | None,
        amount: int,
        currency: str,
        metadata: Mapping[str, str],
    ) -> GatewayRefund: ...

    def retrieve_refund(self, reference: str) -> GatewayRefund: ...


@dataclass(frozen=True, slots=True)
class Cancellation:
    id: int
    order_id: int
    store_id: int
    status: CancellationStatus
    initiator: str
    mode: str
    reason: str
    fault: str
    note: str | None
    whole_order: bool
    units: Mapping[int, int]
    requested_by_role: str
    requested_by_id: int | None
    respond_by: datetime | None
    refund_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewCancellation:
    order_id: int
    store_id: int
    status: CancellationStatus
    initiator: str
    mode: str
    reason: str
    fault: str
    note: str | None
    whole_order: bool
    units: Mapping[int, int]
    requested_by_role: str
    requested_by_id: int | None
    respond_by: datetime | None
    created_at: datetime
    request_key: str | None = None


class Cancellations(Protocol):
    def add(self, cancellation: NewCancellation) -> int: ...
    def id_by_request(self, order_id: int, request_key: str) -> int | None: ...
    def get(self, cancellation_id: int, *, for_update: bool = False) -> Cancellation | None: ...
    def pending_for_order(self, order_id: int) -> Cancellation | None: ...
    def update(self, cancellation_id: int, **values: Any) -> None: ...


class Reasons(Protocol):
    def get(self, code: str) -> Reason | None: ...
    def all(self, *, include_retired: bool = False) -> list[Reason]: ...
    def add(self, reason: Reason) -> None: ...
    def set_active(self, code: str, active: bool) -> bool: ...


class UnitOfWork(Protocol):
    @property
    def users(self) -> Users: ...
    @property
    def stores(self) -> Stores: ...
    @property
    def orders(self) -> Orders: ...
    @property
    def shipments(self) -> Shipments: ...
    @property
    def timeline(self) -> Timeline: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def tokens(self) -> Tokens: ...
    @property
    def login_attempts(self) -> LoginAttempts: ...
    @property
    def web_sessions(self) -> WebSessions: ...
    @property
    def platform(self) -> Platform: ...
    @property
    def refunds(self) -> Refunds: ...
    @property
    def settlement(self) -> Settlement: ...
    @property
    def notifications(self) -> Notifications: ...
    @property
    def events(self) -> Events: ...
    @property
    def cancellations(self) -> Cancellations: ...
    @property
    def reasons(self) -> Reasons: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Context:
    """What every use case needs besides the unit of work: time and calendars."""

    clock: Clock
    holidays: HolidayCalendar
    currencies: Currencies
    gateway: str = "sandbox"
    # T2: webhooks may go to loopback and private addresses (tests and local demos only).
    webhook_allow_private: bool = False


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """M3: where the operator wants events sent, and which types."""

    id: int
    url: str
    description: str | None
    secret: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """M3: one event on its way to one endpoint."""

    id: int
    endpoint_id: int
    event_id: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    """M3: what happened when a delivery was tried once."""

    at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    response_excerpt: str | None


class Webhooks(Protocol):
    def add_endpoint(
        self,
        *,
        url: str,
        description: str | None,
        secret: str,
        events: Sequence[str],
        created_at: datetime,
    ) -> int: ...
    def endpoint(self, endpoint_id: int) -> WebhookEndpoint | None: ...
    def update_endpoint(self, endpoint_id: int, **values: Any) -> None: ...
    def active_endpoints(self, created_by: datetime) -> list[WebhookEndpoint]: ...
    def event(self, event_id: str) -> tuple[str, datetime, dict[str, Any]] | None: ...
    def add_delivery(self, endpoint_id: int, event_id: str, created_at: datetime) -> int: ...
    def delivery(self, delivery_id: int, *, for_update: bool = False) -> WebhookDelivery | None: ...
    def update_delivery(self, delivery_id: int, **values: Any) -> None: ...
    def add_attempt(self, delivery_id: int, attempt: WebhookAttempt) -> None: ...


class Resolver(Protocol):
    """T2: the addresses a host name has now (DNS, the hosts file), in the order to try."""

    def resolve(self, host: str, port: int) -> list[IPAddress]: ...


class WebhookUnitOfWork(UnitOfWork, Protocol):
    """The unit of work with the webhook repository (fold into UnitOfWork when convenient)."""

    @property
    def webhooks(self) -> Webhooks: ...
