"""The message catalogues kept whole: extract every marked sentence, merge it into each
language's `messages.po`, and check that each has a translation (CI fails otherwise).

    recourse catalogue update   # after changing sentences: new msgids enter every .po
    recourse catalogue check    # what CI runs (through the test suite)

Extraction reads `babel.cfg` at the project's root: a source checkout's tool, not the
service's; the service itself only reads the compiled catalogues (`recourse.i18n`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from recourse.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
    "NC_": ((1, "c"), 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def extract() -> Catalog:
    """Every sentence marked in the source and the templates, with where it is used."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    catalogue = Catalog(project="Recourse", domain=DOMAIN, charset="utf-8")
    found = extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        catalogue.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalogue


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="Recourse")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def update() -> dict[str, int]:
    """Merge the extracted sentences into each language's catalogue; returns how many of
    each language's entries still need a translation."""
    template = extract()
    missing: dict[str, int] = {}
    for lang in LANGUAGES:
        if lang == DEFAULT_LANGUAGE:
            continue
        catalogue = read(lang)
        catalogue.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalogue.obsolete.clear()
        _header(catalogue)
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=100, sort_output=True, include_lineno=False)
        missing[lang] = len(problems(lang, template))
    return missing


def _header(catalogue: Catalog) -> None:
    catalogue.project = "Recourse"
    catalogue.version = ""
    catalogue.copyright_holder = "the Recourse developers"
    catalogue.msgid_bugs_address = ""
    catalogue.last_translator = "the Recourse developers"
    catalogue.language_team = f"Recourse ({catalogue.locale_identifier})"
    catalogue.fuzzy = False
    catalogue.header_comment = (
        f"# Recourse in {catalogue.locale.english_name if catalogue.locale else '?'}: every "
        "sentence of its pages, emails, notifications and API errors.\n"
        "# `recourse catalogue update` merges new sentences in; CI fails on a missing one."
    )


@dataclass(frozen=True, slots=True)
class Problem:
    lang: str
    msgid: str
    what: str

    def __str__(self) -> str:
        return f"[{self.lang}] {self.what}: {self.msgid!r}"


def _placeholders(text: str) -> set[str]:
    return {m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1)}


def _forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ("",)
    return (value,) if isinstance(value, str) else tuple(value)


def _same_placeholders(english: tuple[str, ...], translated: tuple[str, ...]) -> bool:
    """A translation fills the English placeholders; a plural form may leave out the count
    ("una hora"), never name a fact the English does not have."""
    known = set().union(*(_placeholders(text) for text in english))
    if len(english) > 1:
        return all(_placeholders(text) <= known for text in translated)
    return all(_placeholders(text) == known for text in translated)


def problems(lang: str, template: Catalog | None = None) -> list[Problem]:
    """Sentences of the source without a usable translation in `lang`: missing, empty, fuzzy,
    or with other placeholders than the English; and translations no source uses any more."""
    template = template if template is not None else extract()
    catalogue = read(lang)
    found: list[Problem] = []
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        translated = catalogue.get(message.id, context=message.context)
        if translated is None:
            found.append(Problem(lang, key, "no translation"))
            continue
        strings = _forms(translated.string)
        if not all(strings):
            found.append(Problem(lang, key, "empty translation"))
        elif translated.fuzzy:
            found.append(Problem(lang, key, "fuzzy translation"))
        elif not _same_placeholders(_forms(message.id), strings):
            found.append(Problem(lang, key, "placeholders differ"))
    used = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    for message in catalogue:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            if (key, message.context) not in used:
                found.append(Problem(lang, key, "not used by the source"))
    return found
