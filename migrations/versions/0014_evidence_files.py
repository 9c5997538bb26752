"""evidence files

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 20:00:00.000000

Files a party uploaded as evidence for an order (SPEC T6). A file is uploaded first, unattached
(subject NULL, purged after a platform window), then attached to one return, message or dispute
inside that use case's transaction. The bytes live in the file store under `storage_key`;
`name` is the sanitised original name, for display only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from recourse.db.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "evidence_files",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("order_id", Id, nullable=False),
        sa.Column("uploaded_by_id", Id, nullable=False),
        sa.Column("uploaded_by_role", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=True),
        sa.Column("subject_id", Id, nullable=True),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("attached_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_evidence_files_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_files_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_evidence_files_storage_key")),
    )
    op.create_index(
        "ix_evidence_files_subject_subject_id", "evidence_files", ["subject", "subject_id"]
    )
    op.create_index("ix_evidence_files_order_id", "evidence_files", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_evidence_files_order_id", table_name="evidence_files")
    op.drop_index("ix_evidence_files_subject_subject_id", table_name="evidence_files")
    op.drop_table("evidence_files")
