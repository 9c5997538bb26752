"""outbox: a small index of dead messages in place of one over every message

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 07:10:00.000000

`ix_outbox_due` (delivered_at, dead_at, available_at) held every message ever queued, so each
message paid an entry in it when it was queued and another when it was delivered (the update
cannot be HOT while an index covers `delivered_at`). The claims read `ix_outbox_waiting` and
`ix_outbox_shard_waiting`; the index was read only for the dead messages (their count in
/metrics, support's dead-letter list), which a partial index of those few serves.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

DEAD = sa.text("dead_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_dead", "outbox", ["dead_at"], postgresql_where=DEAD, sqlite_where=DEAD
    )
    op.drop_index("ix_outbox_due", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_due", "outbox", ["delivered_at", "dead_at", "available_at"])
    op.drop_index("ix_outbox_dead", table_name="outbox")
