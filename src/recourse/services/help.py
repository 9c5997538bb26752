"""H2: the help centre's table follows the article files: new and changed articles are written,
those no longer written are removed; an unchanged one (same hash) is not touched."""

from __future__ import annotations

from dataclasses import dataclass

from recourse.services.ports.help import ArticleSource
from recourse.services.ports.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class SyncResult:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


def sync_articles(uow: UnitOfWork, source: ArticleSource) -> SyncResult:
    """Upsert by slug and language when the content hash differs; delete the rest."""
    articles = source.articles()
    added = changed = unchanged = 0
    with uow:
        stored = uow.help_articles.hashes()
        for article in articles:
            key = (article.slug, article.lang)
            known = stored.pop(key, None)
            if known == article.content_hash:
                unchanged += 1
                continue
            uow.help_articles.upsert(article)
            if known is None:
                added += 1
            else:
                changed += 1
        for slug, lang in sorted(stored):
            uow.help_articles.remove(slug, lang)
        uow.commit()
    return SyncResult(added=added, changed=changed, removed=len(stored), unchanged=unchanged)
