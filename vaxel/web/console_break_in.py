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
from fastapi.responses import JSONResponse, Response

from vaxel.core.errors import VaxelError
from vaxel.web.context import back, refusal_text
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, NUMBER_LENGTH, require_operator

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


def _answer(request: Request, error: str, said: str = "") -> Response:
    """JSON for the page's script ({error, said}); a plain form post goes back."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": error, "said": said}, status_code=409 if error else 200)
    return back(HOME, error)


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
        return _answer(request, gettext("Välj en person i listan att bryta in hos"))
    port = ctx.console_break_in
    if port is None:
        return _answer(request, gettext("Telefonin är inte igång: inbrytning går inte nu"))
    try:
        port.start(user.tenant_id, agent, number, listen=listen)
    except VaxelError as error:
        return _answer(request, refusal_text(error))
    ctx.hub.wake(user.tenant_id)
    if listen:
        said = gettext("Medlyssning: svara i telefonen. Ingen hör dig; Alt+L lämnar samtalet")
    else:
        said = gettext("Inbrytning: svara i telefonen. Alt+L lämnar samtalet")
    return _answer(request, "", said)


@router.post(f"{HOME}/bryt-in/lamna")
async def leave(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """Leave the call she broke in on (or stop her phone ringing for it)."""
    user = session.user
    port = ctx.console_break_in
    if port is None:
        return _answer(request, gettext("Du har ingen inbrytning att lämna"))
    try:
        port.leave(user.tenant_id, agent)
    except VaxelError as error:
        return _answer(request, refusal_text(error))
    ctx.hub.wake(user.tenant_id)
    return _answer(request, "", gettext("Du har lämnat samtalet"))


@router.post(f"{HOME}/bryt-in/avsluta")
async def end_other(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """Spec §48 "avsluta": the person's other party is hung up; she talks with the person."""
    user = session.user
    port = ctx.console_break_in
    if port is None:
        return _answer(request, gettext("Du har ingen inbrytning att lämna"))
    try:
        port.end_other(user.tenant_id, agent)
    except VaxelError as error:
        return _answer(request, refusal_text(error))
    ctx.hub.wake(user.tenant_id)
    return _answer(request, "", gettext("Det andra samtalet är avslutat: du talar med personen"))
