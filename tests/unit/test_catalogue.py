"""The catalogues stay whole (STYLE 11): a sentence added to a page, an email or a table of
`recourse.texts` without its Spanish translation fails here, and so CI."""

from __future__ import annotations

from recourse.catalogue import extract, problems
from recourse.i18n import DEFAULT_LANGUAGE, LANGUAGES, Words


def test_every_sentence_of_the_source_has_a_translation_in_every_language() -> None:
    template = extract()
    assert len(template) > 400  # the pages, emails and tables are all marked
    for lang in LANGUAGES:
        if lang == DEFAULT_LANGUAGE:
            continue
        found = problems(lang, template)
        assert not found, "\n".join(str(p) for p in found[:40]) + f"\n({len(found)} in all)"


def test_the_spanish_catalogue_is_the_one_read() -> None:
    spanish = Words("es")
    assert spanish._("Awaiting shipment") != "Awaiting shipment"
    assert spanish.money({"amount": 6980, "currency": "EUR"}) == "69,80\xa0€"
