"""H2: the help centre's articles are synced from their Markdown files and searched with the
database's full-text search (SQLite FTS5 or PostgreSQL), in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from recourse.container import Container
from recourse.db.queries import help as help_queries
from recourse.integrations.help_articles import MarkdownArticles
from recourse.services.help import sync_articles

SLUGS = {
    "cancel-before-shipping",
    "cancel-some-items",
    "seller-does-not-answer",
    "seller-cancels",
    "refund-timing",
    "store-policies",
    "confirm-receipt-and-protection",
    "common-mistakes",
    "messages-and-stopping-a-parcel",
    "refusing-a-delivery",
    "returning-an-item",
    "what-a-return-costs",
    "opening-a-dispute",
    "dispute-escalation-and-decision",
    "appealing-a-decision",
}


@pytest.fixture
def synced(container: Container) -> Container:
    sync_articles(container.uow(), MarkdownArticles())
    return container


def search(c: Container, lang: str, q: str) -> list[help_queries.SearchHit]:
    with c.read_session() as session:
        return help_queries.search(session, lang, q)


def test_every_article_is_written_in_both_languages_with_the_same_slugs(
    synced: Container,
) -> None:
    with synced.read_session() as session:
        english = {a.slug for a in help_queries.articles(session, "en")}
        spanish = {a.slug for a in help_queries.articles(session, "es")}

    assert english == SLUGS
    assert spanish == SLUGS


def test_refund_card_finds_refund_timing_first_in_english(synced: Container) -> None:
    hits = search(synced, "en", "refund card")

    assert hits[0].slug == "refund-timing"
    assert "\x02" in hits[0].snippet  # a matched word is marked in the snippet


def test_reembolso_tarjeta_finds_refund_timing_first_in_spanish(synced: Container) -> None:
    hits = search(synced, "es", "reembolso tarjeta")

    assert hits[0].slug == "refund-timing"
    assert hits[0].title.startswith("Plazos de reembolso")


def test_a_search_reads_only_the_readers_language(synced: Container) -> None:
    assert search(synced, "en", "reembolso tarjeta") == []
    assert search(synced, "es", "refund card") == []


def test_a_word_no_article_uses_finds_nothing(synced: Container) -> None:
    assert search(synced, "en", "xylophonequark") == []
    assert search(synced, "es", "refund xylophonequark") == []


@pytest.mark.parametrize(
    "q",
    [
        '"refund',
        "card*",
        "(refund",
        "refund:card",
        "-refund",
        "refund AND OR NOT card",
        "NEAR(refund card)",
        "'; DROP TABLE help_articles; --",
        "^refund",
        "\\ % _ ' \" * ( ) : -",
        "",
        "   ",
        "x" * 5000,
    ],
)
def test_search_syntax_typed_by_a_person_is_read_as_words(synced: Container, q: str) -> None:
    hits = search(synced, "en", q)

    assert isinstance(hits, list)
    if q.startswith(("card", "(refund", "refund:card", '"refund')):
        assert hits, "the words around the syntax are still searched"


def test_a_spanish_word_finds_its_plural_and_accents_do_not_matter(synced: Container) -> None:
    assert search(synced, "es", "reembolsos")[0].slug
    assert {h.slug for h in search(synced, "es", "deposito")} == {
        h.slug for h in search(synced, "es", "depósito")
    }


def test_sync_writes_changes_and_removes_articles_no_longer_written(
    container: Container, tmp_path: Path
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "es").mkdir()
    article = tmp_path / "en" / "kettle-help.md"
    article.write_text(
        "---\ntitle: Kettles\nsummary: About kettles.\n---\nA zephyrine kettle boils.\n"
    )
    (tmp_path / "es" / "kettle-help.md").write_text(
        "---\ntitle: Hervidores\nsummary: Sobre hervidores.\n---\nUn hervidor hierve.\n"
    )
    source = MarkdownArticles(tmp_path)

    first = sync_articles(container.uow(), source)
    again = sync_articles(container.uow(), source)
    article.write_text(
        "---\ntitle: Kettles\nsummary: About kettles.\n---\nA quokkalike kettle boils.\n"
    )
    changed = sync_articles(container.uow(), source)

    assert (first.added, first.removed) == (2, 0)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)
    assert (changed.changed, changed.unchanged) == (1, 1)
    assert search(container, "en", "zephyrine") == []
    assert [h.slug for h in search(container, "en", "quokkalike")] == ["kettle-help"]

    article.unlink()
    removed = sync_articles(container.uow(), source)

    assert removed.removed == 1
    assert search(container, "en", "quokkalike") == []
    with container.read_session() as session:
        assert help_queries.article(session, "kettle-help", "es") is not None
        assert help_queries.article(session, "kettle-help", "en") is None  # no fallback to es


def test_an_article_not_written_in_a_language_falls_back_to_english(
    container: Container, tmp_path: Path
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "only-english.md").write_text(
        "---\ntitle: Only English\nsummary: Not translated yet.\n---\nBody.\n"
    )
    sync_articles(container.uow(), MarkdownArticles(tmp_path))

    with container.read_session() as session:
        found = help_queries.article(session, "only-english", "es")

    assert found is not None and found.lang == "en"
