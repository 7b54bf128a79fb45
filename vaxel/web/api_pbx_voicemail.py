"""A person's voicemail over the REST API (PBX4): list the messages, fetch one's WAV, mark it
heard or new, delete it — for an intranet or a script.

Keys carry ``phone:read`` (list and fetch) or ``phone:write`` (also change and delete); the
organisation's own mail server for the e-mails is ``config``. Every
route is scoped to the key's tenant and names the person; another tenant's or another
person's message is a 404 like one that never was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core import limits
from vaxel.pbx.voicemail import Message
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.mail_servers import MailServers
from vaxel.runtime.voicemail import VoicemailService
from vaxel.web.api import key_with_scope
from vaxel.web.context import WebContext

__all__ = ["router"]

ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
API_ACTOR = "REST-API"
"""Who the audit log names for a change over REST (the key is not passed on here)."""
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


def _servers(voicemail: VoicemailService) -> MailServers:
    return MailServers(
        voicemail.store,
        voicemail.platform_mail_server,
        internal_hosts=voicemail.tenant_mail_internal_hosts,
        gate=voicemail.mail_tests,
    )


class MessageOut(BaseModel):
    message_id: str
    caller: str = Field(description="the caller's number as presented; empty when withheld")
    received_at: datetime
    duration_s: float
    heard: bool


class MessageChange(BaseModel):
    heard: bool


class MailServerIn(BaseModel):
    """The organisation's own mail server for voicemail e-mails (else the platform's)."""

    host: str = Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.:_-]+$")
    port: int = Field(587, ge=1, le=65535)
    sender: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    username: str = Field("", max_length=200)
    password: str = Field(
        "", max_length=200, description="write-only: never read back; empty keeps the stored"
    )
    security: MailSecurity = MailSecurity.STARTTLS


class MailServerOut(BaseModel):
    host: str
    port: int
    sender: str
    username: str
    password_set: bool
    security: MailSecurity


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


@router.get("/mail-server", responses={404: {"description": "The platform's server is used"}})
async def get_mail_server(tenant: ConfigTenant, voicemail: Voicemail) -> MailServerOut:
    """The organisation's own mail server (404: none, the platform's is used)."""
    server = await run_in_threadpool(voicemail.store.mail_server, tenant)
    if server is None:
        raise HTTPException(404, "no mail server of the organisation's own")
    return MailServerOut(
        host=server.host,
        port=server.port,
        sender=server.sender,
        username=server.username,
        password_set=bool(server.password),
        security=server.security,
    )


@router.put("/mail-server", status_code=204)
async def put_mail_server(
    body: MailServerIn, tenant: ConfigTenant, voicemail: Voicemail
) -> Response:
    """Send this organisation's voicemail e-mails through its own server from now on: the
    admin page's rules (no line breaks, never this machine or its link; an empty password
    keeps the stored one), audited as the API (422 with the rule refused)."""
    server = MailServer(
        body.host, body.port, body.sender, body.username, body.password, body.security
    )
    await run_in_threadpool(_servers(voicemail).put, tenant, API_ACTOR, server)
    return Response(status_code=204)


@router.delete("/mail-server", status_code=204)
async def delete_mail_server(tenant: ConfigTenant, voicemail: Voicemail) -> Response:
    """Back to the platform's mail server."""
    await run_in_threadpool(_servers(voicemail).remove, tenant, API_ACTOR)
    return Response(status_code=204)
