"""The browser phone's ICE servers (issue 15 §3): the STUN and TURN servers that agents'
browsers and the server's WebRTC peer use, so an agent at home reaches the media path
through the organisation's TURN server (``docs/webrtc.md``: coturn from Debian).

TURN is logged in to with a fixed user name and password, or with coturn's shared secret
(``use-auth-secret``), from which every page gets a user name and password that hold for
a day, so the secret never leaves the server. The password or secret is write-only here:
never shown back, an empty field keeps it (the rules are in ``vaxel.runtime.ice_servers``).
Every change is in the audit log.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.runtime.ice_servers import MAX_URLS, IceServerError, validated
from vaxel.store.webrtc_ice import IceServersStore
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin
from vaxel.web.error_text import error_text
from vaxel.web.i18n import N_, gettext
from vaxel.web.rendering import back, render, take_flash

__all__ = ["PATH", "router"]

PATH = "/admin/webbtelefon"
router = APIRouter(prefix=PATH, tags=["admin"], dependencies=[Depends(require_admin)])

LABELS = {
    "ice.urls": N_("STUN- och TURN-adresser"),
    "ice.username": N_("TURN-användarnamn"),
    "ice.password": N_("TURN-lösenord eller delad hemlighet"),
}


@router.get("")
def ice_servers_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    servers = IceServersStore(platform.database).of(tenant_id)
    flash = take_flash(request)
    return render(
        request,
        "admin/webrtc.html",
        session,
        servers=servers,
        max_urls=MAX_URLS,
        error=flash.message,
        refill=flash.values if flash.message else {},
        saved=flash.saved,
    )


@router.post("")
async def save_ice_servers(
    form: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    """Checked, then stored; a refusal goes back with the form filled in (not the
    password) and the field named."""
    store = IceServersStore(platform.database)
    urls = str(form.get("urls", ""))[:4000]
    shared = "on" if form.get("shared_secret") == "on" else ""
    username = str(form.get("username", ""))[:1000]
    try:
        servers = validated(
            urls,
            username,
            str(form.get("password", ""))[:1000],
            store.of(tenant_id),
            shared_secret=form.get("shared_secret") == "on",
        )
    except IceServerError as error:
        label = gettext(LABELS.get(error.field, LABELS["ice.urls"]))
        refill = {"urls": urls, "username": username, "shared_secret": shared}
        return back(PATH, error_text(error, label), refill)
    store.put(tenant_id, servers, session.user.username, platform.clock())
    return back(PATH, saved=True)
