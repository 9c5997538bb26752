"""The rows, one module per aggregate. Domain values are built from them in `db/repositories/`;
no rules live here. Importing this package registers every table on `Base.metadata`."""

from recourse.db.models.accounts import ApiTokenRow, LoginAttemptRow, UserRow, WebSessionRow
from recourse.db.models.base import NAMING, Base, Id
from recourse.db.models.cancellations import (
    CancellationLineRow,
    CancellationReasonRow,
    CancellationRow,
)
from recourse.db.models.conversation import (
    ConversationReadRow,
    InterceptRequestRow,
    OrderMessageRow,
)
from recourse.db.models.disputes import DisputeInfoRequestRow, DisputeProposalRow, DisputeRow
from recourse.db.models.evidence import EvidenceFileRow
from recourse.db.models.notifications import NotificationRow
from recourse.db.models.orders import OrderLineRow, OrderRow, TimelineRow
from recourse.db.models.platform import (
    DemoClockRow,
    IdempotencyKeyRow,
    InstallSecretRow,
    OutboxRow,
    PlatformSettingRow,
)
from recourse.db.models.protection import ProtectionExtensionRow
from recourse.db.models.refunds import (
    RefundAttemptRow,
    RefundLineRow,
    RefundRow,
    SandboxRefundRow,
    SandboxSettingRow,
    SettlementProfileRow,
)
from recourse.db.models.returns import ReturnLineRow, ReturnRow
from recourse.db.models.shipments import ShipmentEventRow, ShipmentLineRow, ShipmentRow
from recourse.db.models.stores import StorePolicyRow, StoreRow, StoreStaffRow
from recourse.db.models.tickets import SupportTicketRow
from recourse.db.models.webhooks import (
    EventRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)

__all__ = [
    "NAMING",
    "ApiTokenRow",
    "Base",
    "CancellationLineRow",
    "CancellationReasonRow",
    "CancellationRow",
    "ConversationReadRow",
    "DemoClockRow",
    "DisputeInfoRequestRow",
    "DisputeProposalRow",
    "DisputeRow",
    "EventRow",
    "EvidenceFileRow",
    "Id",
    "IdempotencyKeyRow",
    "InstallSecretRow",
    "InterceptRequestRow",
    "LoginAttemptRow",
    "NotificationRow",
    "OrderLineRow",
    "OrderMessageRow",
    "OrderRow",
    "OutboxRow",
    "PlatformSettingRow",
    "ProtectionExtensionRow",
    "RefundAttemptRow",
    "RefundLineRow",
    "RefundRow",
    "ReturnLineRow",
    "ReturnRow",
    "SandboxRefundRow",
    "SandboxSettingRow",
    "SettlementProfileRow",
    "ShipmentEventRow",
    "ShipmentLineRow",
    "ShipmentRow",
    "StorePolicyRow",
    "StoreRow",
    "StoreStaffRow",
    "SupportTicketRow",
    "TimelineRow",
    "UserRow",
    "WebSessionRow",
    "WebhookAttemptRow",
    "WebhookDeliveryRow",
    "WebhookEndpointRow",
]
