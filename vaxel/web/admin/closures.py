"""Temporary closure of many queues at once, with a closing message (Q2)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from vaxel.acd.events import QueueClosed, QueueOpened
from vaxel.web.context import ADMINS, SignedIn, WebContext, back, render, require_role
from vaxel.web.i18n import gettext
from vaxel.web.security import check_csrf

__all__ = ["closures_router"]


def closures_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()

    def admin_only(session: Any) -> None:
        message = gettext("Stängning av köer kräver administratörsbehörighet")
        require_role(session, ADMINS, message)

    @router.get("/admin/closures")
    def closures_page(request: Request, session: SignedIn, error: str = "") -> Response:
        admin_only(session)
        snapshot = ctx.snapshot_of(session.user.tenant_id, ctx.clock())
        return render(request, "closures.html", session, error=error, snapshot=snapshot)

    @router.post("/admin/closures")
    async def closures(request: Request, session: SignedIn) -> Response:
        """Q2: close (or reopen) many queues at once with a closing message."""
        await check_csrf(request, session)
        admin_only(session)
        user = session.user
        form = await request.form()
        queue_ids = [str(q) for q in form.getlist("queue")]
        action, message = str(form.get("action", "")), str(form.get("message", "")).strip()
        if not queue_ids:
            return back("/admin/closures", gettext("Välj minst en kö"))
        if action not in ("close", "open"):
            raise HTTPException(400, gettext("Välj Stäng eller Öppna"))
        known = set(ctx.center.acd.tenant(user.tenant_id).queues)
        unknown = [q for q in queue_ids if q not in known]
        if unknown:
            raise HTTPException(400, gettext("Okända köer: {}").format(", ".join(unknown)))
        errors = []
        for queue_id in queue_ids:
            event: Any = (
                QueueClosed(user.tenant_id, queue_id, "temporary", message, actor=user.username)
                if action == "close"
                else QueueOpened(user.tenant_id, queue_id, actor=user.username)
            )
            error = ctx.submit(event)
            if error:
                errors.append(error)
        return back("/admin/closures", "; ".join(errors))

    return router
