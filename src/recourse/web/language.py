"""Which language and time zone a request is answered in (M2 "in their language").

A signed-in person reads their own setting (`users.locale`, `users.timezone`); a visitor, or a
program calling the API, what `Accept-Language` asks for, or the `lang` cookie the language
links set; otherwise English. The answer is kept on the request, so a page, its error and its
flash messages speak one language."""

from __future__ import annotations

from fastapi import Request

from recourse.domain.accounts import User
from recourse.i18n import LANGUAGES, Words, negotiate, words_for

LANG_COOKIE = "lang"


def for_user(request: Request, user: User) -> Words:
    words = words_for(user.locale, user.timezone)
    request.state.words = words
    return words


def words(request: Request) -> Words:
    """The request's reader: the signed-in user's setting once it is known, else the visitor's."""
    known = getattr(request.state, "words", None)
    if isinstance(known, Words):
        return known
    chosen = request.cookies.get(LANG_COOKIE)
    lang = chosen if chosen in LANGUAGES else negotiate(request.headers.get("accept-language"))
    return Words(lang)
