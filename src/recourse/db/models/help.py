"""H2: the help centre's articles as rows, one per slug and language, for listing and search.

The search index lives beside the rows and is kept by the database itself (migration 0011): an
FTS5 table filled by triggers on SQLite, a generated `tsvector` column with a GIN index on
PostgreSQL. Neither is mapped here, so copying rows never writes the index by hand."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from recourse.db.models.base import Base, Id


class HelpArticleRow(Base):
    __tablename__ = "help_articles"
    __table_args__ = (UniqueConstraint("slug", "lang"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(80))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    keywords: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
