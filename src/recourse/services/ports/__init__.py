"""The ports services depend on, one module per capability; db/ and integrations/ implement
them. Inside services/ import from the module; this package re-exports every name for the
code outside it."""

from recourse.services.ports.accounts import (
    LoginAttempts,
    NewUser,
    TokenRecord,
    Tokens,
    Users,
    WebSessions,
)
from recourse.services.ports.cancellations import Cancellation, Cancellations, NewCancellation
from recourse.services.ports.common import (
    Clock,
    Context,
    Currencies,
    HolidayCalendar,
    Outbox,
    PasswordHasher,
    Resolver,
    Timeline,
)
from recourse.services.ports.gateway import (
    GatewayRefund,
    GatewayStatus,
    GatewayUnavailable,
    PaymentGateway,
)
from recourse.services.ports.notifications import Notifications
from recourse.services.ports.orders import NewOrder, Orders
from recourse.services.ports.platform import Platform, Reasons, Settlement
from recourse.services.ports.refunds import NewRefund, Refund, Refunds
from recourse.services.ports.shipments import Shipments
from recourse.services.ports.stores import Stores
from recourse.services.ports.unit_of_work import UnitOfWork, WebhookUnitOfWork
from recourse.services.ports.webhooks import (
    Events,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    Webhooks,
)

__all__ = [
    "Cancellation",
    "Cancellations",
    "Clock",
    "Context",
    "Currencies",
    "Events",
    "GatewayRefund",
    "GatewayStatus",
    "GatewayUnavailable",
    "HolidayCalendar",
    "LoginAttempts",
    "NewCancellation",
    "NewOrder",
    "NewRefund",
    "NewUser",
    "Notifications",
    "Orders",
    "Outbox",
    "PasswordHasher",
    "PaymentGateway",
    "Platform",
    "Reasons",
    "Refund",
    "Refunds",
    "Resolver",
    "Settlement",
    "Shipments",
    "Stores",
    "Timeline",
    "TokenRecord",
    "Tokens",
    "UnitOfWork",
    "Users",
    "WebSessions",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookUnitOfWork",
    "Webhooks",
]
