"""The supervisor wallboard (ST1) and the live stream that keeps every page current."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from vaxel.web.deps import Platform, SignedIn, require_role
from vaxel.web.i18n import gettext
from vaxel.web.live import REFRESH_S
from vaxel.web.rendering import SUPERVISORS, render
from vaxel.web.security import COOKIE
from vaxel.web.stream_caps import capped_stream

__all__ = ["require_supervisor", "router"]

router = APIRouter(tags=["wallboard"])


def require_supervisor(session: SignedIn) -> None:
    """The wallboard is for supervisors and admins (ST1)."""
    require_role(session, SUPERVISORS, gettext("Väggtavlan är för arbetsledare"))


@router.get("/wallboard", dependencies=[Depends(require_supervisor)])
def wallboard(request: Request, session: SignedIn, ctx: Platform) -> Response:
    snapshot = ctx.snapshot_of(session.user.tenant_id, ctx.clock())
    return render(request, "wallboard.html", session, snapshot=snapshot)


@router.get("/api/v1/snapshot", include_in_schema=False)
def snapshot(session: SignedIn, ctx: Platform) -> dict[str, Any]:
    """The signed-in tenant's queues and agents (the wallboard's data): for the pages'
    session, not an API key, so not in the REST API's OpenAPI document (issue 9 §9)."""
    return ctx.snapshot_of(session.user.tenant_id, ctx.clock())


@router.get("/events")
async def events(request: Request, session: SignedIn, ctx: Platform) -> StreamingResponse:
    """The tenant's snapshot as server-sent events, on every change (ST1). The bytes
    are the hub's, shared by all pages; disconnects end the stream through the
    response's own listener, so a wake-up costs one send and nothing else.

    The stream lives only as long as its session (issue 10 §9): the session watch
    re-checks the sessions of all open streams together, off the push path, and wakes
    this one to end once the user signed out, was deactivated or the session expired."""
    tenant_id = session.user.tenant_id
    token = request.cookies.get(COOKIE, "")
    hub = ctx.hub
    release = ctx.stream_caps.open("events", tenant_id, token)  # 429 past the caps

    def build() -> dict[str, Any]:
        return ctx.snapshot_of(tenant_id, ctx.clock())

    async def stream() -> AsyncIterator[bytes]:
        wake = hub.subscribe(tenant_id)
        watched = ctx.session_watch.watch(token, wake)
        try:
            while not watched.ended:
                wake.clear()  # before sending: an event during the send wakes us again
                yield hub.payload(tenant_id, ctx.clock(), build)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(REFRESH_S):
                        await wake.wait()
        finally:
            ctx.session_watch.unwatch(watched)
            hub.unsubscribe(tenant_id, wake)

    return capped_stream(
        release, stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
