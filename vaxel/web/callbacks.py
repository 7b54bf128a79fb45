"""The callback list (CB8–CB11): sortable, per queue, paged in SQL; take, call and close
items, each with its attempt history; a supervisor requeues a failed one.

"Ring upp" takes the item (ContactPicked): nobody else can take it after that. If the agent
has a registered SIP phone, telephony rings it and then dials the customer (CB9); otherwise
the row shows the number as a ``tel:`` link for the agent to call by hand. Either way the
agent closes it with a note as done or unanswered (CB10); unanswered returns it to the list
after the queue's retry delay until max attempts (CB11).

The list stays current without reloading: ``/callbacks/changes`` is a light event stream
that says only "the callback list changed" (callback events only, counted by
:mod:`vaxel.web.callback_changes`), and the page then fetches its visible rows again from
``/callbacks/rows`` (:mod:`vaxel.web.callback_list` builds both). The REST API's view of a
callback's attempts is :mod:`vaxel.web.api`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from vaxel.acd.events import AgentAnswered, CallbackClosed, CallbackRequeued, ContactPicked, Event
from vaxel.acd.model import AgentState, ContactState
from vaxel.acd.views import AgentView
from vaxel.core import limits
from vaxel.core.errors import VaxelError
from vaxel.web.callback_list import list_values
from vaxel.web.context import WebContext
from vaxel.web.deps import AgentId, CsrfForm, Platform, SignedIn, require_role
from vaxel.web.i18n import gettext
from vaxel.web.lengths import note_too_long
from vaxel.web.rendering import SUPERVISORS, back, render
from vaxel.web.security import COOKIE
from vaxel.web.stream_caps import capped_stream

__all__ = ["router"]

STREAM_LIFETIME_S = 300
"""The change stream ends after this long; the browser's EventSource reconnects."""

router = APIRouter(prefix="/callbacks", tags=["callbacks"])


def require_supervisor(session: SignedIn) -> None:
    """Requeueing a failed callback is a supervisor's decision (CB11)."""
    message = gettext("Bara arbetsledare kan lägga en återuppringning i kö igen")
    require_role(session, SUPERVISORS, message)


@router.get("")
def callbacks(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    queue: str = "",
    sort: str = "eligible",
    page: int = 1,
) -> Response:
    """The callback list with the CB8 columns, per queue, sortable, paged (CB8–CB11)."""
    values = list_values(ctx, session.user, queue, sort, page)
    return render(request, "callbacks.html", session, **values)


@router.get("/rows")
def callback_rows(
    request: Request,
    session: SignedIn,
    ctx: Platform,
    queue: str = "",
    sort: str = "eligible",
    page: int = 1,
) -> Response:
    """The visible page's rows alone: the list fetches them again when it changed."""
    values = list_values(ctx, session.user, queue, sort, page)
    # error="": the flash is for the page the last form post led to, not for these rows
    return render(request, "_callback_rows.html", session, error="", **values)


@router.get("/changes")
async def callback_changes(request: Request, session: SignedIn, ctx: Platform) -> StreamingResponse:
    """A light event stream: a message with the list's version each time the tenant's
    callback list changes (another agent took, called or closed an item) — nothing
    else. ``?since=`` is the version the page shows; the stream ends after a few
    minutes and the browser reconnects. Without ``since`` it answers the version once."""
    tenant_id = session.user.tenant_id
    since = request.query_params.get("since")
    versions, hub = ctx.callback_changes.versions, ctx.hub
    token = request.cookies.get(COOKIE, "")
    release = ctx.stream_caps.open("callbacks", tenant_id, token)  # 429 past the caps

    async def stream() -> AsyncIterator[str]:
        current = versions[tenant_id]
        if since is None:
            yield f"data: {current}\n\n"
            return
        wake = hub.subscribe(tenant_id)
        sent = since
        try:
            yield "retry: 2000\n\n"
            for second in range(STREAM_LIFETIME_S):
                if str(versions[tenant_id]) != sent:
                    sent = str(versions[tenant_id])
                    yield f"data: {sent}\n\n"
                elif second % 15 == 14:
                    yield ": still here\n\n"
                if await request.is_disconnected():
                    return
                wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), 1.0)
        finally:
            hub.unsubscribe(tenant_id, wake)

    return capped_stream(
        release, stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )


@router.post("/{contact_id}/take")
async def take_callback(
    session: SignedIn, ctx: Platform, _: CsrfForm, agent: AgentId, contact_id: str
) -> Response:
    """Pick a callback: nobody else can take it once it is in progress (CB8). With a
    registered phone telephony rings the agent, then the customer (CB9)."""
    user = session.user
    event: Event = ContactPicked(user.tenant_id, agent, contact_id, actor=user.username)
    if _offered_to(ctx, user.tenant_id, agent, contact_id):
        # the ACD is offering this very callback to the agent: taking it is answering
        event = AgentAnswered(user.tenant_id, agent, contact_id, actor=user.username)
    error = ctx.submit(event)
    if error:
        return back("/callbacks", _take_refused(ctx, user.tenant_id, contact_id, agent, error))
    return back("/callbacks")


@router.post("/{contact_id}/close")
async def close_callback(
    session: SignedIn,
    ctx: Platform,
    _: CsrfForm,
    contact_id: str,
    outcome: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/callbacks",
) -> Response:
    """Done or unanswered, with the mandatory note (CB10); unanswered requeues (CB11).
    ``next`` is the page the form was on: the list, or the workspace's contact card."""
    user = session.user
    page = next if next in ("/", "/callbacks") else "/callbacks"
    if outcome not in ("done", "unanswered"):
        raise HTTPException(400, gettext("Välj Klar eller Inget svar"))
    if not note.strip():
        return back(page, gettext("Skriv en kort anteckning om vad som hände"))
    if len(note.strip()) > limits.FREE_TEXT_LENGTH:
        return back(page, note_too_long())
    closed = CallbackClosed(
        user.tenant_id, contact_id, user.agent_id or "", outcome, note.strip(), actor=user.username
    )
    error = ctx.submit(closed)
    if error:
        error = _close_refused(ctx, user.tenant_id, contact_id, error)
    return back(page, error)


@router.post("/{contact_id}/requeue", dependencies=[Depends(require_supervisor)])
async def requeue_callback(
    session: SignedIn, ctx: Platform, _: CsrfForm, contact_id: str
) -> Response:
    """A supervisor puts a failed callback back in the list for a new round (CB11)."""
    user = session.user
    error = ctx.submit(CallbackRequeued(user.tenant_id, contact_id, actor=user.username))
    if error:
        error = gettext("Bara en misslyckad återuppringning kan läggas i kö igen")
    return back("/callbacks", error)


def _close_refused(ctx: WebContext, tenant_id: str, contact_id: str, error: str) -> str:
    """Say in the agent's words why closing did not happen (CB10)."""
    row = ctx.center.callback_row(tenant_id, contact_id)
    if row is not None and row.status.value != "in_progress":
        return gettext("Återuppringningen är redan avslutad")
    if row is not None:
        return gettext("Någon annan arbetar med den här återuppringningen")
    return error


def _offered_to(ctx: WebContext, tenant_id: str, agent_id: str, contact_id: str) -> bool:
    try:
        me = ctx.center.agent_view(tenant_id, agent_id, ctx.clock())
    except VaxelError:
        return False
    return me.state is AgentState.OFFERED and me.contact_id == contact_id


def _take_refused(
    ctx: WebContext, tenant_id: str, contact_id: str, agent_id: str, error: str
) -> str:
    """Say in the agent's words why "Ring upp" did not take the item (CB8)."""
    center = ctx.center
    try:
        contact = center.contact_view(tenant_id, contact_id)
    except VaxelError:
        return gettext("Återuppringningen finns inte")
    me: AgentView | None = None
    with contextlib.suppress(VaxelError):
        me = center.agent_view(tenant_id, agent_id, ctx.clock())
    if contact.state is ContactState.OFFERED:
        return gettext("Återuppringningen erbjuds just nu en annan handläggare")
    if contact.state is ContactState.CONNECTED and contact.agent_id != agent_id:
        other = center.running_agents(tenant_id).get(contact.agent_id or "")
        name = (other.name or other.agent_id) if other is not None else contact.agent_id
        return gettext("%(name)s har redan tagit den här återuppringningen") % {"name": name}
    if contact.state in (ContactState.ENDED, ContactState.FAILED):
        return gettext("Återuppringningen är redan avslutad")
    if contact.state is ContactState.PENDING:
        return gettext("Återuppringningen får inte ringas än: vänta till tiden i Ring från")
    if me is not None and contact.queue_id not in me.queue_ids:
        return gettext("Logga in i kön först (i arbetsytan) för att ringa upp härifrån")
    if me is not None and me.contact_id:
        return gettext("Avsluta ditt pågående ärende först")
    return error
