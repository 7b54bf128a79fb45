"""Park and retrieve from the operator console (issue 16 §3, OP3): F9 parks the call in
hand on the lowest free orbit, her list *Parkerade samtal* shows it with orbit, caller and
a timer, and F10 (or the row's *Hämta*) rings her phone with it again; unretrieved, the
park's timed recall rings her by itself. Telephony does the work
(``vaxel/telephony/console_park.py``, given as ``WebContext.console_park`` …)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core.errors import VaxelError
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, console_answer, parked_lines, require_operator
from vaxel.web.rendering import refusal_text

__all__ = ["router"]

ORBIT_LENGTH = 8
"""An orbit is a short number of at most 8 digits (``pbx/park.py``)."""

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


@router.post(f"{HOME}/parkera")
async def park(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """Park the call in hand on the lowest free orbit; the answer names the orbit."""
    user = session.user
    contact_id = ctx.center.agent_view(user.tenant_id, agent, ctx.clock()).contact_id
    if not contact_id:
        return console_answer(request, gettext("Du har inget samtal att parkera"), said="")
    try:
        orbit = ctx.console_park(user.tenant_id, agent, contact_id)
    except VaxelError as error:
        return console_answer(request, refusal_text(error), said="")
    ctx.after_submit()
    ctx.hub.wake(user.tenant_id)
    return console_answer(request, "", said=gettext("Parkerat på {orbit}").format(orbit=orbit))


@router.post(f"{HOME}/hamta")
async def retrieve(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    orbit: Annotated[str, Form(max_length=ORBIT_LENGTH)] = "",
) -> Response:
    """Ring her phone now with the call in ``orbit`` — none named: the one she parked
    longest ago."""
    user = session.user
    if orbit and not orbit.isdigit():
        return console_answer(
            request, gettext("En parkeringsplats är ett nummer med siffror"), said=""
        )
    if not orbit:
        mine = sorted(parked_lines(ctx, user.tenant_id, agent), key=lambda r: -r["parked_s"])
        waiting = [row for row in mine if not row["ringing"]]
        if not waiting:
            return console_answer(request, gettext("Du har inga parkerade samtal"), said="")
        orbit = waiting[0]["orbit"]
    try:
        ctx.console_retrieve(user.tenant_id, agent, orbit)
    except VaxelError as error:
        return console_answer(request, refusal_text(error), said="")
    ctx.hub.wake(user.tenant_id)
    return console_answer(
        request, "", said=gettext("Hämtar {orbit}: svara i telefonen").format(orbit=orbit)
    )
