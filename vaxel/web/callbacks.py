"""The callback list (CB8–CB11): sortable, per queue, paged in SQL; take, call and close
items, each with its attempt history; a supervisor requeues a failed one.

"Ring upp" takes the item (ContactPicked): nobody else can take it after that. If the agent
has a registered SIP phone, telephony rings it and then dials the customer (CB9); otherwise
the row shows the number as a ``tel:`` link for the agent to call by hand. Either way the
agent closes it with a note as done or unanswered (CB10); unanswered returns it to the list
after the queue's retry delay until max attempts (CB11).

The list stays current without reloading: ``/callbacks/changes`` is a light event stream
that says only "the callback list changed" (callback events only), and the page then
fetches its visible rows again from ``/callbacks/rows``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from vaxel.acd.commands import Command, DialCallback, MarkCallbackFailed, NotifyCallbackCreated
from vaxel.acd.events import (
    AgentAnswered,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequested,
    CallbackRequeued,
    ContactPicked,
    Event,
)
from vaxel.acd.model import AgentState, ContactState
from vaxel.acd.views import AgentView
from vaxel.core import limits
from vaxel.core.clock import to_local
from vaxel.core.errors import VaxelError
from vaxel.store.callback_history import AttemptRecord, CallbackHistory
from vaxel.store.repositories import CallbackRecord
from vaxel.web.api import ObjectId, Tenant
from vaxel.web.context import SUPERVISORS, WebContext, back, local_time, render
from vaxel.web.deps import SignedIn, agent_of, require_role
from vaxel.web.dialing import refusal_text
from vaxel.web.i18n import N_, gettext
from vaxel.web.lengths import note_too_long
from vaxel.web.security import check_csrf

__all__ = ["callbacks_router"]

PAGE_SIZE = 100
"""Callback list rows per page: the list may hold tens of thousands (issue 4 performance)."""
CALLBACK_COLUMNS = (
    ("number", N_("Nummer")),
    ("queue", N_("Kö")),
    ("requested", N_("Begärd")),
    ("eligible", N_("Ring från")),
    ("attempts", N_("Försök")),
    ("agents", N_("Handläggare")),
    ("note", N_("Senaste anteckning")),
    ("status", N_("Status")),
)
"""Sort key and Swedish title of each column; the template translates the titles."""
CALLBACK_STATUS = {
    "unhandled": N_("Ny"),
    "requeued": N_("Åter i kö"),
    "in_progress": N_("Pågår"),
    "done": N_("Klar"),
    "failed": N_("Misslyckad"),
}
"""The CB8 status column (``CallbackStatus``) in Swedish; translated where shown."""
CALL_RESULTS = {"answered": N_("kunden svarade"), "no_answer": N_("kunden svarade inte")}
OUTCOMES = {"done": N_("Klar"), "unanswered": N_("Inget svar")}
_CALLBACK_EVENTS = (
    CallbackRequested,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequeued,
    ContactPicked,
)
STREAM_LIFETIME_S = 300
"""The change stream ends after this long; the browser's EventSource reconnects."""
_CALLBACK_COMMANDS = (NotifyCallbackCreated, DialCallback, MarkCallbackFailed)


class CallbackChanges:
    """Per tenant, how many times its callback list changed: a ContactCenter listener that
    counts callback events only, so the list pages refetch on those and nothing else."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = defaultdict(int)

    def committed(self, event: Event, commands: list[Command], now: float) -> None:
        tenants = {c.tenant_id for c in commands if isinstance(c, _CALLBACK_COMMANDS)}
        if isinstance(event, _CALLBACK_EVENTS):
            tenants.add(event.tenant_id)
        for tenant_id in tenants:
            self.versions[tenant_id] += 1


class CallbackAttempt(BaseModel):
    """One attempt of a callback as the API shows it (times ISO 8601 with offset)."""

    attempt: int
    agent_id: str
    started_at: datetime
    call_result: str = Field(description="answered / no_answer when Växel dialled; else empty")
    outcome: str = Field(description="done / unanswered once closed; empty while in progress")
    note: str
    closed_at: datetime | None
    next_at: datetime | None = Field(description="when an unanswered callback is tried again")
    requeued_by: str
    requeued_at: datetime | None


def _local(epoch: float | None) -> datetime | None:
    return to_local(epoch) if epoch is not None else None


def callbacks_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()
    center, read_models, hub = ctx.center, ctx.read_models, ctx.hub
    history = CallbackHistory(ctx.database)
    changes = CallbackChanges()
    center.listeners.append(changes.committed)

    def list_values(session: Any, queue: str, sort: str, page: int) -> dict[str, Any]:
        """What the list and its live-refreshed rows show: one page, its attempts."""
        user = session.user
        rows, total = read_models.callback_page(
            user.tenant_id,
            queue_id=queue,
            sort=sort,
            offset=(max(1, page) - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, page), pages)
        running = center.callback_context(user.tenant_id)
        queues, max_attempts = dict(running.queue_names), running.max_attempts
        names, in_progress = dict(running.agent_names), running.in_progress
        attempts = history.attempts(user.tenant_id, [r.contact_id for r in rows])
        now = ctx.clock()
        policy = ctx.dial_policy(user.tenant_id)
        return {
            "queue": queue,
            "sort": sort,
            "page": page,
            "pages": pages,
            "total": total,
            "queues": queues,
            "status_names": CALLBACK_STATUS,
            "columns": CALLBACK_COLUMNS,
            "can_requeue": user.role in SUPERVISORS,
            "version": changes.versions[user.tenant_id],
            "rows": [
                _row(
                    r,
                    attempts.get(r.contact_id, []),
                    names,
                    worker=in_progress.get(r.contact_id, ""),
                    me=user.agent_id or "",
                    max_attempts=max_attempts.get(r.queue_id, 0),
                    on_phone=ctx.on_phone(r.contact_id),
                    now=now,
                )
                | {"barred": refusal_text(policy, r.number)}
                for r in rows
            ],
        }

    @router.get("/callbacks")
    def callbacks(
        request: Request,
        session: SignedIn,
        queue: str = "",
        sort: str = "eligible",
        page: int = 1,
    ) -> Response:
        """The callback list with the CB8 columns, per queue, sortable, paged (CB8–CB11)."""
        values = list_values(session, queue, sort, page)
        return render(request, "callbacks.html", session, **values)

    @router.get("/callbacks/rows")
    def callback_rows(
        request: Request, session: SignedIn, queue: str = "", sort: str = "eligible", page: int = 1
    ) -> Response:
        """The visible page's rows alone: the list fetches them again when it changed."""
        values = list_values(session, queue, sort, page)
        # error="": the flash is for the page the last form post led to, not for these rows
        return render(request, "_callback_rows.html", session, error="", **values)

    @router.get("/callbacks/changes")
    async def callback_changes(request: Request, session: SignedIn) -> StreamingResponse:
        """A light event stream: a message with the list's version each time the tenant's
        callback list changes (another agent took, called or closed an item) — nothing
        else. ``?since=`` is the version the page shows; the stream ends after a few
        minutes and the browser reconnects. Without ``since`` it answers the version once."""
        tenant_id = session.user.tenant_id
        since = request.query_params.get("since")

        async def stream() -> AsyncIterator[str]:
            current = changes.versions[tenant_id]
            if since is None:
                yield f"data: {current}\n\n"
                return
            wake = hub.subscribe(tenant_id)
            sent = since
            try:
                yield "retry: 2000\n\n"
                for second in range(STREAM_LIFETIME_S):
                    if str(changes.versions[tenant_id]) != sent:
                        sent = str(changes.versions[tenant_id])
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

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    @router.post("/callbacks/{contact_id}/take")
    async def take_callback(request: Request, session: SignedIn, contact_id: str) -> Response:
        """Pick a callback: nobody else can take it once it is in progress (CB8). With a
        registered phone telephony rings the agent, then the customer (CB9)."""
        await check_csrf(request, session)
        user = session.user
        agent = agent_of(session)
        event: Event = ContactPicked(user.tenant_id, agent, contact_id, actor=user.username)
        if _offered_to(ctx, user.tenant_id, agent, contact_id):
            # the ACD is offering this very callback to the agent: taking it is answering
            event = AgentAnswered(user.tenant_id, agent, contact_id, actor=user.username)
        error = ctx.submit(event)
        if error:
            return back("/callbacks", _take_refused(ctx, user.tenant_id, contact_id, agent, error))
        return back("/callbacks")

    @router.post("/callbacks/{contact_id}/close")
    async def close_callback(
        request: Request,
        session: SignedIn,
        contact_id: str,
        outcome: Annotated[str, Form()],
        note: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/callbacks",
    ) -> Response:
        """Done or unanswered, with the mandatory note (CB10); unanswered requeues (CB11).
        ``next`` is the page the form was on: the list, or the workspace's contact card."""
        await check_csrf(request, session)
        user = session.user
        page = next if next in ("/", "/callbacks") else "/callbacks"
        if outcome not in ("done", "unanswered"):
            raise HTTPException(400, gettext("Välj Klar eller Inget svar"))
        if not note.strip():
            return back(page, gettext("Skriv en kort anteckning om vad som hände"))
        if len(note.strip()) > limits.FREE_TEXT_LENGTH:
            return back(page, note_too_long())
        error = ctx.submit(
            CallbackClosed(
                user.tenant_id,
                contact_id,
                user.agent_id or "",
                outcome,
                note.strip(),
                actor=user.username,
            )
        )
        if error:
            row = center.callback_row(user.tenant_id, contact_id)
            if row is not None and row.status.value != "in_progress":
                error = gettext("Återuppringningen är redan avslutad")
            elif row is not None:
                error = gettext("Någon annan arbetar med den här återuppringningen")
        return back(page, error)

    @router.get(
        "/api/v1/callbacks/{contact_id}/attempts",
        tags=["api"],
        response_model=list[CallbackAttempt],
    )
    def callback_attempts(contact_id: ObjectId, tenant: Tenant) -> list[CallbackAttempt]:
        """CB10/CB11: every attempt of one callback, oldest first; 404 for an unknown id
        (also another tenant's)."""
        if center.callback_row(tenant, contact_id) is None:
            raise HTTPException(404, gettext("Återuppringningen finns inte"))
        found = history.attempts(tenant, [contact_id]).get(contact_id, [])
        return [
            CallbackAttempt(
                attempt=a.attempt,
                agent_id=a.agent_id,
                started_at=to_local(a.started_at),
                call_result=a.call_result,
                outcome=a.outcome,
                note=a.note,
                closed_at=_local(a.closed_at),
                next_at=_local(a.next_at),
                requeued_by=a.requeued_by,
                requeued_at=_local(a.requeued_at),
            )
            for a in found
        ]

    @router.post("/callbacks/{contact_id}/requeue")
    async def requeue_callback(request: Request, session: SignedIn, contact_id: str) -> Response:
        """A supervisor puts a failed callback back in the list for a new round (CB11)."""
        await check_csrf(request, session)
        require_role(
            session,
            SUPERVISORS,
            gettext("Bara arbetsledare kan lägga en återuppringning i kö igen"),
        )
        user = session.user
        error = ctx.submit(CallbackRequeued(user.tenant_id, contact_id, actor=user.username))
        if error:
            error = gettext("Bara en misslyckad återuppringning kan läggas i kö igen")
        return back("/callbacks", error)

    return router


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


def _row(
    r: CallbackRecord,
    attempts: Iterable[AttemptRecord],
    names: dict[str, str],
    *,
    worker: str,
    me: str,
    max_attempts: int,
    on_phone: bool,
    now: float,
) -> dict[str, Any]:
    history = [
        {
            "attempt": a.attempt,
            "when": local_time(a.started_at),
            "agent": names.get(a.agent_id, a.agent_id),
            "call_result": CALL_RESULTS.get(a.call_result, ""),
            "outcome": OUTCOMES.get(a.outcome, ""),
            "note": a.note,
            "next": local_time(a.next_at) if a.next_at else "",
            "requeued_by": a.requeued_by,
            "requeued_at": local_time(a.requeued_at) if a.requeued_at else "",
        }
        for a in attempts
    ]
    last = history[-1] if history else None
    return {
        "contact_id": r.contact_id,
        "number": r.number,
        "queue_id": r.queue_id,
        "caller_data": dict(r.caller_data),
        "requested": local_time(r.requested_at),
        "eligible": local_time(r.eligible_at),
        "later": r.eligible_at > now and r.status in ("unhandled", "requeued"),
        "attempts": r.attempts,
        "max_attempts": max_attempts,
        "agents_tried": [names.get(a, a) for a in r.agents_tried],
        "last_note": r.last_note,
        "status": r.status,
        "worker": names.get(worker, worker) if worker else "",
        "mine": bool(worker) and worker == me,
        "on_phone": on_phone,
        "call_result": last["call_result"] if last and not last["outcome"] else "",
        "history": history,
    }
