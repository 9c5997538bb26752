"""Repository of the help centre's articles (H2)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from recourse.db.models.help import HelpArticleRow
from recourse.services.ports.help import HelpArticle


class SqlHelpArticles:
    def __init__(self, session: Session) -> None:
        self.s = session

    def hashes(self) -> dict[tuple[str, str], str]:
        rows = self.s.execute(
            select(HelpArticleRow.slug, HelpArticleRow.lang, HelpArticleRow.content_hash)
        )
        return {(slug, lang): content_hash for slug, lang, content_hash in rows}

    def upsert(self, article: HelpArticle) -> None:
        row = self.s.scalar(
            select(HelpArticleRow).where(
                HelpArticleRow.slug == article.slug, HelpArticleRow.lang == article.lang
            )
        )
        if row is None:
            row = HelpArticleRow(slug=article.slug, lang=article.lang)
            self.s.add(row)
        row.title = article.title
        row.summary = article.summary
        row.keywords = article.keywords
        row.body = article.body
        row.body_text = article.text
        row.content_hash = article.content_hash
        self.s.flush()

    def remove(self, slug: str, lang: str) -> None:
        self.s.execute(
            delete(HelpArticleRow).where(HelpArticleRow.slug == slug, HelpArticleRow.lang == lang)
        )
