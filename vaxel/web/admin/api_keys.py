"""The tenant's REST API keys (issue 10 §12): list, create with scopes and expiry, revoke.

A new key is shown once, on the page that answers the form (never in a URL, and the page is
not cached); afterwards only its id, name, scopes, expiry and last use are shown. Revoking
keeps the row, so the list still says what the key was and when it was last used.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.clock import to_local
from vaxel.store.api_keys import SCOPES, ApiKey, ApiKeys, expiry_after
from vaxel.web.context import WebContext, back, local_time, render
from vaxel.web.deps import SignedIn
from vaxel.web.i18n import N_, gettext
from vaxel.web.lengths import longer_than, too_long
from vaxel.web.security import check_csrf

__all__ = ["SCOPE_LABELS", "api_keys_router"]

PAGE = "/admin/api-keys"

SCOPE_LABELS = {
    "callbacks:create": N_("Skapa återuppringningar (webbplatsens formulär)"),
    "read": N_("Läsa återuppringningar, kontakter, köer och handläggare"),
    "events": N_("Ta emot händelseströmmen"),
}


def _row(key: ApiKey, now: float) -> dict[str, Any]:
    if key.revoked_at is not None:
        state = gettext("Återkallad {}").format(local_time(key.revoked_at))
    elif not key.usable(now):
        state = gettext("Har gått ut")
    else:
        state = gettext("Aktiv")
    last_day = to_local(key.expires_at - 1).date().isoformat() if key.expires_at else ""
    return {
        "id": key.key_id,
        "name": key.name,
        "scopes": [gettext(SCOPE_LABELS[s]) for s in key.scopes],
        "created": local_time(key.created_at),
        "last_day": last_day,
        "last_used": local_time(key.last_used_at) if key.last_used_at else "",
        "state": state,
        "usable": key.usable(now),
    }


def _checked(name: str, scopes: list[str], expires: str, now: float) -> tuple[float | None, str]:
    """The expiry of a new key's form, and the refusal naming the field ("" when fine)."""
    if not name:
        return None, gettext("Ange vad nyckeln är till för")
    if longer_than(name, limits.NAME_LENGTH):
        return None, too_long(gettext("Namn"), limits.NAME_LENGTH)
    if not scopes or not set(scopes) <= set(SCOPES):
        return None, gettext("Behörigheter: välj minst en")
    if not expires:
        return None, ""
    try:
        expires_at = expiry_after(date.fromisoformat(expires))
    except (ValueError, OverflowError):
        return None, gettext("Sista giltiga dag: skriv datumet som ÅÅÅÅ-MM-DD")
    if expires_at <= now:
        return None, gettext("Sista giltiga dag: ett datum som inte har passerat")
    return expires_at, ""


def api_keys_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()
    keys = ApiKeys(ctx.database)

    def page(request: Request, session: SignedIn, **values: Any) -> Response:
        now = ctx.clock()
        response = render(
            request,
            "admin/api_keys.html",
            session,
            keys=[_row(k, now) for k in keys.all(session.user.tenant_id)],
            scopes=[(s, gettext(SCOPE_LABELS[s])) for s in SCOPES],
            **({"form": {}} | values),
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    @router.get(PAGE)
    def api_keys_page(request: Request, session: SignedIn) -> Response:
        """The keys, and a revoke's refusal from the session's flash (issue 9 §4)."""
        return page(request, session, created=None)

    @router.post(PAGE)
    async def create_api_key(
        request: Request,
        session: SignedIn,
        name: Annotated[str, Form()] = "",
        scopes: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
        expires: Annotated[str, Form()] = "",
    ) -> Response:
        """A new key with the ticked scopes; the page that answers shows it once. A refused
        form comes back as typed, with the reason."""
        await check_csrf(request, session)
        name, expires = name.strip(), expires.strip()
        expires_at, error = _checked(name, scopes, expires, ctx.clock())
        if error:
            typed = {"name": name, "scopes": scopes, "expires": expires}
            return page(request, session, error=error, created=None, form=typed)
        key = secrets.token_urlsafe(32)
        made = keys.add(
            session.user.tenant_id,
            name,
            key,
            ctx.clock(),
            scopes,
            expires_at,
            actor=session.user.username,
        )
        return page(request, session, error="", created={"key": key, "id": made.key_id})

    @router.post(PAGE + "/{key_id}/revoke")
    async def revoke_api_key(request: Request, session: SignedIn, key_id: str) -> Response:
        """The key stops working at once; another tenant's id is 'no such key'."""
        await check_csrf(request, session)
        if not keys.revoke(
            session.user.tenant_id, key_id, ctx.clock(), actor=session.user.username
        ):
            return back(PAGE, gettext("Ingen aktiv API-nyckel med det id:t"))
        return back(PAGE)

    return router
