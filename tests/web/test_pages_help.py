"""H2: the help centre's pages, for visitors and signed-in people alike, in the reader's
language: the index with a search box, an article, search with marked snippets, and 404s."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from recourse.bootstrap import Container
from recourse.domain.roles import Role
from recourse.texts.help import HELP_FOR
from recourse.web.pages.help import help_for, help_url
from tests.factories import make_order, make_store, pay, ship_all
from tests.web.test_pages import signed_in

SPANISH = {"accept-language": "es"}


def test_the_index_lists_the_articles_with_a_search_box(client: TestClient) -> None:
    page = client.get("/help")

    assert page.status_code == 200
    assert '<form method="get" action="/help/search" role="search"' in page.text
    assert 'href="/help/refund-timing"' in page.text
    assert 'href="/help/cancel-before-shipping"' in page.text
    assert 'href="/login">' not in page.text.split("<main", 1)[1].split("</main>")[0]


def test_an_article_is_rendered_from_its_markdown(client: TestClient) -> None:
    page = client.get("/help/refund-timing")

    assert page.status_code == 200
    assert '<h1 id="article-title">Refund timing' in page.text
    assert "<table>" in page.text
    assert "3 to 20 business days" in page.text
    assert '<a href="/help/common-mistakes">' in page.text


@pytest.mark.parametrize(
    "slug",
    ["no-such-article", "Refund-Timing", "refund_timing", "a--b", "-x", "x" * 81, "%3Cb%3E"],
)
def test_an_unknown_or_malformed_slug_is_a_404_page(client: TestClient, slug: str) -> None:
    page = client.get(f"/help/{slug}")

    assert page.status_code == 404
    assert "There is no help article at this address." in page.text


def test_search_finds_and_marks_the_words(client: TestClient) -> None:
    page = client.get("/help/search", params={"q": "refund card"})

    assert page.status_code == 200
    results = page.text.split('class="help-results"', 1)[1]
    first = re.search(r'<a href="(/help/[a-z-]+)">', results)
    assert first is not None and first.group(1) == "/help/refund-timing"
    assert "<mark>" in results
    assert 'value="refund card"' in page.text


def test_search_without_words_asks_for_some(client: TestClient) -> None:
    page = client.get("/help/search")

    assert page.status_code == 200
    assert "Type a few words" in page.text


def test_search_for_nothing_known_says_so(client: TestClient) -> None:
    page = client.get("/help/search", params={"q": 'xylophonequark "*(:-'})

    assert page.status_code == 200
    assert "No article matches" in page.text
    assert "&#34;*(:-" in page.text or "&quot;*(:-" in page.text  # escaped, not markup


def test_a_query_over_200_characters_is_refused_with_the_field(client: TestClient) -> None:
    page = client.get("/help/search", params={"q": "refund " * 40})

    assert page.status_code == 422
    assert "use at most 200 characters" in page.text
    assert 'aria-invalid="true"' in page.text


def test_a_spanish_visitor_reads_spanish_articles_and_finds_them(client: TestClient) -> None:
    index = client.get("/help", headers=SPANISH)
    found = client.get("/help/search", params={"q": "reembolso tarjeta"}, headers=SPANISH)
    article = client.get("/help/refund-timing", headers=SPANISH)

    assert index.status_code == 200
    assert "Plazos de reembolso" in index.text
    assert "Refund timing" not in index.text
    results = found.text.split('class="help-results"', 1)[1]
    assert results.index('href="/help/refund-timing"') < results.index("</ol>")
    assert re.search(r'<a href="(/help/[a-z-]+)">', results).group(1) == "/help/refund-timing"  # type: ignore[union-attr]
    assert "de 3 a 20 días hábiles" in article.text
    assert '<html lang="es">' in article.text


def test_a_signed_in_buyer_reads_help_with_the_sites_navigation(
    client: TestClient, container: Container
) -> None:
    signed_in(client, container, role=Role.buyer, name="Ana Buyer")

    page = client.get("/help/cancel-some-items")

    assert page.status_code == 200
    assert 'href="/orders"' in page.text
    assert "Ana Buyer" in page.text
    nav = page.text.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/help" aria-current="page">Help</a>' in nav


def test_a_signed_in_buyer_who_reads_spanish_gets_spanish_help(
    client: TestClient, container: Container
) -> None:
    signed_in(client, container, role=Role.buyer, locale="es")

    page = client.get("/help")

    assert "Cancelar algunos artículos" in page.text


def test_every_page_links_to_help_in_its_footer(client: TestClient) -> None:
    page = client.get("/login")

    footer = page.text.split('<footer class="site-footer">', 1)[1]
    assert 'href="/help"' in footer


def test_blocker_codes_link_to_their_article() -> None:
    assert help_for("already_shipped") == "/help/cancel-before-shipping"
    assert help_for("partial_cancel_not_allowed") == "/help/cancel-some-items"
    assert help_for("respond_by_passed") == "/help/seller-does-not-answer"
    assert help_for("nothing_to_refund") == "/help/refund-timing"
    assert help_for("no_such_code") is None
    assert help_url("store-policies") == "/help/store-policies"
    with pytest.raises(ValueError):
        help_url("../etc")


def test_every_code_points_at_an_article_that_exists(client: TestClient) -> None:
    for code, slug in HELP_FOR.items():
        assert client.get(f"/help/{slug}").status_code == 200, code


def test_an_order_page_links_its_dates_and_a_cancel_blocker_to_their_articles(
    client: TestClient, container: Container
) -> None:
    buyer = signed_in(client, container, role=Role.buyer)
    store = make_store(container)
    waiting = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, waiting)
    shipped = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, shipped)
    ship_all(container, shipped)

    order_page = client.get(f"/orders/{waiting}").text
    cancel_form = client.get(f"/orders/{shipped}/cancel").text

    assert "<dt>Ship by</dt>" in order_page
    assert 'href="/help/seller-does-not-answer">Learn more' in order_page
    assert 'class="blocker-sentence"' in cancel_form
    assert 'class="small blocker-help"><a href="/help/cancel-before-shipping">' in cancel_form
