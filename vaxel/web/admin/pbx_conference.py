"""Conference rooms (PBX6): the admin's list of rooms and each room's host view.

The list adds, changes and removes rooms (number, name, PIN, host, participant limit); a
saved room is answered by the next call. The host view shows who is in the room now and
lets the host mute, unmute or remove each participant; its table refreshes itself every few
seconds (``/deltagare`` returns the rows alone), and every button is a form, so the page
works from the keyboard and without script. Refusals (a taken number, a PIN that is no PIN)
come back to the page through the one exception handler (``vaxel.web.errors``).
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.pbx.conference import DEFAULT_PARTICIPANTS, MAX_PARTICIPANTS, Participant
from vaxel.web.context import back, render
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to

__all__ = ["participant_row", "router"]

PATH = "/admin/konferensrum"

router = APIRouter(
    prefix=PATH,
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to(PATH)],
)


def participant_row(participant: Participant, now: float) -> dict[str, object]:
    return {
        "id": participant.participant_id,
        "caller": participant.caller or "—",
        "minutes": max(0, int(now - participant.joined_at) // 60),
        "muted": participant.muted,
    }


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


@router.get("/{room_id}")
def host_view(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId, room_id: str
) -> Response:
    service = platform.conference_service
    room = service.room(tenant_id, room_id)
    now = time.time()
    rows = [participant_row(p, now) for p in service.participants(tenant_id, room_id)]
    return render(request, "admin/conference_host.html", session, room=room, participants=rows)


@router.get("/{room_id}/deltagare")
def participant_rows(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId, room_id: str
) -> Response:
    """The host view's table body alone, for its refresh."""
    service = platform.conference_service
    room = service.room(tenant_id, room_id)
    now = time.time()
    rows = [participant_row(p, now) for p in service.participants(tenant_id, room_id)]
    return render(request, "admin/_conference_rows.html", session, room=room, participants=rows)


@router.post(
    "/{room_id}/deltagare/{participant_id}/mute",
    dependencies=[returns_to(PATH + "/{room_id}")],
)
async def mute(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, room_id: str, participant_id: str
) -> Response:
    muted = str(form.get("muted", "1")) == "1"
    platform.conference_service.set_muted(tenant_id, room_id, participant_id[:64], muted)
    return back(f"{PATH}/{room_id}")


@router.post(
    "/{room_id}/deltagare/{participant_id}/remove",
    dependencies=[returns_to(PATH + "/{room_id}")],
)
async def remove(
    form: CsrfForm, platform: Platform, tenant_id: TenantId, room_id: str, participant_id: str
) -> Response:
    platform.conference_service.remove(tenant_id, room_id, participant_id[:64])
    return back(f"{PATH}/{room_id}")
