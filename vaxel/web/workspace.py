"""The agent workspace (Q21–Q26, Q28): state, queues, the contact card, taking a contact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from vaxel.acd.events import (
    AgentAnswered,
    AgentDeclined,
    AgentLoggedOut,
    AgentPaused,
    ContactClassified,
    ContactEnded,
    ContactPicked,
)
from vaxel.core import limits
from vaxel.web.agent_ready import cancel_wrap_up, log_in, ready
from vaxel.web.audio_device import device_view
from vaxel.web.context import WebContext
from vaxel.web.deps import AgentId, CsrfForm, Me, Platform, SignedIn
from vaxel.web.dialing import refusal_text
from vaxel.web.i18n import gettext
from vaxel.web.lengths import note_too_long
from vaxel.web.rendering import back, render
from vaxel.web.snapshot import with_state_names

__all__ = ["router"]

router = APIRouter(tags=["workspace"])


def lists(ctx: WebContext, tenant_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tenant's pause reasons and classification codes (admin-editable, ADM1)."""
    configuration = ctx.configuration
    return (
        configuration.list_items(tenant_id, "pause_reasons"),
        configuration.list_items(tenant_id, "classifications"),
    )


@router.get("/")
def workspace(request: Request, session: SignedIn, ctx: Platform, me: Me) -> Response:
    user = session.user
    now = ctx.clock()
    panel = with_state_names(ctx.center.agent_panel(user.tenant_id, user.agent_id or "", now))
    contact = panel.get("contact")
    earlier = []
    if contact:
        contact["on_phone"] = ctx.on_phone(contact["id"])
        policy = ctx.dial_policy(user.tenant_id)
        contact["barred"] = refusal_text(policy, contact["caller_number"])
        earlier = [
            c
            for c in ctx.read_models.contacts_of_caller(user.tenant_id, contact["caller_number"])
            if c.contact_id != contact["id"]
        ]
    reasons, classifications = lists(ctx, user.tenant_id)
    return render(
        request,
        "workspace.html",
        session,
        panel=panel,
        contact=contact,
        earlier=earlier,
        snapshot=ctx.snapshot_of(user.tenant_id, now),
        reasons=reasons,
        classifications=classifications,
        device=device_view(ctx, user, me),  # her audio device, a mobile too (PBX9)
    )


@router.post("/agent/contact")
async def agent_contact(
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    action: Annotated[str, Form()],
    code: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Answer, decline, end, classify (Q26) or end wrap-up early (Q22)."""
    user = session.user
    tenant = user.tenant_id
    now = ctx.clock()
    contact_id = ctx.center.agent_view(tenant, agent, now).contact_id
    if action == "cancel_wrapup":
        error = cancel_wrap_up(ctx, tenant, agent, user.username)
    elif not contact_id:
        error = gettext("Du har inget pågående ärende")
    elif action in ("answer", "decline", "end") and ctx.on_phone(contact_id):
        error = gettext("Samtalet hanteras i din telefon")
    elif action == "answer":
        error = ctx.submit(AgentAnswered(tenant, agent, contact_id, actor=user.username))
    elif action == "decline":
        error = ctx.submit(AgentDeclined(tenant, agent, contact_id, actor=user.username))
    elif action == "end":
        error = ctx.submit(ContactEnded(tenant, contact_id, actor=user.username))
    elif action == "classify":
        if code not in lists(ctx, tenant)[1]:
            raise HTTPException(400, gettext("Välj en klassificering i listan"))
        if len(note.strip()) > limits.FREE_TEXT_LENGTH:
            return back("/", note_too_long())
        error = ctx.submit(
            ContactClassified(tenant, contact_id, agent, code, note.strip(), actor=user.username)
        )
    else:
        raise HTTPException(400, gettext("Okänd åtgärd"))
    return back("/", error)


@router.post("/agent/state")
async def agent_state(
    session: SignedIn,
    ctx: Platform,
    agent: AgentId,
    _: CsrfForm,
    action: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    user = session.user
    if action == "ready":
        error = ready(ctx, user.tenant_id, agent, user.username)
    elif action == "pause":
        reasons = lists(ctx, user.tenant_id)[0]
        chosen = reason if reason in reasons else reasons[-1]
        error = ctx.submit(AgentPaused(user.tenant_id, agent, chosen, actor=user.username))
    else:
        raise HTTPException(400, gettext("Okänd åtgärd: välj Redo eller Paus"))
    return back("/", error)


@router.post("/agent/pick")
async def agent_pick(
    session: SignedIn, ctx: Platform, agent: AgentId, _: CsrfForm, contact: Annotated[str, Form()]
) -> Response:
    """Q28: take a specific waiting contact (the engine refuses one already offered)."""
    user = session.user
    return back("/", ctx.submit(ContactPicked(user.tenant_id, agent, contact, actor=user.username)))


@router.post("/agent/queues")
async def agent_queues(
    session: SignedIn, ctx: Platform, agent: AgentId, form: CsrfForm
) -> Response:
    user = session.user
    wanted = {str(q) for q in form.getlist("queue")}
    now = ctx.clock()
    panel = with_state_names(ctx.center.agent_panel(user.tenant_id, agent, now))
    permitted = {q["id"] for q in panel.get("queues", [])}
    if not wanted <= permitted:
        raise HTTPException(403, gettext("Du saknar behörighet till någon av köerna"))
    current_queues = {q["id"] for q in panel["queues"] if q["in"]}
    error = ""
    if wanted - current_queues:
        joined = tuple(sorted(wanted - current_queues))
        error = log_in(ctx, user.tenant_id, agent, joined, user.username)
    if not error and current_queues - wanted:
        left = tuple(sorted(current_queues - wanted))
        error = ctx.submit(AgentLoggedOut(user.tenant_id, agent, left, actor=user.username))
    return back("/", error)
