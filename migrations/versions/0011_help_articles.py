"""help centre articles and their full-text index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 16:10:00.000000

One row per article and language, synced from the Markdown files at start-up. Search reads an
index the database keeps itself: on SQLite an external-content FTS5 table (`unicode61
remove_diacritics 2`) filled by triggers; on PostgreSQL a generated `tsvector` column in the
article's own language ('english' / 'spanish'), title and keywords weighing most, with a GIN
index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_SQLITE = [
    """CREATE VIRTUAL TABLE help_articles_fts USING fts5(
        title, summary, keywords, body_text,
        content='help_articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER help_articles_ai AFTER INSERT ON help_articles BEGIN
        INSERT INTO help_articles_fts(rowid, title, summary, keywords, body_text)
        VALUES (new.id, new.title, new.summary, new.keywords, new.body_text);
    END""",
    """CREATE TRIGGER help_articles_ad AFTER DELETE ON help_articles BEGIN
        INSERT INTO help_articles_fts(help_articles_fts, rowid, title, summary, keywords, body_text)
        VALUES ('delete', old.id, old.title, old.summary, old.keywords, old.body_text);
    END""",
    """CREATE TRIGGER help_articles_au AFTER UPDATE ON help_articles BEGIN
        INSERT INTO help_articles_fts(help_articles_fts, rowid, title, summary, keywords, body_text)
        VALUES ('delete', old.id, old.title, old.summary, old.keywords, old.body_text);
        INSERT INTO help_articles_fts(rowid, title, summary, keywords, body_text)
        VALUES (new.id, new.title, new.summary, new.keywords, new.body_text);
    END""",
]

_CONFIG = "(CASE lang WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END)"
_POSTGRES = [
    f"""ALTER TABLE help_articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({_CONFIG}, title), 'A')
        || setweight(to_tsvector({_CONFIG}, keywords), 'A')
        || setweight(to_tsvector({_CONFIG}, summary), 'B')
        || setweight(to_tsvector({_CONFIG}, body_text), 'C')
    ) STORED""",
    "CREATE INDEX ix_help_articles_search ON help_articles USING gin (search)",
]


def upgrade() -> None:
    op.create_table(
        "help_articles",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("keywords", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_articles")),
        sa.UniqueConstraint("slug", "lang", name=op.f("uq_help_articles_slug_lang")),
    )
    dialect = op.get_bind().dialect.name
    for statement in _SQLITE if dialect == "sqlite" else _POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("help_articles_au", "help_articles_ad", "help_articles_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS help_articles_fts")
    op.drop_table("help_articles")
