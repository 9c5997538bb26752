"""H2: the help centre for everyone, signed in or not: the articles in the reader's language,
one article rendered from its Markdown (no raw HTML), and search with marked snippets.

Also the `help_url(slug)` and `help_for(code)` template globals, so any page links a blocker's
sentence or a deadline to the article that explains it."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

from recourse.container import Container
from recourse.db.queries import help as help_queries
from recourse.i18n import N_
from recourse.integrations.help_articles import MarkdownArticles
from recourse.services import help as help_service
from recourse.texts.help import help_slug
from recourse.web import language
from recourse.web.deps import MaybeUser, ReadSession
from recourse.web.routers import page_router
from recourse.web.templating import render, templates

log = logging.getLogger(__name__)
router = page_router("/help")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
MAX_QUERY = help_queries.MAX_QUERY

# Our own articles, still rendered with the safe defaults: raw HTML in the Markdown is shown as
# text, and links may not use javascript: and the like (markdown-it's validateLink).
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def help_url(slug: str) -> str:
    """The address of a help article (an unknown slug still gets one: its page says so)."""
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise ValueError(f"not a help article slug: {slug!r}")
    return f"/help/{slug}"


def help_for(code: str | None) -> str | None:
    """The article explaining a blocker or deadline code, or None when none does (yet)."""
    slug = help_slug(code)
    return help_url(slug) if slug else None


templates.env.globals["help_url"] = help_url
templates.env.globals["help_for"] = help_for


@lru_cache(maxsize=128)
def rendered(content_hash: str, body: str) -> Markup:
    """An article's HTML, kept per content hash (the body changes only with the hash)."""
    return Markup(_markdown.render(body))  # noqa: S704 - markdown-it escapes, html=False


def marked(snippet: str) -> Markup:
    """A search snippet: escaped, then the matched words (between the marks) in <mark>."""
    safe = str(escape(snippet))
    safe = safe.replace(help_queries.MARK_START, "<mark>").replace(help_queries.MARK_END, "</mark>")
    return Markup(safe)  # noqa: S704 - escaped above; only our own tags added


@router.get("")
def help_index(request: Request, user: MaybeUser, session: ReadSession) -> Response:
    words = language.words(request)
    return render(
        request,
        "help/index.html",
        {
            "user": user,
            "articles": help_queries.articles(session, words.lang),
            "q": "",
            "max_query": MAX_QUERY,
        },
    )


@router.get("/search")
def help_search(
    request: Request,
    user: MaybeUser,
    session: ReadSession,
    q: Annotated[str, Query()] = "",
) -> Response:
    words = language.words(request)
    query = q.strip()
    context: dict[str, Any] = {
        "user": user,
        "q": query,
        "max_query": MAX_QUERY,
        "hits": [],
        "error": None,
    }
    if len(query) > MAX_QUERY:
        context["q"] = query[:MAX_QUERY]
        context["error"] = words._(
            N_("Your search is too long: use at most %(max)s characters."), max=MAX_QUERY
        )
        return render(request, "help/search.html", context, status_code=422)
    if query:
        hits = help_queries.search(session, words.lang, query)
        context["hits"] = [(hit, marked(hit.snippet)) for hit in hits]
    return render(request, "help/search.html", context)


@router.get("/{slug}")
def help_article(request: Request, user: MaybeUser, session: ReadSession, slug: str) -> Response:
    words = language.words(request)
    found = (
        help_queries.article(session, slug, words.lang)
        if SLUG.match(slug) and len(slug) <= MAX_SLUG
        else None
    )
    if found is None:
        return render(
            request,
            "error.html",
            {
                "user": user,
                "status": 404,
                "title": words._(N_("Not found")),
                "message": words._(N_("There is no help article at this address.")),
            },
            status_code=404,
        )
    return render(
        request,
        "help/article.html",
        {
            "user": user,
            "article": found,
            "html": rendered(found.content_hash, found.body),
            "q": "",
            "max_query": MAX_QUERY,
            "others": [
                a for a in help_queries.articles(session, words.lang) if a.slug != found.slug
            ],
        },
    )


def sync_at_start(container: Container) -> None:
    """Start-up: bring the articles' table up to the Markdown files. A database not migrated
    yet, or another process syncing at the same moment, is logged and the app starts anyway."""
    try:
        result = help_service.sync_articles(container.uow(), MarkdownArticles())
    except SQLAlchemyError as exc:
        log.warning("help articles not synced: %s", exc.__class__.__name__)
        return
    if result.added or result.changed or result.removed:
        log.info(
            "help articles synced: %s added, %s changed, %s removed",
            result.added,
            result.changed,
            result.removed,
        )
