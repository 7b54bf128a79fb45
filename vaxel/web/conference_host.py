"""A conference room's host view (PBX6): who is in the room now, muted or removed by the host.

The host is the room's directory person (``host_person_id``: the signed-in account's person,
as "Min hänvisning" finds it) or a tenant admin; anyone else, like another tenant, finds no
such room (404), so a room's existence is not told to the curious. The table refreshes
itself every few seconds (``/deltagare`` returns the rows alone) unless a button in it has the
focus, and every button is a form, so the page works from the keyboard and without script.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from vaxel.pbx.conference import ConferenceRoom, Participant
from vaxel.runtime.conferences import UnknownConferenceRoom
from vaxel.store.accounts import Session
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, returns_to
from vaxel.web.rendering import ADMINS, back, render

__all__ = ["participant_row", "router"]

PATH = "/konferens"

router = APIRouter(prefix=PATH, tags=["conference"], dependencies=[returns_to(PATH + "/{room_id}")])


def participant_row(participant: Participant, now: float) -> dict[str, object]:
    return {
        "id": participant.participant_id,
        "caller": participant.caller or "—",
        "minutes": max(0, int(now - participant.joined_at) // 60),
        "muted": participant.muted,
    }


def hosted(platform: WebContext, session: Session, tenant_id: str, room_id: str) -> ConferenceRoom:
    """The room, if the signed-in user hosts it (or administers the tenant)."""
    room = platform.conference_service.room(tenant_id, room_id[:64])
    if session.user.role in ADMINS:
        return room
    person = platform.directory_views.person_of_account(tenant_id, session.user.username)
    if not room.host_person_id or person != room.host_person_id:
        raise UnknownConferenceRoom(room_id[:64], tenant_id)
    return room


def _rows(platform: WebContext, room: ConferenceRoom) -> list[dict[str, object]]:
    now = time.time()
    listing = platform.conference_service.participants(room.tenant_id, room.room_id)
    return [participant_row(p, now) for p in listing]


@router.get("/{room_id}")
def host_view(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId, room_id: str
) -> Response:
    room = hosted(platform, session, tenant_id, room_id)
    rows = _rows(platform, room)
    admin = session.user.role in ADMINS
    return render(
        request, "conference_host.html", session, room=room, participants=rows, is_admin=admin
    )


@router.get("/{room_id}/deltagare")
def participant_rows(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId, room_id: str
) -> Response:
    """The host view's table body alone, for its refresh."""
    room = hosted(platform, session, tenant_id, room_id)
    rows = _rows(platform, room)
    return render(request, "_conference_rows.html", session, room=room, participants=rows)


@router.post("/{room_id}/deltagare/{participant_id}/mute")
async def mute(
    form: CsrfForm,
    session: SignedIn,
    platform: Platform,
    tenant_id: TenantId,
    room_id: str,
    participant_id: str,
) -> Response:
    room = hosted(platform, session, tenant_id, room_id)
    muted = str(form.get("muted", "1")) == "1"
    platform.conference_service.set_muted(tenant_id, room.room_id, participant_id[:64], muted)
    return back(f"{PATH}/{room.room_id}")


@router.post("/{room_id}/deltagare/{participant_id}/remove")
async def remove(
    form: CsrfForm,
    session: SignedIn,
    platform: Platform,
    tenant_id: TenantId,
    room_id: str,
    participant_id: str,
) -> Response:
    room = hosted(platform, session, tenant_id, room_id)
    platform.conference_service.remove(tenant_id, room.room_id, participant_id[:64])
    return back(f"{PATH}/{room.room_id}")
