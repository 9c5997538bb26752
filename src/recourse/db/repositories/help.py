"""Repository of the help centre's articles (H2)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from recourse.db.models.help import HelpArticleRow
from recourse.services.ports.help import HelpArticle


class SqlHelpArticles:
    def __init__(self, session: Session) -> None:
        self.s = session
        self._rows: dict[tuple[str, str], HelpArticleRow] = {}
        self._loaded = False

    def hashes(self) -> dict[tuple[str, str], str]:
        self._rows = {(r.slug, r.lang): r for r in self.s.scalars(select(HelpArticleRow))}
        self._loaded = True
        return {key: row.content_hash for key, row in self._rows.items()}

    def upsert(self, article: HelpArticle) -> None:
        if self._loaded:  # hashes() has read every row: one not among them is new
            row = self._rows.get((article.slug, article.lang))
        else:
            row = self.s.scalar(
                select(HelpArticleRow).where(
                    HelpArticleRow.slug == article.slug, HelpArticleRow.lang == article.lang
                )
            )
        if row is None:
            row = HelpArticleRow(slug=article.slug, lang=article.lang)
            self.s.add(row)
            self._rows[(article.slug, article.lang)] = row
        row.title = article.title
        row.summary = article.summary
        row.keywords = article.keywords
        row.body = article.body
        row.body_text = article.text
        row.content_hash = article.content_hash

    def remove(self, slug: str, lang: str) -> None:
        self._rows.pop((slug, lang), None)
        self.s.execute(
            delete(HelpArticleRow).where(HelpArticleRow.slug == slug, HelpArticleRow.lang == lang)
        )
