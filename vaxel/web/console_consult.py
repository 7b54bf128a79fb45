"""Announced transfer on the operator console (issue 16 §3, OP3; spec §46 "förmedling med
avisering"): with a caller in hand the operator asks a person first (Shift+Enter), talks
to them, then connects the two (F3) or goes back to the caller (F4).

The page posts here; telephony carries it out (``WebContext.console_consults``, filled by
the composition root when SIP runs): the caller waits with music while the person's
phones ring, the person not answering, busy or hanging up brings her back to the caller,
and the card shows both legs with their times and how the consultation ended.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core.errors import VaxelError
from vaxel.web.consult_port import ConsultCalls
from vaxel.web.context import WebContext
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, NUMBER_LENGTH, console_answer, require_operator
from vaxel.web.rendering import refusal_text

__all__ = ["router"]

NAME_LENGTH = 80
"""A person's name as the card shows it (the directory's names are shorter)."""

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


def _calls(ctx: WebContext) -> ConsultCalls | None:
    return ctx.console_consults


def _in_hand(ctx: WebContext, tenant_id: str, agent: str) -> str:
    return ctx.center.agent_view(tenant_id, agent, ctx.clock()).contact_id or ""


@router.post(f"{HOME}/forfragan")
async def ask_first(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    number: Annotated[str, Form(max_length=NUMBER_LENGTH)] = "",
    name: Annotated[str, Form(max_length=NAME_LENGTH)] = "",
) -> Response:
    """Shift+Enter: the caller waits with music while ``number`` rings for the operator."""
    user = session.user
    number = "".join(number.split())
    if not number or not all(c.isdigit() or c in "+*#" for c in number):
        return console_answer(request, gettext("Skriv ett nummer eller välj en person i listan"))
    contact_id = _in_hand(ctx, user.tenant_id, agent)
    calls = _calls(ctx)
    if not contact_id:
        return console_answer(request, gettext("Du har inget samtal att koppla"))
    if calls is None:
        return console_answer(request, gettext("Telefonin är inte igång: samtal kan inte kopplas"))
    try:
        calls.start(user.tenant_id, agent, contact_id, number, name.strip())
    except VaxelError as error:
        return console_answer(request, refusal_text(error))
    return console_answer(request, "")


async def _finish(
    request: Request, ctx: WebContext, session: SignedIn, agent: str, how: str
) -> Response:
    user = session.user
    contact_id = _in_hand(ctx, user.tenant_id, agent)
    calls = _calls(ctx)
    if not contact_id or calls is None:
        return console_answer(request, gettext("Du har ingen förfrågan att avsluta"))
    try:
        if how == "connect":
            calls.connect(user.tenant_id, agent, contact_id)
        else:
            calls.back(user.tenant_id, agent, contact_id)
    except VaxelError as error:
        return console_answer(request, refusal_text(error))
    ctx.after_submit()  # the contact ended for her on connect: the engine's events follow
    return console_answer(request, "")


@router.post(f"{HOME}/forfragan/koppla")
async def connect_both(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """F3: the caller and the person talk; the operator is free (wrap-up)."""
    return await _finish(request, ctx, session, agent, "connect")


@router.post(f"{HOME}/forfragan/tillbaka")
async def back_to_caller(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """F4: the person's ringing or leg ends and the operator has the caller again."""
    return await _finish(request, ctx, session, agent, "back")
