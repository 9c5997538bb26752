"""H2: the help centre's articles, read from where they are written and kept searchable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class HelpArticle:
    """One article in one language: its Markdown, the plain text search reads, and a hash of
    both so an unchanged article is left alone."""

    slug: str
    lang: str
    title: str
    summary: str
    keywords: str
    body: str
    text: str
    content_hash: str


class ArticleSource(Protocol):
    def articles(self) -> list[HelpArticle]: ...


class HelpArticles(Protocol):
    def hashes(self) -> dict[tuple[str, str], str]: ...
    def upsert(self, article: HelpArticle) -> None: ...
    def remove(self, slug: str, lang: str) -> None: ...
