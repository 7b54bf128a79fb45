"""Ring-through from the operator console (issue 16 §3, OP5, spec §66): Alt+G transfers the
call in hand to the chosen person's own phones whatever their presence or forwarding —
Enter follows the diversion (``console_diversion.py``). Telephony does the work
(``vaxel/telephony/console_divert.py``, given as ``WebContext.console_ring_through``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.errors import VaxelError
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, NUMBER_LENGTH, console_answer, require_operator
from vaxel.web.rendering import refusal_text

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


@router.post(f"{HOME}/genomringning")
async def ring_through(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    number: Annotated[str, Form(max_length=NUMBER_LENGTH)] = "",
    name: Annotated[str, Form(max_length=limits.NAME_LENGTH)] = "",
) -> Response:
    """The call in hand rings the person at ``number`` (the chosen hit's) on their own
    phones; no person's number, no call in hand: refused in Swedish, nothing changed."""
    user = session.user
    number = "".join(number.split())
    if not number or not all(c.isdigit() or c in "+*#" for c in number):
        return console_answer(request, gettext("Välj en person i listan"), said="")
    contact_id = ctx.center.agent_view(user.tenant_id, agent, ctx.clock()).contact_id
    if not contact_id:
        return console_answer(request, gettext("Du har inget samtal att koppla"), said="")
    try:
        ctx.console_ring_through(user.tenant_id, agent, contact_id, number)
    except VaxelError as error:
        return console_answer(request, refusal_text(error), said="")
    ctx.after_submit()
    said = gettext("Genomringning: {name} rings i sina egna telefoner, hänvisningen gäller inte")
    return console_answer(request, "", said=said.format(name=name or number))
