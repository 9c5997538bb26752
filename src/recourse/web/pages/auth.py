"""Signing in and out, and the front door that sends each role to its own orders."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from recourse.domain.accounts import LoginLimits
from recourse.domain.errors import DomainError, TooManyAttempts
from recourse.i18n import ENGLISH
from recourse.services import accounts
from recourse.texts import error_message
from recourse.web.clients import client_address
from recourse.web.deps import ContainerDep, MaybeUser, check_csrf, flash, sign_in, sign_out
from recourse.web.errors import status_for
from recourse.web.pages.common import FormFields, home_for, safe_next, see_other
from recourse.web.templating import render

router = APIRouter()


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
                "error": error_message(error, ENGLISH),
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
    flash(request, "You are signed out.")
    return see_other("/login")
