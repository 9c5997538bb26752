"""What every audience's pages share: role gates, form parsing, redirects and error fields."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.roles import Role
from recourse.web.deps import PageUser

HOME = {
    Role.buyer: "/orders",
    Role.seller: "/seller/orders",
    Role.support: "/support/orders",
}


def home_for(user: User) -> str:
    return HOME.get(user.role, "/login")


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# Control characters no form field needs (a textarea's line breaks and tabs are kept): a NUL
# would reach the database, which PostgreSQL refuses and SQLite stores.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form as text fields (files are not taken by these forms); a field with a
    control character is refused (422) naming it, before any handler reads it."""
    form = await request.form()
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    for key, value in fields.items():
        found = _CONTROL.search(value)
        if found is not None:
            raise InvalidInput(
                key,
                "page.control_character",
                character=f"U+{ord(found.group()):04X}",
                name=key if key.isidentifier() else None,
            )
    return fields


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def seller_user(user: PageUser) -> User:
    if user.role is not Role.seller:
        raise NotFound("page.not_found")
    return user


def support_user(user: PageUser) -> User:
    if user.role is not Role.support:
        raise NotFound("page.not_found")
    return user


SellerUser = Annotated[User, Depends(seller_user)]
SupportUser = Annotated[User, Depends(support_user)]


def optional_int(value: str | None, field: str) -> int | None:
    """A query or form number that may be left empty."""
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(field, "page.whole_number")
    return int(text)


def query_string(**params: object) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "", "all")}
    return f"?{urlencode(kept)}" if kept else ""


def error_field(error: DomainError) -> str | None:
    """The form field an error is about: malformed input names it, and so does a rule or a
    missing object that one field brought up (`field` among its facts)."""
    field = getattr(error, "field", None) or error.facts.get("field")
    return str(field) if field else None
