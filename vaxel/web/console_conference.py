"""A three-party conference from the operator console (issue 16 §3, OP3): while she asks a
person first (Shift+Enter) and they have answered, Alt+K joins the caller, the person and
her in one mix; Alt+L or Alt+K again leaves it, and the caller and the person talk on.

Telephony does the work (``vaxel/telephony/console_conference.py``, given as
``WebContext.console_conferences``); no SIP running: refused in Swedish."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.core.errors import VaxelError
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, console_answer, require_operator
from vaxel.web.rendering import refusal_text

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


@router.post(f"{HOME}/konferens")
async def start_conference(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """Alt+K: caller, person and operator in one call."""
    return _conference(request, session, ctx, agent, leave=False)


@router.post(f"{HOME}/konferens/lamna")
async def leave_conference(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm
) -> Response:
    """Alt+L (or Alt+K again): she leaves; the caller and the person talk on."""
    return _conference(request, session, ctx, agent, leave=True)


def _conference(
    request: Request, session: SignedIn, ctx: Platform, agent: str, *, leave: bool
) -> Response:
    user = session.user
    contact_id = ctx.center.agent_view(user.tenant_id, agent, ctx.clock()).contact_id or ""
    port = ctx.console_conferences
    if port is None:
        return console_answer(request, gettext("Telefonin är inte igång: samtal kan inte kopplas"))
    if not contact_id:
        if leave:
            return console_answer(request, gettext("Du är inte i någon konferens"))
        return console_answer(request, gettext("Du har inget samtal att göra konferens med"))
    try:
        if leave:
            port.leave(user.tenant_id, agent, contact_id)
        else:
            port.start(user.tenant_id, agent, contact_id)
    except VaxelError as error:
        return console_answer(request, refusal_text(error))
    ctx.after_submit()  # leaving ends her contact: the engine's events follow
    return console_answer(request, "")
