"""What a handler asks for, as typed dependencies (issue 12 §3, STYLE rule 8).

The FastAPI full-stack template's ``deps.py``: a handler names what it needs in its
signature — the running platform, the signed-in user, their tenant, a form whose CSRF token
was checked — and gets it, or the request ends with the right answer (a redirect to sign
in, 403) before the handler runs. Role checks sit on the router (``dependencies=``), so no
handler can forget one; where a refused form post returns to is declared the same way
(:func:`returns_to`), so one exception handler (``vaxel.web.errors``) can send it back.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import FormData

from vaxel.runtime.directory_views import Actor
from vaxel.store.accounts import Session
from vaxel.web.context import WebContext
from vaxel.web.i18n import gettext
from vaxel.web.rendering import ADMINS
from vaxel.web.security import COOKIE

__all__ = [
    "AgentId",
    "CsrfForm",
    "Platform",
    "SignedIn",
    "TenantId",
    "agent_of",
    "checked_form",
    "current_session",
    "get_platform",
    "require_admin",
    "require_role",
    "returns_to",
]


def platform_of(request: Request) -> WebContext:
    """The running platform the app was created over (``create_app`` puts it in state)."""
    context: WebContext = request.app.state.context
    return context


async def get_platform(request: Request) -> WebContext:
    """:func:`platform_of` as a dependency; async, so reading an attribute costs no hop to
    a worker thread (FastAPI runs a plain ``def`` dependency in its thread pool)."""
    return platform_of(request)


Platform = Annotated[WebContext, Depends(get_platform)]


def current_session(request: Request) -> Session:
    """The signed-in session, or a redirect to the sign-in page."""
    context = platform_of(request)
    token = request.cookies.get(COOKIE)
    session = context.accounts.session(token, context.clock()) if token else None
    if session is None:
        raise HTTPException(303, headers={"Location": "/login"})
    return session


SignedIn = Annotated[Session, Depends(current_session)]


def signed_in_person(session: SignedIn, ctx: Platform) -> Actor:
    """Who acts, as the directory sees them: the role, and the person the account is in the
    directory (None when it is no one) — what rights to presence, forwarding and one's own
    phone are decided by."""
    user = session.user
    person_id = ctx.directory_views.person_of_account(user.tenant_id, user.username)
    return Actor(user.role, person_id, user.display_name)


Me = Annotated[Actor, Depends(signed_in_person)]


def tenant_of(session: SignedIn) -> str:
    """The signed-in user's tenant: every query is scoped by it, never by the request."""
    return session.user.tenant_id


TenantId = Annotated[str, Depends(tenant_of)]


def agent_of(session: SignedIn) -> str:
    """The signed-in user's agent id; 403 for accounts that are no agent (an admin)."""
    if not session.user.agent_id:
        raise HTTPException(403, gettext("Kontot hör inte till någon handläggare"))
    return session.user.agent_id


AgentId = Annotated[str, Depends(agent_of)]


async def check_csrf(request: Request, session: Session) -> None:
    """403 unless the request carries this session's CSRF token, compared in constant time."""
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, session.csrf_token):
        raise HTTPException(
            403, gettext("CSRF-kontrollen misslyckades: ladda om sidan och försök igen")
        )


async def checked_form(request: Request, session: SignedIn) -> FormData:
    """The posted form, once its CSRF token (field ``csrf`` or header ``X-CSRF-Token``)
    matched the session's; kept in the request's state so a refused post can be filled
    in again by the exception handler."""
    await check_csrf(request, session)
    form = await request.form()
    request.state.form = form
    return form


CsrfForm = Annotated[FormData, Depends(checked_form)]


def require_role(session: Session, roles: Collection[str], message: str) -> None:
    """403 with ``message`` (say what the page needs) unless the user has one of ``roles``."""
    if session.user.role not in roles:
        raise HTTPException(403, message)


def require_admin(session: SignedIn) -> None:
    """Tenant admins only (ADM2): a router-wide dependency of the admin pages."""
    require_role(session, ADMINS, gettext("Administration kräver administratörsbehörighet"))


def returns_to(path: str) -> Any:
    """A route dependency: a refused form post goes back to ``path`` (formatted with the
    route's path parameters, e.g. ``/admin/queues/{queue_id}``) with the refusal in the
    session's flash and the form filled in again, instead of an error page."""

    def remember(request: Request) -> None:
        request.state.back_to = path.format(**request.path_params)

    return Depends(remember)
