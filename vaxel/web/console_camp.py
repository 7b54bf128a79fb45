"""Camp-on on the operator console (väntkoppling, issue 16 §3, OP4): F6 camps the call in hand
on the chosen person's busy extension; the console shows each extension's camp-on queue in
the search results and her camped and recalled calls, each with a timer, in her calls in hand.

Telephony keeps the camped calls (``WebContext.console_camp``); what the console shows of
them is ``console_camp_view.py``.
"""

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
NAME_LENGTH = 120


@router.post(f"{HOME}/vantkoppla")
async def camp_on(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    number: Annotated[str, Form(max_length=NUMBER_LENGTH)] = "",
    name: Annotated[str, Form(max_length=NAME_LENGTH)] = "",
) -> Response:
    """OP4: camp the call in hand on ``number`` (the chosen person's extension), refused in
    Swedish when the line is not busy or its queue is full. Async: on telephony's loop."""
    user = session.user
    number = "".join(number.split())
    error = ""
    place = 0
    if not number or not all(c.isdigit() or c in "+*#" for c in number):
        error = gettext("Välj en person i listan att väntkoppla till")
    else:
        view = ctx.center.agent_view(user.tenant_id, agent, ctx.clock())
        if not view.contact_id:
            error = gettext("Du har inget samtal att väntkoppla")
        else:
            try:
                place = ctx.console_camp(user.tenant_id, agent, view.contact_id, number, name)
            except VaxelError as refused:
                error = refusal_text(refused)
            else:
                ctx.after_submit()
    return console_answer(request, error, place=place)


@router.post(f"{HOME}/vantkoppla/tillbaka")
async def take_back(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    call: Annotated[str, Form(max_length=limits.ID_LENGTH)] = "",
) -> Response:
    """Spec §49: she takes a call she camped back; her phone rings with the caller."""
    error = ""
    try:
        ctx.camp_take_back(session.user.tenant_id, agent, call)
    except VaxelError as refused:
        error = refusal_text(refused)
    else:
        ctx.after_submit()
    return console_answer(request, error, place=0)
