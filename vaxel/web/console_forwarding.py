"""See and remove a person's forwarding from the console's search (issue 16 §3, OP3, PBX5):
a hit whose calls are all forwarded says "Vidarekopplad till 2042"; Alt+V, confirmed,
removes that forwarding (the person's ``always`` rule) so the operator's next transfer
rings the person. Audited ``forwarding_removed`` with the operator's username and the
number it went to. The forwarding itself is the PBX's (:mod:`vaxel.runtime.forwarding`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.errors import VaxelError
from vaxel.pbx.forwarding import ForwardCondition
from vaxel.store.audit import record
from vaxel.web.deps import CsrfForm, Me, Platform, SignedIn
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import HOME, console_answer, require_operator
from vaxel.web.rendering import refusal_text

__all__ = ["router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


@router.post(f"{HOME}/vidarekoppling/ta-bort")
def remove_forwarding(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    actor: Me,
    _: CsrfForm,
    person: Annotated[str, Form(max_length=limits.ID_LENGTH)] = "",
) -> Response:
    """Stop forwarding every call of ``person`` (a person of hers she may see)."""
    tenant_id, username = session.user.tenant_id, session.user.username
    if not person:
        return console_answer(request, gettext("Välj en person i listan"), said="")
    try:
        name = ctx.directory_views.person(tenant_id, person, actor).person.name
    except VaxelError:
        return console_answer(request, gettext("Personen finns inte i katalogen"), said="")
    was = ctx.forwardings.forwarded_to(tenant_id, person)
    if not was:
        return console_answer(
            request, gettext("{name} är inte vidarekopplad").format(name=name), said=""
        )
    try:
        ctx.forwardings.clear(tenant_id, actor, person, ForwardCondition.ALWAYS)
    except VaxelError as error:
        return console_answer(request, refusal_text(error), said="")
    with ctx.database.begin() as connection:
        detail = {"name": name, "to": was}
        record(connection, tenant_id, username, "forwarding_removed", person, detail)
    said = gettext("Vidarekopplingen till {number} är borttagen för {name}")
    return console_answer(request, "", said=said.format(number=was, name=name))
