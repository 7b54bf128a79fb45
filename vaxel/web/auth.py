"""Sign-in, sign-out, password change and the language choice (ADM2, issue 4 §1)."""

from __future__ import annotations

import hmac
import math
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn
from vaxel.web.i18n import LANGUAGE_COOKIE, LANGUAGES, gettext, ngettext
from vaxel.web.passwords import HashingBusy
from vaxel.web.rendering import render
from vaxel.web.security import COOKIE, LOGIN_CSRF_COOKIE, new_token

__all__ = ["router"]

router = APIRouter(tags=["auth"])


async def login_csrf(request: Request, csrf: Annotated[str, Form(max_length=128)]) -> None:
    """The sign-in form's CSRF check: before any session exists, the form's token must
    match its double-submit cookie (``security``), or 403 before the handler runs. Async:
    a comparison needs no worker thread, and a sign-in flood must not queue for one."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(csrf, expected):
        raise HTTPException(403, gettext("CSRF-kontrollen misslyckades: ladda om sidan"))


def login_form(
    request: Request,
    ctx: WebContext,
    *,
    refused: bool = False,
    notice: str = "",
    status: int = 200,
) -> Response:
    """The sign-in form with a fresh double-submit token. A refused sign-in is answered
    with the form itself (401) rather than a redirect to ``?error=``: a link must not be
    able to show the alert (issue 9 §4). ``notice`` says why an attempt was not even
    checked (throttled, issue 10 §3), with its ``status``."""
    token = new_token()
    response = render(
        request,
        "login.html",
        None,
        csrf=token,
        error=refused,
        notice=notice,
        tenant=ctx.settings.default_tenant,
    )
    response.status_code = 401 if refused else status
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=ctx.settings.secure_cookies,
    )
    return response


def too_many(request: Request, ctx: WebContext, wait: float, status: int = 429) -> Response:
    """The sign-in form saying how long to wait (``Retry-After``) before trying again."""
    seconds = max(1, math.ceil(wait))
    notice = ngettext(
        "För många försök att logga in: vänta {n} sekund och försök igen.",
        "För många försök att logga in: vänta {n} sekunder och försök igen.",
        seconds,
    ).format(n=seconds)
    response = login_form(request, ctx, notice=notice, status=status)
    response.headers["Retry-After"] = str(seconds)
    return response


@router.get("/login")
def login_page(request: Request, ctx: Platform) -> Response:
    return login_form(request, ctx)


@router.post("/login", dependencies=[Depends(login_csrf)])
async def login(
    request: Request,
    ctx: Platform,
    organisation: Annotated[str, Form(max_length=64)],
    username: Annotated[str, Form(max_length=128)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Sign in. Async so that a password check waits for its turn without holding a
    worker thread; throttled per account and per source (issue 10 §3)."""
    settings, accounts, throttle = ctx.settings, ctx.accounts, ctx.login_throttle
    account = f"{organisation.strip()}/{username.strip().casefold()}"
    source = request.client.host if request.client else ""
    wait = throttle.retry_after(account, source, ctx.clock())
    if wait > 0:
        return too_many(request, ctx, wait)
    user = await run_in_threadpool(accounts.find, organisation.strip(), username.strip())
    try:
        matches = await ctx.passwords.check(user.password_hash if user else None, password)
    except HashingBusy:
        return too_many(request, ctx, 1.0, status=503)
    if not matches or user is None:
        throttle.failed(account, source, ctx.clock())
        return login_form(request, ctx, refused=True)
    throttle.succeeded(account)
    token = new_token()
    await run_in_threadpool(
        accounts.open_session,
        user,
        token,
        new_token(),
        ctx.clock(),
        settings.session_lifetime_s,
    )
    if user.agent_id:
        ctx.on_sign_in(user.tenant_id, user.agent_id)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=int(settings.session_lifetime_s),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, ctx: Platform, _: CsrfForm) -> Response:
    ctx.accounts.close_session(request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.post("/password")
async def change_password(
    session: SignedIn,
    ctx: Platform,
    _: CsrfForm,
    current_password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
) -> Response:
    try:
        if not await ctx.passwords.check(session.user.password_hash, current_password):
            raise HTTPException(400, gettext("Nuvarande lösenord stämmer inte"))
        hashed = await ctx.passwords.make(new_password)
    except HashingBusy as error:
        raise HTTPException(503, gettext("Servern är upptagen: försök igen om en stund")) from error
    except ValueError as error:
        raise HTTPException(400, gettext("Lösenordet måste ha minst 8 tecken")) from error
    ctx.accounts.set_password_hash(session.user, hashed, actor=session.user.username)
    ctx.accounts.close_all_sessions(session.user)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/language")
def choose_language(ctx: Platform, lang: str, next: str = "/") -> Response:
    """Remember the browser's language (a preference, not a change of data: no CSRF)."""
    if lang not in LANGUAGES:
        raise HTTPException(400, gettext("Välj sv eller en"))
    local = next.startswith("/") and not next.startswith(("//", "/\\"))
    path = next if local and not urlsplit(next).netloc else "/"
    response = RedirectResponse(path, status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        lang,
        max_age=365 * 86400,
        samesite="lax",
        secure=ctx.settings.secure_cookies,
    )
    return response
