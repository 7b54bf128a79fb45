"""Messages to a person over the REST API (OP7, issue 16 §4): what the operator console
sends, for an intranet's "leave a message" form or a reception's own system.

Both routes need a key with ``messages:send``: the templates to choose from, and sending
one to a person by presence (their "Min hänvisning" page), e-mail and/or SMS — the same
service, limits and refusals as the console (:mod:`vaxel.web.console_messages`). The
message is signed with the key's name. Another organisation's person or template is a 404
like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Security

from vaxel.store.api_keys import key_id_of
from vaxel.web.api import API_KEY, key_with_scope
from vaxel.web.console_messages import (
    MessageIn,
    MessageOut,
    TemplateOut,
    send_to,
    templates_of,
)
from vaxel.web.deps import Platform

__all__ = ["router"]

SenderTenant = Annotated[str, Depends(key_with_scope("messages:send"))]
PersonId = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(
    prefix="/api/v1",
    tags=["directory"],
    responses={
        401: {"description": "No X-API-Key, or one unknown, revoked or expired"},
        403: {"description": "The key lacks the scope messages:send"},
        404: {"description": "No such person or template in this organisation"},
        429: {"description": "Too many messages from this key or organisation: wait"},
    },
)


class PersonMessageIn(MessageIn):
    person_id: str = ""  # from the path


def _key_name(platform: Platform, x_api_key: Annotated[str | None, Security(API_KEY)]) -> str:
    """The key's name, as the message's sender (the route's tenant dependency checked it)."""
    key = platform.api_keys.find(x_api_key or "")
    return f"API: {key.name}" if key is not None else "API"


@router.get("/message-templates")
def list_templates(tenant: SenderTenant, platform: Platform) -> list[TemplateOut]:
    """The organisation's message templates by name, with the placeholders each uses."""
    return templates_of(platform, tenant)


@router.post("/people/{person_id}/messages", status_code=201)
def send_message(
    person_id: PersonId,
    body: PersonMessageIn,
    tenant: SenderTenant,
    platform: Platform,
    sender: Annotated[str, Depends(_key_name)],
    x_api_key: Annotated[str | None, Security(API_KEY)],
) -> MessageOut:
    """Send a message to the person: a template filled in from ``fields``, or ``text``.
    At most a few a minute per key and per organisation (429 with ``Retry-After``)."""
    key = f"key:{key_id_of(x_api_key or '')}"  # each may be an e-mail or an SMS: capped
    platform.message_rate.take(tenant, key, platform.clock())
    return send_to(platform, tenant, person_id, body, sender)
