"""notifications stored as kind + parameters, worded when read

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 15:30:00.000000

A notification is kept as what happened (`kind`) and its facts (`params`: ids, codes, amounts as
{"amount", "currency"}, times as ISO text), and worded in the reader's language when it is read.
Rows written before keep their stored `title` and `body`; new rows leave them empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch_op.alter_column(
            "title", existing_type=sa.String(length=300), existing_nullable=False, nullable=True
        )
        batch_op.alter_column(
            "body", existing_type=sa.Text(), existing_nullable=False, nullable=True
        )


def downgrade() -> None:
    # Rows worded when read get their kind as a title, so the columns can be NOT NULL again.
    notifications = sa.table(
        "notifications",
        sa.column("kind", sa.String()),
        sa.column("title", sa.String()),
        sa.column("body", sa.Text()),
    )
    op.execute(
        notifications.update()
        .where(notifications.c.title.is_(None))
        .values(title=notifications.c.kind)
    )
    op.execute(notifications.update().where(notifications.c.body.is_(None)).values(body=""))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.alter_column(
            "body", existing_type=sa.Text(), existing_nullable=True, nullable=False
        )
        batch_op.alter_column(
            "title", existing_type=sa.String(length=300), existing_nullable=True, nullable=False
        )
        batch_op.drop_column("params")
