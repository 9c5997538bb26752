"""Sentences of evidence files (issue 12, item 5): the error keys an upload can be refused with.
A refusal about one file names it ("scan.pdf: This file is empty.")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recourse.i18n import N_, Words
from recourse.texts.core import Sentence, say
from recourse.texts.platform import number


def _named(sentence: Sentence) -> Sentence:
    """The sentence, led by the file's name when the refusal is about one file."""

    def named(words: Words, facts: Mapping[str, Any]) -> str:
        problem = sentence(words, facts)
        name = facts.get("name")
        if not name:
            return problem
        return words._(N_("%(name)s: %(problem)s"), name=name, problem=problem)

    return named


_ERRORS: dict[str, Sentence] = {
    "evidence.empty": say(N_("This file is empty.")),
    "evidence.unsupported_type": say(
        N_("Send a photo (JPEG, PNG or WebP) or a PDF: this file is none of them.")
    ),
    "evidence.name_mismatch": say(
        N_(
            "This file is a %(kind)s but its name says %(claimed)s: rename it or send the "
            "file you meant."
        )
    ),
    "evidence.too_large": say(
        N_("Each file can be at most %(limit_mb)s MB."), limit_mb=number("limit_mb")
    ),
    "evidence.too_many": say(N_("A case can have at most %(limit)s files."), limit=number("limit")),
    "evidence.too_many_pixels": say(
        N_("This image is too large: at most %(limit_megapixels)s megapixels."),
        limit_megapixels=number("limit_megapixels"),
    ),
    "evidence.unreadable": say(N_("This file could not be read: it may be damaged or cut short.")),
    "evidence.pdf_active_content": say(
        N_(
            "This PDF contains scripts, actions or attached files, which are not accepted: "
            "save it as a plain PDF or send a photo."
        )
    ),
    "evidence.none": say(N_("Choose at least one file to upload.")),
    "evidence.no_such_file": say(N_("This file was not found.")),
    "evidence.already_attached": say(N_("This file is already attached elsewhere.")),
}

ERRORS: dict[str, Sentence] = {key: _named(sentence) for key, sentence in _ERRORS.items()}

BLOCKERS: dict[str, Sentence] = {}
