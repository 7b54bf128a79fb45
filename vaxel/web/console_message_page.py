"""A message to a person from the console without script (OP7, issue 16 §4; WCAG,
progressive enhancement): the card's link "Meddelande till …" opens a page of its own.

- ``GET /telefonist/meddelande/{person_id}?samtal={contact_id}``: the form, filled in from
  the call in hand (the caller's name as the card shows it and number, the time, her name)
  with the tenant's templates and the channels.
- ``POST`` the same path (CSRF): sent by the same service, limits, rate and Swedish
  refusals as the script's ``POST /telefonist/meddelanden``; a refusal shows the form again
  with what she wrote, a success goes back to the console (303) saying
  "Meddelandet till … är skickat".

Another tenant's person, or a call that is not the one in her hand, is a 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response

from vaxel.core import limits
from vaxel.core.clock import to_local
from vaxel.core.errors import NotFound, VaxelError
from vaxel.core.message_templates import BODY_LENGTH, FIELD_LENGTH
from vaxel.runtime.directory_views import Actor
from vaxel.web.console_messages import MessageIn, send_to
from vaxel.web.console_scope import ConsoleMe
from vaxel.web.context import WebContext
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn
from vaxel.web.error_text import error_status, error_text
from vaxel.web.i18n import N_, gettext
from vaxel.web.message_rate import TooManyMessages
from vaxel.web.operator_console import HOME, person_with, require_operator
from vaxel.web.rendering import back, render

__all__ = ["FIELDS", "router"]

PAGE = "/telefonist/meddelande/{person_id}"
FIELDS = ("namn", "nummer", "ärende", "tid", "telefonist")
LABELS = {
    "namn": N_("Namn"),
    "nummer": N_("Nummer"),
    "ärende": N_("Ärende"),
    "tid": N_("Tid"),
    "telefonist": N_("Telefonist"),
}
"""Each field's label, as the form shows it and a refusal names it."""
CHANNELS = ("presence", "email", "sms")
PersonId = Annotated[str, Path(min_length=1, max_length=limits.ID_LENGTH)]
CallId = Annotated[str, Query(max_length=limits.ID_LENGTH)]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])


def _person_name(ctx: WebContext, tenant_id: str, person_id: str) -> str:
    """The person's name; another tenant's or an unknown person is a 404 (NotFound)."""
    return ctx.person_messaging.directory.person(tenant_id, person_id).name


def _from_call(
    ctx: WebContext, tenant_id: str, agent: str, actor: Actor, call: str, me: str
) -> dict[str, str]:
    """The fields the call in hand fills in; a call not in her hand is a 404."""
    now = ctx.clock()
    values = {name: "" for name in FIELDS}
    values["telefonist"] = me
    values["tid"] = to_local(now).strftime("%H:%M")  # Stockholm time, as the card
    if not call:
        return values
    contact = ctx.center.agent_panel(tenant_id, agent, now).get("contact") or {}
    if str(contact.get("id") or "") != call:
        raise HTTPException(404, gettext("Samtalet finns inte hos dig"))
    number = str(contact.get("caller_number") or "")
    known = person_with(ctx.directory_views, tenant_id, actor, number)
    values |= {"nummer": number, "namn": known.person.name if known is not None else ""}
    return values


def _page(
    request: Request,
    session: SignedIn,
    ctx: WebContext,
    person_id: str,
    name: str,
    values: dict[str, Any],
    error: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    response = render(
        request,
        "operator_message.html",
        session,
        person_id=person_id,
        name=name,
        templates=ctx.person_messaging.templates(session.user.tenant_id),
        values=values,
        fields=FIELDS,
        body_length=BODY_LENGTH,
        field_length=FIELD_LENGTH,
        error=error,
    )
    response.status_code = status
    response.headers.update(headers or {})
    return response


@router.get(PAGE)
def message_page(
    request: Request,
    person_id: PersonId,
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    actor: ConsoleMe,
    samtal: CallId = "",
) -> Response:
    tenant_id, user = session.user.tenant_id, session.user
    name = _person_name(ctx, tenant_id, person_id)
    me = user.display_name or user.username
    values: dict[str, Any] = _from_call(ctx, tenant_id, agent, actor, samtal, me)
    templates = ctx.person_messaging.templates(tenant_id)
    values |= {"template_id": templates[0].template_id if templates else "", "text": ""}
    values["channels"] = ["presence"]
    return _page(request, session, ctx, person_id, name, values)


def _too_long(form_values: dict[str, str], text: str) -> str:
    """A Swedish refusal for a value past its limit; "" when all fit."""
    if len(text) > BODY_LENGTH:
        return gettext("Texten får vara högst {max} tecken").format(max=BODY_LENGTH)
    for field, value in form_values.items():
        if len(value) > FIELD_LENGTH:
            return gettext("{field}: högst {max} tecken").format(
                field=gettext(LABELS[field]), max=FIELD_LENGTH
            )
    return ""


@router.post(PAGE)
async def send_from_page(
    request: Request, person_id: PersonId, form: CsrfForm, session: SignedIn, ctx: Platform
) -> Response:
    """Send it as the script form does; a refusal shows the form again, in Swedish."""
    tenant_id, user = session.user.tenant_id, session.user
    name = _person_name(ctx, tenant_id, person_id)
    sender = user.display_name or user.username
    fields = {f: str(form.get(f, ""))[: FIELD_LENGTH * 2].strip() for f in FIELDS}
    text = str(form.get("text", ""))[: BODY_LENGTH * 2]
    template_id = str(form.get("template_id", ""))[: limits.ID_LENGTH]
    channels = [str(c)[:16] for c in form.getlist("channel")][: len(CHANNELS)]
    values: dict[str, Any] = fields | {
        "text": text,
        "template_id": template_id,
        "channels": channels,
    }
    error = _too_long(fields, text)
    if error:
        return _page(request, session, ctx, person_id, name, values, error, 409)
    body = MessageIn(
        person_id=person_id,
        template_id=template_id,
        text=text if not template_id else "",
        fields={f: v for f, v in fields.items() if v},
        channels=channels,
    )
    try:
        # each may be an e-mail or an SMS: the same cap per operator and tenant as the script's
        ctx.message_rate.take(tenant_id, f"user:{user.username}", ctx.clock())
        send_to(ctx, tenant_id, person_id, body, sender)
    except TooManyMessages as refused:
        detail, wait = str(refused.detail), dict(refused.headers or {})
        return _page(request, session, ctx, person_id, name, values, detail, 429, wait)
    except NotFound:
        raise
    except VaxelError as refused:
        status, detail = error_status(refused), error_text(refused)
        return _page(request, session, ctx, person_id, name, values, detail, status)
    said = gettext("Meddelandet till {name} är skickat").format(name=name)
    return back(HOME, said=said)
