"""Words in the reader's language (STYLE 11, M2): Babel's message catalogues and CLDR formats.

Every sentence a person reads is an English msgid in a page, an email or a `recourse.texts`
table, marked for extraction (`_`, `gettext`, `ngettext`, `pgettext`, `N_`), and translated here
through the compiled catalogue of the reader's language: `locale/<lang>/LC_MESSAGES/messages.mo`,
compiled from `messages.po` when the package is built. English is the source language, so it
needs no catalogue. Amounts, dates and numbers follow the same locale through Babel.

Which language: a signed-in person's own setting; a visitor's `Accept-Language`; else English.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, pass_context
from markupsafe import Markup

from recourse.currency import format_money
from recourse.domain.money import Money

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "es")
"""The languages the service speaks; each but English has a complete catalogue (CI checks)."""

LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "es": "Español"}

# CLDR patterns: the same shape in every language, the month's name in the reader's.
TIME_PATTERN = "dd MMM y, HH:mm"
DATE_PATTERN = "dd MMM y"
DAY_PATTERN = "EEE d MMM y"
STAMP_PATTERN = "EEE dd MMM y, HH:mm"


def N_(message: str) -> str:
    """Marks a msgid for extraction where it is defined; it is translated where it is read."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:
    """Marks a msgid with its context ('orders tab' / 'Shipped'), for tables read by `label`."""
    return (context, message)


def language(tag: str | None) -> str:
    """The supported language for a stored locale tag: 'es_MX' → 'es', 'de' → 'en'."""
    if not tag:
        return DEFAULT_LANGUAGE
    try:
        parsed = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return DEFAULT_LANGUAGE
    return parsed.language if parsed.language in LANGUAGES else DEFAULT_LANGUAGE


def negotiate(accept_language: str | None) -> str:
    """A visitor's language from `Accept-Language`, by its q-values (RFC 9110 §12.5.4)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        tag = tag.strip()
        if tag and tag != "*" and quality > 0 and len(tag) <= 35:
            ranked.append((-quality, position, tag.replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(ranked)]
    found = negotiate_locale(preferred, list(LANGUAGES), sep="_")
    if found is None:
        # 'es-419' or 'es_AR' name a language we speak under a region we do not list.
        for tag in preferred:
            spoken = language(tag)
            if tag.lower().split("_")[0] == spoken:
                return spoken
        return DEFAULT_LANGUAGE
    return language(found)


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang`; English (the msgids) needs none."""
    if lang == DEFAULT_LANGUAGE or lang not in LANGUAGES:
        return NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    compiled, source = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if compiled.exists() and (
        not source.exists() or compiled.stat().st_mtime >= source.stat().st_mtime
    ):
        with compiled.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if not source.exists():
        log.error("no catalogue for %s: its sentences are shown in English", lang)
        return NullTranslations()
    # A source checkout edited since it was built: compile the catalogue the build would.
    log.info("compiling the %s catalogue from %s", lang, source.name)
    return Translations(BytesIO(compile_catalogue(source)), domain=DOMAIN)


def compile_catalogue(source: Path) -> bytes:
    """A .po file as the .mo bytes gettext reads (what the build writes next to it)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as handle:
        catalogue = read_po(handle)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class Words:
    """One reader's language and time zone: sentences, amounts and moments as they read them."""

    lang: str = DEFAULT_LANGUAGE
    tz: str = "UTC"
    _catalogue: NullTranslations = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_catalogue", translations(self.lang))

    # -- sentences --------------------------------------------------------------------------
    def _(self, message: str, /, **params: Any) -> str:
        """The sentence in the reader's language; `%(name)s` filled from `params`. Every msgid
        is a %-format (a literal percent sign is written `%%`), in Python as in templates."""
        return self._catalogue.gettext(message) % params

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        text = self._catalogue.ngettext(singular, plural, n)
        return text % {"num": n, **params}

    def pgettext(self, context: str, message: str, /, **params: Any) -> str:
        return self._catalogue.pgettext(context, message) % params

    # -- facts --------------------------------------------------------------------------------
    def money(self, amount: int | Money | Mapping[str, Any], currency: str | None = None) -> str:
        """An amount exact to its currency, in the reader's notation: €69.80 / 69,80 €."""
        if isinstance(amount, Money):
            value = amount
        elif isinstance(amount, Mapping):
            value = Money(int(amount["amount"]), str(amount["currency"]))
        else:
            value = Money(int(amount), str(currency))
        return format_money(value, self.lang)

    def number(self, value: int) -> str:
        return str(format_decimal(value, locale=self.lang))

    def moment(self, value: datetime | str | None) -> datetime | None:
        if value is None or value == "":
            return None
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
        return parsed.astimezone(ZoneInfo(self.tz))

    def when(self, value: datetime | str | None, pattern: str = TIME_PATTERN) -> str:
        """'05 Mar 2026, 10:00 CET' / '05 mar 2026, 10:00 CET' in the reader's time zone."""
        moment = self.moment(value)
        if moment is None:
            return ""
        text = format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=self.lang)
        return f"{text} {moment.tzname()}"

    def day(self, value: datetime | date | str | None, pattern: str = DATE_PATTERN) -> str:
        """The day in the reader's time zone (a datetime) or as given (a date)."""
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        if isinstance(value, datetime):
            value = value.astimezone(ZoneInfo(self.tz))
        return str(format_date(value, pattern, locale=self.lang))

    # -- templates ----------------------------------------------------------------------------
    def jinja(self) -> dict[str, Any]:
        """The callables `jinja2.ext.i18n` (newstyle) calls, bound to this reader: `_()`,
        `{% trans %}`, `ngettext`, `pgettext`; values are escaped before they are filled in."""
        catalogue = self._catalogue

        def fill(context: Any, text: str, variables: dict[str, Any]) -> str:
            if context.eval_ctx.autoescape:
                return Markup(text) % variables  # noqa: S704 - the catalogue is ours
            return text % variables

        @pass_context
        def gettext(context: Any, message: str, **variables: Any) -> str:
            return fill(context, catalogue.gettext(message), variables)

        @pass_context
        def ngettext(context: Any, singular: str, plural: str, n: int, **variables: Any) -> str:
            variables.setdefault("num", n)
            return fill(context, catalogue.ngettext(singular, plural, n), variables)

        @pass_context
        def pgettext(context: Any, ctx: str, message: str, **variables: Any) -> str:
            return fill(context, catalogue.pgettext(ctx, message), variables)

        return {
            "gettext": gettext,
            "_": gettext,
            "ngettext": ngettext,
            "pgettext": pgettext,
            "words": self,
            "lang": self.lang,
        }


def install(env: Environment) -> None:
    """Ready an environment for `_()` and `{% trans %}`: the callables come with each render
    (`Words.jinja`), so one environment serves every language at once."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    env.newstyle_gettext = True  # type: ignore[attr-defined]


def words_for(locale_tag: str | None, tz: str = "UTC") -> Words:
    return Words(language(locale_tag), tz or "UTC")


ENGLISH = Words()
