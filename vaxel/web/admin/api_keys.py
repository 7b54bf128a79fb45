"""The tenant's REST API keys (issue 10 §12): list, create with scopes and expiry, revoke.

A new key is shown once, on the page that answers the form (never in a URL, and the page is
not cached); afterwards only its id, name, scopes, expiry and last use are shown. Revoking
keeps the row, so the list still says what the key was and when it was last used.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.clock import to_local
from vaxel.store.api_keys import SCOPES, ApiKey, ApiKeys, expiry_after
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, require_admin
from vaxel.web.i18n import N_, gettext
from vaxel.web.lengths import longer_than, too_long
from vaxel.web.rendering import back, local_time, render

__all__ = ["SCOPE_LABELS", "router"]

PAGE = "/admin/api-keys"

SCOPE_LABELS = {
    "callbacks:create": N_("Skapa återuppringningar (webbplatsens formulär)"),
    "read": N_("Läsa återuppringningar, kontakter, köer och handläggare"),
    "events": N_("Ta emot händelseströmmen"),
    "directory:read": N_("Söka och läsa i katalogen och hänvisningar"),
    "directory:write": N_("Ändra katalogen och sätta hänvisningar, exportera"),
    "config": N_("Ändra vilket flöde som svarar på organisationens nummer"),
    "phone:read": N_("Läsa personers röstbrevlådor"),
    "phone:write": N_("Ändra och radera i personers röstbrevlådor"),
    "messages:send": N_("Skicka meddelanden till personer (hänvisning, e-post, sms)"),
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


router = APIRouter(prefix=PAGE, tags=["admin"], dependencies=[Depends(require_admin)])


def keys_of(platform: Platform) -> ApiKeys:
    """The tenant's API keys as stored."""
    return ApiKeys(platform.database)


Keys = Annotated[ApiKeys, Depends(keys_of)]


def page(
    request: Request, session: SignedIn, platform: WebContext, keys: ApiKeys, **values: Any
) -> Response:
    now = platform.clock()
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


@router.get("")
def api_keys_page(request: Request, session: SignedIn, platform: Platform, keys: Keys) -> Response:
    """The keys, and a revoke's refusal from the session's flash (issue 9 §4)."""
    return page(request, session, platform, keys, created=None)


@router.post("")
async def create_api_key(
    request: Request,
    form: CsrfForm,
    session: SignedIn,
    platform: Platform,
    keys: Keys,
    name: Annotated[str, Form()] = "",
    scopes: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    expires: Annotated[str, Form()] = "",
) -> Response:
    """A new key with the ticked scopes; the page that answers shows it once. A refused
    form comes back as typed, with the reason."""
    name, expires = name.strip(), expires.strip()
    expires_at, error = _checked(name, scopes, expires, platform.clock())
    if error:
        typed = {"name": name, "scopes": scopes, "expires": expires}
        return page(request, session, platform, keys, error=error, created=None, form=typed)
    key = secrets.token_urlsafe(32)
    made = keys.add(
        session.user.tenant_id,
        name,
        key,
        platform.clock(),
        scopes,
        expires_at,
        actor=session.user.username,
    )
    created = {"key": key, "id": made.key_id}
    return page(request, session, platform, keys, error="", created=created)


@router.post("/{key_id}/revoke")
async def revoke_api_key(
    form: CsrfForm, session: SignedIn, platform: Platform, keys: Keys, key_id: str
) -> Response:
    """The key stops working at once; another tenant's id is 'no such key'."""
    tenant_id, actor = session.user.tenant_id, session.user.username
    if not keys.revoke(tenant_id, key_id, platform.clock(), actor=actor):
        return back(PAGE, gettext("Ingen aktiv API-nyckel med det id:t"))
    return back(PAGE)
