"""Conference rooms over the REST API (PBX6): the rooms (list, save, remove) and who is in a
room now, muted or removed by a program (an intranet's meeting page, a script).

Keys carry ``read`` (list rooms and participants) or ``config`` (change rooms and act on
participants). Every route is scoped to the key's tenant: another tenant's room is a 404 like
one that never was. A refusal is RFC 9457 problem details with the rule's code
(``conference-pin``, ``conference-number-taken``, ``conference-no-participant`` …).
A room's PIN is shown only to keys that may configure rooms: a ``read`` key (a wallboard,
statistics) sees whether there is one, never the digits that would let it join (task R).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, Security
from pydantic import BaseModel, Field

from vaxel.pbx.conference import DEFAULT_PARTICIPANTS, MAX_PARTICIPANTS, ConferenceRoom, Participant
from vaxel.web.api import API_KEY, Tenant, key_with_scope
from vaxel.web.deps import Platform

__all__ = ["ParticipantOut", "RoomIn", "RoomOut", "router"]

ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
RoomId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
ParticipantId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

router = APIRouter(
    prefix="/api/v1/pbx/conference-rooms",
    tags=["conference"],
    responses={
        401: {"description": "No X-API-Key, or one unknown, revoked or expired"},
        403: {"description": "The key lacks this route's scope: read, or config to change"},
        404: {"description": "No such room (or participant) in this organisation"},
    },
)


class RoomIn(BaseModel):
    number: str = Field(min_length=2, max_length=10, description="Its short number, digits")
    name: str = Field(min_length=1, max_length=80)
    pin: str = Field(default="", max_length=12, description="4–12 digits; empty: no PIN")
    host_person_id: str = Field(default="", max_length=64, description="The directory person")
    max_participants: int = Field(default=DEFAULT_PARTICIPANTS, ge=2, le=MAX_PARTICIPANTS)


class RoomOut(BaseModel):
    room_id: str
    number: str
    name: str
    pin: str | None = Field(description="The PIN for keys with config scope; null for others")
    has_pin: bool = Field(description="Whether the room asks callers for a PIN")
    host_person_id: str
    max_participants: int


class ParticipantOut(BaseModel):
    participant_id: str
    caller: str = Field(description="The number the caller presented; empty when withheld")
    joined_at: datetime
    muted: bool


class MuteIn(BaseModel):
    muted: bool


def _may_configure(
    tenant: Tenant, ctx: Platform, x_api_key: Annotated[str | None, Security(API_KEY)]
) -> bool:
    """Whether the request's (read) key may also configure: only then is a PIN shown."""
    key = ctx.api_keys.authenticate(x_api_key, ctx.clock()) if x_api_key else None
    return key is not None and "config" in key.scopes


MayConfigure = Annotated[bool, Depends(_may_configure)]


def _room(room: ConferenceRoom, show_pin: bool = True) -> RoomOut:
    return RoomOut(
        room_id=room.room_id,
        number=room.number,
        name=room.name,
        pin=room.pin if show_pin else None,
        has_pin=bool(room.pin),
        host_person_id=room.host_person_id,
        max_participants=room.max_participants,
    )


def _participant(participant: Participant) -> ParticipantOut:
    return ParticipantOut(
        participant_id=participant.participant_id,
        caller=participant.caller,
        joined_at=datetime.fromtimestamp(participant.joined_at, UTC),
        muted=participant.muted,
    )


@router.get("")
def list_rooms(tenant: Tenant, platform: Platform, may_configure: MayConfigure) -> list[RoomOut]:
    """The organisation's rooms, by number (the PINs for a key with config scope)."""
    return [_room(room, may_configure) for room in platform.conference_service.rooms(tenant)]


@router.put("/{room_id}", responses={422: {"description": "A bad PIN or limit, a taken number"}})
def save_room(room_id: RoomId, body: RoomIn, tenant: ConfigTenant, platform: Platform) -> RoomOut:
    """Add the room, or change it; the next call finds it (callers in it stay)."""
    room = platform.conference_service.save(
        tenant,
        room_id,
        number=body.number,
        name=body.name,
        pin=body.pin,
        host_person_id=body.host_person_id,
        max_participants=body.max_participants,
    )
    return _room(room)


@router.delete("/{room_id}", status_code=204)
def remove_room(room_id: RoomId, tenant: ConfigTenant, platform: Platform) -> Response:
    platform.conference_service.delete(tenant, room_id)
    return Response(status_code=204)


@router.get("/{room_id}/participants")
def participants(room_id: RoomId, tenant: Tenant, platform: Platform) -> list[ParticipantOut]:
    """Who is in the room now, in the order they joined."""
    return [_participant(p) for p in platform.conference_service.participants(tenant, room_id)]


@router.put("/{room_id}/participants/{participant_id}/muted", status_code=204)
def mute(
    room_id: RoomId,
    participant_id: ParticipantId,
    body: MuteIn,
    tenant: ConfigTenant,
    platform: Platform,
) -> Response:
    """Mute (the room no longer hears them) or unmute a participant."""
    platform.conference_service.set_muted(tenant, room_id, participant_id, body.muted)
    return Response(status_code=204)


@router.delete("/{room_id}/participants/{participant_id}", status_code=204)
def remove_participant(
    room_id: RoomId, participant_id: ParticipantId, tenant: ConfigTenant, platform: Platform
) -> Response:
    """Hang the participant's call up."""
    platform.conference_service.remove(tenant, room_id, participant_id)
    return Response(status_code=204)
