"""The supervisor wallboard (ST1) and the live stream that keeps every page current."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from vaxel.web.context import SUPERVISORS, SignedIn, WebContext, render, require_role
from vaxel.web.i18n import gettext

__all__ = ["wallboard_router"]


def wallboard_router(ctx: WebContext) -> APIRouter:
    router = APIRouter()
    hub = ctx.hub

    @router.get("/wallboard")
    def wallboard(request: Request, session: SignedIn) -> Response:
        require_role(session, SUPERVISORS, gettext("Väggtavlan är för arbetsledare"))
        snapshot = ctx.snapshot_of(session.user.tenant_id, ctx.clock())
        return render(request, "wallboard.html", session, snapshot=snapshot)

    @router.get("/api/v1/snapshot")
    def snapshot(session: SignedIn) -> dict[str, Any]:
        """The signed-in tenant's queues and agents (the wallboard's data)."""
        return ctx.snapshot_of(session.user.tenant_id, ctx.clock())

    @router.get("/events")
    async def events(request: Request, session: SignedIn) -> StreamingResponse:
        tenant_id = session.user.tenant_id

        def build() -> str:
            return json.dumps(ctx.snapshot_of(tenant_id, ctx.clock()), ensure_ascii=False)

        async def stream() -> AsyncIterator[str]:
            wake = hub.subscribe(tenant_id)
            try:
                while not await request.is_disconnected():
                    yield f"data: {hub.payload(tenant_id, ctx.clock(), build)}\n\n"
                    wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), 1.0)
            finally:
                hub.unsubscribe(tenant_id, wake)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    return router
