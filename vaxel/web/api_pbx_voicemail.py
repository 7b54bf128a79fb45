"""A person's voicemail over the REST API (PBX4): list the messages, fetch one's WAV, mark it
heard or new, delete it — for an intranet or a script.

Keys carry ``phone:read`` (list and fetch) or ``phone:write`` (also change and delete). Every
route is scoped to the key's tenant and names the person; another tenant's or another
person's message is a 404 like one that never was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core import limits
from vaxel.pbx.voicemail import Message
from vaxel.runtime.voicemail import VoicemailService
from vaxel.web.api import key_with_scope
from vaxel.web.context import WebContext

__all__ = ["router"]

ReadTenant = Annotated[str, Depends(key_with_scope("phone:read"))]
WriteTenant = Annotated[str, Depends(key_with_scope("phone:write"))]
PersonId = Annotated[str, Path(min_length=1, max_length=limits.ID_LENGTH)]
MessageId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such message in this person's mailbox"}
}

router = APIRouter(prefix="/api/v1/pbx/voicemail", tags=["voicemail"])


def _service(request: Request) -> VoicemailService:
    context: WebContext = request.app.state.context
    return context.voicemail_service


Voicemail = Annotated[VoicemailService, Depends(_service)]


class MessageOut(BaseModel):
    message_id: str
    caller: str = Field(description="the caller's number as presented; empty when withheld")
    received_at: datetime
    duration_s: float
    heard: bool


class MessageChange(BaseModel):
    heard: bool


def _out(message: Message) -> MessageOut:
    return MessageOut(
        message_id=message.message_id,
        caller=message.caller,
        received_at=datetime.fromtimestamp(message.received_at, UTC),
        duration_s=round(message.duration_s, 1),
        heard=message.heard,
    )


@router.get("/{person_id}/messages")
async def list_messages(
    person_id: PersonId, tenant: ReadTenant, voicemail: Voicemail
) -> list[MessageOut]:
    """The person's messages, newest first (none: an empty list)."""
    messages = await run_in_threadpool(voicemail.messages, tenant, person_id)
    return [_out(m) for m in messages]


@router.get(
    "/{person_id}/messages/{message_id}/audio",
    response_class=Response,
    responses={200: {"content": {"audio/wav": {}}}, **NOT_FOUND},
)
async def message_audio(
    person_id: PersonId, message_id: MessageId, tenant: ReadTenant, voicemail: Voicemail
) -> Response:
    """The message as recorded: a WAV, the caller on the left channel."""
    audio = await run_in_threadpool(voicemail.audio, tenant, person_id, message_id)
    return Response(audio, media_type="audio/wav", headers={"Cache-Control": "no-store"})


@router.patch("/{person_id}/messages/{message_id}", status_code=204, responses=NOT_FOUND)
async def change_message(
    person_id: PersonId,
    message_id: MessageId,
    body: MessageChange,
    tenant: WriteTenant,
    voicemail: Voicemail,
) -> Response:
    """Mark the message heard (or new again); the phone's message-waiting light follows."""
    await run_in_threadpool(voicemail.mark_heard, tenant, person_id, message_id, body.heard)
    return Response(status_code=204)


@router.delete("/{person_id}/messages/{message_id}", status_code=204, responses=NOT_FOUND)
async def delete_message(
    person_id: PersonId, message_id: MessageId, tenant: WriteTenant, voicemail: Voicemail
) -> Response:
    """Delete the message and its recording."""
    await run_in_threadpool(voicemail.delete, tenant, person_id, message_id)
    return Response(status_code=204)
