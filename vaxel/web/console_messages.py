"""Messages to a person (OP7, issue 16 §4) over the web: the console's JSON calls, the
admin page for the templates, and marking a message read on "Min hänvisning".

- ``GET /telefonist/meddelanden/mallar``: the tenant's templates (console roles).
- ``POST /telefonist/meddelanden``: send one (JSON; ``X-CSRF-Token``), see
  :meth:`~vaxel.runtime.person_messages.PersonMessaging.send`.
- ``/admin/meddelandemallar``: list, add, change and remove templates (admins; CSRF;
  audited; limits and unknown placeholders refused in Swedish).
- ``POST /min-hanvisning/meddelanden/{message_id}/last``: the person marks one read.

Another tenant's person or template is a 404 like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from vaxel.core.message_templates import BODY_LENGTH, FIELD_LENGTH, PLACEHOLDERS, placeholders
from vaxel.store.accounts import Session
from vaxel.web.console_switches import csrf_header, require_operator
from vaxel.web.context import WebContext
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.directory import Reader
from vaxel.web.rendering import back, render

__all__ = ["MessageIn", "MessageOut", "TemplateOut", "router", "send_to", "templates_of"]

ADMIN_PATH = "/admin/meddelandemallar"
Id = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(tags=["console"])


class TemplateOut(BaseModel):
    template_id: str
    name: str
    body: str
    placeholders: list[str]


MAX_FIELDS, FIELD_NAME_LENGTH = 20, 32
"""A message's fields: a REST key's body is bounded by these, not only by its size (OP7)."""


class MessageIn(BaseModel):
    person_id: str = Field(min_length=1, max_length=64)
    template_id: str = Field(default="", max_length=64, description="or text")
    text: str = Field(default="", max_length=BODY_LENGTH, description="without a template")
    fields: dict[
        Annotated[str, Field(max_length=FIELD_NAME_LENGTH)],
        Annotated[str, Field(max_length=FIELD_LENGTH)],
    ] = Field(
        default_factory=dict,
        max_length=MAX_FIELDS,
        description=f"the placeholders' values: {', '.join(PLACEHOLDERS)}",
    )
    channels: list[Annotated[str, Field(max_length=16)]] = Field(
        default=["presence"], max_length=3, description="presence, email and/or sms"
    )


class MessageOut(BaseModel):
    message_id: str
    text: str
    channels: list[str]


def templates_of(platform: WebContext, tenant_id: str) -> list[TemplateOut]:
    """The tenant's templates by name, for the console and the REST API."""
    return [
        TemplateOut(
            template_id=t.template_id, name=t.name, body=t.body, placeholders=placeholders(t.body)
        )
        for t in platform.person_messaging.templates(tenant_id)
    ]


@router.get("/telefonist/meddelanden/mallar", dependencies=[Depends(require_operator)])
def console_templates(platform: Platform, tenant_id: TenantId) -> list[TemplateOut]:
    return templates_of(platform, tenant_id)


@router.post("/telefonist/meddelanden", dependencies=[Depends(require_operator)])
def send_message(
    body: MessageIn,
    platform: Platform,
    tenant_id: TenantId,
    session: Annotated[Session, Depends(csrf_header)],
) -> MessageOut:
    """Fill the template from the call and send it by the channels asked for."""
    sender = session.user.display_name or session.user.username
    # each may be an e-mail or an SMS: capped per operator and per tenant (429 past it)
    platform.message_rate.take(tenant_id, f"user:{session.user.username}", platform.clock())
    return send_to(platform, tenant_id, body.person_id, body, sender)


def send_to(
    platform: WebContext, tenant_id: str, person_id: str, body: MessageIn, sender: str
) -> MessageOut:
    """Send ``body`` to the person, signed by ``sender`` (the console and the REST API)."""
    sent = platform.person_messaging.send(
        tenant_id,
        person_id,
        template_id=body.template_id,
        text=body.text,
        fields=body.fields,
        channels=body.channels,
        sender=sender,
    )
    return MessageOut(message_id=sent.message_id, text=sent.text, channels=list(sent.channels))


@router.get(ADMIN_PATH, dependencies=[Depends(require_admin)])
def templates_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    templates = platform.person_messaging.templates(tenant_id)
    return render(
        request,
        "admin/message_templates.html",
        session,
        templates=templates,
        placeholders=PLACEHOLDERS,
        body_length=BODY_LENGTH,
    )


@router.post(ADMIN_PATH, dependencies=[Depends(require_admin), returns_to(ADMIN_PATH)])
async def save_template(
    form: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    """Add (no ``template_id``) or change one; a refusal comes back to the page."""
    platform.person_messaging.save_template(
        tenant_id,
        str(form.get("template_id", ""))[:64],
        str(form.get("name", ""))[:200],
        str(form.get("body", ""))[: BODY_LENGTH * 2],
        session.user.username,
    )
    return back(ADMIN_PATH)


@router.post(
    f"{ADMIN_PATH}/{{template_id}}/ta-bort",
    dependencies=[Depends(require_admin), returns_to(ADMIN_PATH)],
)
async def delete_template(
    template_id: Id, form: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    platform.person_messaging.delete_template(tenant_id, template_id, session.user.username)
    return back(ADMIN_PATH)


@router.post(
    "/min-hanvisning/meddelanden/{message_id}/last",
    dependencies=[returns_to("/min-hanvisning")],
)
async def mark_read(
    message_id: Id, form: CsrfForm, platform: Platform, tenant_id: TenantId, actor: Reader
) -> Response:
    """The signed-in person marks one of their own messages read."""
    platform.person_messaging.mark_read(tenant_id, actor.person_id or "", message_id)
    return back("/min-hanvisning")
