"""Conference rooms (PBX6): the admin's list of rooms.

The list adds, changes and removes rooms (number, name, PIN, host, participant limit); a
saved room is answered by the next call. Each room links to its host view
(``vaxel.web.conference_host``). Refusals (a taken number, a PIN that is no PIN) come back
to the page through the one exception handler (``vaxel.web.errors``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.pbx.conference import DEFAULT_PARTICIPANTS, MAX_PARTICIPANTS
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.rendering import back, render

__all__ = ["router"]

PATH = "/admin/konferensrum"

router = APIRouter(
    prefix=PATH,
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to(PATH)],
)


@router.get("")
def rooms_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    rooms = platform.conference_service.rooms(tenant_id)
    return render(
        request,
        "admin/conference_rooms.html",
        session,
        rooms=rooms,
        default_participants=DEFAULT_PARTICIPANTS,
        max_participants=MAX_PARTICIPANTS,
    )


@router.post("")
async def save_room(form: CsrfForm, platform: Platform, tenant_id: TenantId) -> Response:
    """A new room, or new settings for one (by its id)."""
    platform.conference_service.save(
        tenant_id,
        str(form.get("room_id", "")).strip()[:64],
        number=str(form.get("number", ""))[:32],
        name=str(form.get("name", ""))[:200],
        pin=str(form.get("pin", ""))[:32],
        host_person_id=str(form.get("host_person_id", ""))[:64],
        max_participants=str(form.get("max_participants", DEFAULT_PARTICIPANTS))[:6],
    )
    return back(PATH)


@router.post("/{room_id}/remove")
async def remove_room(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, room_id: str
) -> Response:
    platform.conference_service.delete(tenant_id, room_id)
    return back(PATH)
