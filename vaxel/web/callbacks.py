"""The callback list (CB8–CB11): sortable, per queue, paged in SQL; take and close items."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from vaxel.acd.events import CallbackClosed, ContactPicked
from vaxel.core.errors import VaxelError
from vaxel.web.context import SignedIn, WebContext, agent_of, back, local_time, render
from vaxel.web.i18n import gettext
from vaxel.web.security import check_csrf

__all__ = ["callbacks_router"]

PAGE_SIZE = 100
"""Callback list rows per page: the list may hold tens of thousands (issue 4 performance)."""
CALLBACK_COLUMNS = (
    ("number", "Nummer"),
    ("queue", "Kö"),
    ("requested", "Begärd"),
    ("eligible", "Ring från"),
    ("attempts", "Försök"),
    ("agents", "Handläggare"),
    ("note", "Senaste anteckning"),
    ("status", "Status"),
)
CALLBACK_STATUS = {
    "waiting": "Väntar",
    "in_progress": "Pågår",
    "done": "Klar",
    "failed": "Misslyckad",
    "scheduled": "Schemalagd",
}


def callbacks_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()
    center, read_models = ctx.center, ctx.read_models

    @router.get("/callbacks")
    def callbacks(
        request: Request,
        session: SignedIn,
        queue: str = "",
        sort: str = "eligible",
        error: str = "",
        page: int = 1,
    ) -> Response:
        """The callback list with the CB8 columns, per queue, sortable, paged (CB8–CB11)."""
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
        try:
            tenant = center.acd.tenant(user.tenant_id)
            queues = {q: r.config.display_name for q, r in tenant.queues.items()}
            in_progress = {
                c: a.agent_id for a in tenant.agents.values() for c in (a.contact_id,) if c
            }
        except VaxelError:
            queues, in_progress = {}, {}
        return render(
            request,
            "callbacks.html",
            session,
            queue=queue,
            sort=sort,
            error=error,
            page=page,
            pages=pages,
            total=total,
            queues=queues,
            status_names=CALLBACK_STATUS,
            columns=CALLBACK_COLUMNS,
            rows=[
                {
                    "contact_id": r.contact_id,
                    "number": r.number,
                    "queue_id": r.queue_id,
                    "requested": local_time(r.requested_at),
                    "eligible": local_time(r.eligible_at),
                    "attempts": r.attempts,
                    "agents_tried": r.agents_tried,
                    "last_note": r.last_note,
                    "status": r.status,
                    "mine": in_progress.get(r.contact_id) == user.agent_id,
                }
                for r in rows
            ],
        )

    @router.post("/callbacks/{contact_id}/take")
    async def take_callback(request: Request, session: SignedIn, contact_id: str) -> Response:
        """Pick a callback: nobody else can take it once it is in progress (CB8)."""
        await check_csrf(request, session)
        user = session.user
        agent = agent_of(session)
        error = ctx.submit(ContactPicked(user.tenant_id, agent, contact_id, actor=user.username))
        return back("/callbacks", error)

    @router.post("/callbacks/{contact_id}/close")
    async def close_callback(
        request: Request,
        session: SignedIn,
        contact_id: str,
        outcome: Annotated[str, Form()],
        note: Annotated[str, Form()] = "",
    ) -> Response:
        """Done or unanswered, with the mandatory note (CB10); unanswered requeues (CB11)."""
        await check_csrf(request, session)
        user = session.user
        if outcome not in ("done", "unanswered"):
            raise HTTPException(400, gettext("Välj Klar eller Inget svar"))
        if not note.strip():
            return back("/callbacks", gettext("Skriv en kort anteckning om vad som hände"))
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
        return back("/callbacks", error)

    return router
