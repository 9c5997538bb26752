"""Signing in and out, the front door that sends each role to its own orders, and the
language switch every page offers."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.domain.accounts import LoginLimits
from recourse.domain.errors import DomainError, InvalidInput, TooManyAttempts
from recourse.i18n import LANGUAGES
from recourse.services import accounts, preferences
from recourse.texts import error_message
from recourse.web.clients import client_address
from recourse.web.deps import ContainerDep, MaybeUser, check_csrf, flash, sign_in, sign_out
from recourse.web.errors import status_for
from recourse.web.language import LANG_COOKIE, words
from recourse.web.pages.common import FormFields, home_for, safe_next, see_other
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()


@router.get("/")
def front_door(user: MaybeUser) -> Response:
    return see_other(home_for(user) if user else "/login")


@router.get("/login")
def login_page(request: Request, user: MaybeUser, next: str | None = None) -> Response:
    target = safe_next(next)
    if user is not None:
        return see_other(target or home_for(user))
    return render(request, "accounts/login.html", {"user": None, "next": target or "", "email": ""})


@router.post("/login")
def login(request: Request, c: ContainerDep, form: FormFields) -> Response:
    email = form.get("email", "").strip()
    target = safe_next(form.get("next"))
    try:
        check_csrf(request, form.get("csrf_token"))
        user = accounts.authenticate(
            c.uow(),
            c.ctx,
            c.hasher,
            email=email,
            password=form.get("password", ""),
            client=client_address(request),
            limits=LoginLimits(
                per_account=c.settings.login_max_failures,
                per_client=c.settings.login_max_failures_per_client,
            ),
        )
    except DomainError as error:
        headers = {}
        if isinstance(error, TooManyAttempts) and "retry_after" in error.facts:
            headers["Retry-After"] = str(error.facts["retry_after"])
        response = render(
            request,
            "accounts/login.html",
            {
                "user": None,
                "next": target or "",
                "email": email,
                "error": error_message(error, words(request)),
            },
            status_code=status_for(error),
        )
        response.headers.update(headers)
        return response
    sign_in(request, c, user)
    return see_other(target or home_for(user))


@router.post("/logout")
def logout(request: Request, c: ContainerDep, form: FormFields) -> Response:
    check_csrf(request, form.get("csrf_token"))
    sign_out(request, c)
    flash(request, words(request)._("You are signed out."))
    return see_other("/login")


LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


@router.post("/language")
def choose_language(
    request: Request, c: ContainerDep, user: MaybeUser, form: FormFields
) -> Response:
    """The language switch: a signed-in person's choice is kept with their account (pages and
    email follow it); a visitor's in a cookie for a year. Back to the page it was made on."""
    check_csrf(request, form.get("csrf_token"))
    lang = form.get("lang", "")
    if lang not in LANGUAGES:
        raise InvalidInput("lang", "locale_unsupported", locale=lang)
    response = see_other(safe_next(form.get("next")) or (home_for(user) if user else "/login"))
    if user is not None:
        preferences.set_locale(c.uow(), c.ctx, user.id, lang, supported=LANGUAGES)
    else:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=LANG_COOKIE_MAX_AGE,
            path="/",
            samesite="lax",
            httponly=True,
            secure=c.settings.session_cookie_secure,
        )
    return response
