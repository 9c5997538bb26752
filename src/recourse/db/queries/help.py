"""Read side of the help centre (H2): the articles of a language, one article, and search.

Search is one function over two engines: SQLite's FTS5 (`unicode61 remove_diacritics 2`, each
word as a prefix, so "reembolso" finds "reembolsos" and "refund" finds "refunds", ranked by
bm25 with the title and keywords weighing most) and PostgreSQL's full-text search (the
article's language's stemmer, `plainto_tsquery`, `ts_rank` on weighted fields, `ts_headline`).
A query is reduced to its words first, so no character a person types is read as syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from recourse.db.models.help import HelpArticleRow

MAX_QUERY = 200
MAX_WORDS = 12
MAX_RESULTS = 20
# What marks a matched word in a snippet: control characters no article contains, turned into
# <mark> by the page after it has escaped the rest.
MARK_START = "\x02"
MARK_END = "\x03"

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    slug: str
    title: str
    summary: str


@dataclass(frozen=True, slots=True)
class Article:
    slug: str
    lang: str
    title: str
    summary: str
    body: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    slug: str
    title: str
    summary: str
    snippet: str


def query_words(q: str) -> list[str]:
    """The words of what someone typed: letters and digits only, lower-cased, at most 12."""
    words: list[str] = []
    for word in _WORD.findall(q[:MAX_QUERY].lower()):
        word = word.strip("_")
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def articles(session: Session, lang: str) -> list[ArticleSummary]:
    rows = session.execute(
        select(HelpArticleRow.slug, HelpArticleRow.title, HelpArticleRow.summary)
        .where(HelpArticleRow.lang == lang)
        .order_by(HelpArticleRow.id)
    )
    return [ArticleSummary(slug, title, summary) for slug, title, summary in rows]


def article(session: Session, slug: str, lang: str) -> Article | None:
    """The article in `lang`, or in English when it is not written in `lang` yet."""
    rows = session.scalars(
        select(HelpArticleRow).where(
            HelpArticleRow.slug == slug, HelpArticleRow.lang.in_((lang, "en"))
        )
    ).all()
    row = next((r for r in rows if r.lang == lang), None) or next(iter(rows), None)
    if row is None:
        return None
    return Article(row.slug, row.lang, row.title, row.summary, row.body, row.content_hash)


def search(session: Session, lang: str, q: str, limit: int = MAX_RESULTS) -> list[SearchHit]:
    """Articles in `lang` holding every word of `q`, best first, each with a marked snippet."""
    words = query_words(q)
    if not words:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _search_postgres(session, lang, words, limit)
    return _search_sqlite(session, lang, words, limit)


_SQLITE_SEARCH = text(
    """
    SELECT a.slug, a.title, a.summary,
           snippet(help_articles_fts, 3, :start, :end, '…', 24) AS snippet
    FROM help_articles_fts
    JOIN help_articles AS a ON a.id = help_articles_fts.rowid
    WHERE help_articles_fts MATCH :match AND a.lang = :lang
    ORDER BY bm25(help_articles_fts, 10.0, 4.0, 8.0, 1.0), a.id
    LIMIT :limit
    """
)


def _search_sqlite(session: Session, lang: str, words: list[str], limit: int) -> list[SearchHit]:
    # Each word a quoted string with a prefix star: "reembolso"* AND "tarjeta"*.
    match = " AND ".join('"' + w.replace('"', '""') + '"*' for w in words)
    rows = session.execute(
        _SQLITE_SEARCH,
        {"match": match, "lang": lang, "limit": limit, "start": MARK_START, "end": MARK_END},
    )
    return [SearchHit(*row) for row in rows]


_POSTGRES_SEARCH = text(
    """
    WITH q AS (SELECT plainto_tsquery(CAST(:config AS regconfig), :words) AS query)
    SELECT a.slug, a.title, a.summary,
           ts_headline(CAST(:config AS regconfig), a.body_text, q.query, :options) AS snippet
    FROM help_articles AS a, q
    WHERE a.lang = :lang AND a.search @@ q.query
    ORDER BY ts_rank(a.search, q.query) DESC, a.id
    LIMIT :limit
    """
)
_CONFIGS = {"en": "english", "es": "spanish"}


def _search_postgres(session: Session, lang: str, words: list[str], limit: int) -> list[SearchHit]:
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12"
    rows = session.execute(
        _POSTGRES_SEARCH,
        {
            "config": _CONFIGS.get(lang, "simple"),
            "words": " ".join(words),
            "lang": lang,
            "limit": limit,
            "options": options,
        },
    )
    return [SearchHit(*row) for row in rows]
