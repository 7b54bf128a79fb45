"""Break-in from the operator console (issue 16 §3, spec §48): Alt+B with a busy person
chosen rings her own phone, and once she answers she is in that person's call — both
parties hear the warning tone, then her; Alt+L leaves it (or stops her phone ringing) and
the two talk on; Alt+A ends the person's other call and she stays with the person. Alt+M
listens in (OP6, training): the same, but nobody hears her and there is no tone.
Telephony does the work (``vaxel/telephony/break_in.py``, given as
``WebContext.console_break_in``); no SIP running: refused in Swedish."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core.errors import VaxelError
from vaxel.web.context import WebContext
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, NUMBER_LENGTH, console_answer, require_operator
from vaxel.web.rendering import refusal_text

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


@router.post(f"{HOME}/bryt-in")
async def break_in(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    number: Annotated[str, Form(max_length=NUMBER_LENGTH)] = "",
) -> Response:
    """Ring her phone to break in on the call of the person on ``number``."""
    return _start(request, session, ctx, agent, number, listen=False)


@router.post(f"{HOME}/medlyssna")
async def listen_in(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    number: Annotated[str, Form(max_length=NUMBER_LENGTH)] = "",
) -> Response:
    """OP6, training: ring her phone to listen in on the person's call, heard by nobody."""
    return _start(request, session, ctx, agent, number, listen=True)


def _start(
    request: Request, session: SignedIn, ctx: Platform, agent: str, number: str, *, listen: bool
) -> Response:
    user = session.user
    number = "".join(number.split())
    if not number or not all(c.isdigit() or c in "+*#" for c in number):
        return console_answer(request, gettext("Välj en person i listan att bryta in hos"), said="")
    port = ctx.console_break_in
    if port is None:
        return console_answer(
            request, gettext("Telefonin är inte igång: inbrytning går inte nu"), said=""
        )
    try:
        port.start(user.tenant_id, agent, number, listen=listen)
    except VaxelError as error:
        return console_answer(request, refusal_text(error), said="")
    ctx.hub.wake(user.tenant_id)
    if listen:
        said = gettext("Medlyssning: svara i telefonen. Ingen hör dig; Alt+L lämnar samtalet")
    else:
        said = gettext("Inbrytning: svara i telefonen. Alt+L lämnar samtalet")
    return console_answer(request, "", said=said)


def _step(
    request: Request, ctx: WebContext, tenant_id: str, agent: str, step: str, said: str
) -> Response:
    """One step of her break-in (``leave`` or ``end_other`` of the port), said as ``said``."""
    port = ctx.console_break_in
    if port is None:
        return console_answer(request, gettext("Du har ingen inbrytning att lämna"), said="")
    try:
        getattr(port, step)(tenant_id, agent)
    except VaxelError as error:
        return console_answer(request, refusal_text(error), said="")
    ctx.hub.wake(tenant_id)
    return console_answer(request, "", said=said)


@router.post(f"{HOME}/bryt-in/lamna")
async def leave(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """Leave the call she broke in on (or stop her phone ringing for it)."""
    said = gettext("Du har lämnat samtalet")
    return _step(request, ctx, session.user.tenant_id, agent, "leave", said)


@router.post(f"{HOME}/bryt-in/avsluta")
async def end_other(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """Spec §48 "avsluta": the person's other party is hung up; she talks with the person."""
    said = gettext("Det andra samtalet är avslutat: du talar med personen")
    return _step(request, ctx, session.user.tenant_id, agent, "end_other", said)
