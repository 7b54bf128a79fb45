"""Transfer to the person's voicemail from the operator console (issue 16 §3, OP3):
Alt+R sends the call in hand straight to the chosen search result's mailbox — the caller
hears that person's greeting and leaves a message, nobody rings first. Telephony does the
work (``vaxel/telephony/console_voicemail.py``, given as ``WebContext.console_voicemail``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, Response

from vaxel.core import limits
from vaxel.core.errors import VaxelError
from vaxel.web.context import back, refusal_text
from vaxel.web.deps import AgentId, CsrfForm, Me, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, require_operator

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


def _answer(request: Request, error: str, said: str = "") -> Response:
    """JSON for the page's script ({error, said}); a plain form post goes back."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": error, "said": said}, status_code=409 if error else 200)
    return back(HOME, error)


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
        return _answer(request, gettext("Välj en person i listan"))
    try:
        name = ctx.directory_views.person(user.tenant_id, person, actor).person.name
    except VaxelError:
        return _answer(request, gettext("Personen finns inte i katalogen"))
    contact_id = ctx.center.agent_view(user.tenant_id, agent, ctx.clock()).contact_id
    if not contact_id:
        return _answer(request, gettext("Du har inget samtal att koppla"))
    try:
        ctx.console_voicemail(user.tenant_id, agent, contact_id, person)
    except VaxelError as error:
        return _answer(request, refusal_text(error))
    ctx.after_submit()
    return _answer(request, "", gettext("Kopplat till röstbrevlådan hos {name}").format(name=name))
