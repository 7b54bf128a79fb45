"""Transfer to the person's voicemail from the operator console (issue 16 §3, OP3):
Alt+R sends the call in hand straight to the chosen search result's mailbox — the caller
hears that person's greeting and leaves a message, nobody rings first. Telephony does the
work (``vaxel/telephony/console_voicemail.py``, given as ``WebContext.console_voicemail``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.errors import VaxelError
from vaxel.web.deps import AgentId, CsrfForm, Me, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, console_answer, require_operator
from vaxel.web.rendering import refusal_text

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


@router.post(f"{HOME}/rostbrevlada")
async def to_voicemail(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    actor: Me,
    _: CsrfForm,
    person: Annotated[str, Form(max_length=limits.ID_LENGTH)] = "",
) -> Response:
    """The call in hand to ``person``'s mailbox: a person of her organisation she may see
    (another organisation's or an unknown id is refused the same way)."""
    user = session.user
    if not person:
        return console_answer(request, gettext("Välj en person i listan"), said="")
    try:
        name = ctx.directory_views.person(user.tenant_id, person, actor).person.name
    except VaxelError:
        return console_answer(request, gettext("Personen finns inte i katalogen"), said="")
    contact_id = ctx.center.agent_view(user.tenant_id, agent, ctx.clock()).contact_id
    if not contact_id:
        return console_answer(request, gettext("Du har inget samtal att koppla"), said="")
    try:
        ctx.console_voicemail(user.tenant_id, agent, contact_id, person)
    except VaxelError as error:
        return console_answer(request, refusal_text(error), said="")
    ctx.after_submit()
    return console_answer(
        request, "", said=gettext("Kopplat till röstbrevlådan hos {name}").format(name=name)
    )
