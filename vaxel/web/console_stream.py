"""The operator console's own live stream ``/telefonist/handelser`` (issue 16 §8 and its
benchmark: a call's arrival on 50 consoles, p99 < 100 ms).

The console used to hear the tenant's wallboard stream (``/events``) and then fetch its
live part (``/telefonist/lage``) on every change: with 50 operators that is 50 page
requests per arriving call, each through the whole web stack, and the last console saw the
call only after the others' requests. This stream wakes on the same changes (the live hub)
and sends each operator, in the push itself, what the card needs at once: her state, the
call in hand and the waiting calls of her queues with the caller's number — read from the
engine's agent panel, no page rendered. The page draws the waiting calls from it at once
and fetches the full live part after, as before. Only operators have it (ADM2).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from vaxel.web.context import WebContext
from vaxel.web.deps import AgentId, Platform, SignedIn
from vaxel.web.live import REFRESH_S
from vaxel.web.operator_console import require_operator
from vaxel.web.security import COOKIE
from vaxel.web.stream_caps import capped_stream

__all__ = ["console_payload", "router"]

router = APIRouter(tags=["operator"], dependencies=[Depends(require_operator)])
MAX_STREAMS = 4
"""Console streams one session keeps open (her tabs): a fifth ends the oldest, so a script
with her cookie cannot make the loop build a push for hundreds of streams at each change."""


@dataclass(slots=True)
class _Stream:
    wake: asyncio.Event
    ended: bool = False


_OPEN: dict[str, list[_Stream]] = {}
"""The open console streams by session token, oldest first (on the event loop only)."""


def console_payload(ctx: WebContext, tenant_id: str, agent_id: str) -> bytes:
    """One server-sent event: her state, the call in hand's id, a count of telephony's
    changes (recalls, consultations: the page fetches its live part when it moves) and
    the waiting calls of her queues (longest wait first, at most 20, as listed)."""
    panel: dict[str, Any] = ctx.center.agent_panel(tenant_id, agent_id, ctx.clock())
    data = {
        "state": str(panel.get("state", "")),
        "call": str(panel.get("contact_id") or ""),
        "telephony": ctx.hub.outside(tenant_id),  # a recall, a consultation … moved
        "waiting": [
            {
                "id": str(row["id"]),
                "queue": str(row["queue"]),
                "caller_number": str(row["caller_number"] or ""),
                "waited_s": int(row["waited_s"]),
            }
            for row in panel.get("waiting", [])
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return b"data: " + text.encode() + b"\n\n"


@router.get("/telefonist/handelser")
async def console_events(
    request: Request, session: SignedIn, ctx: Platform, agent: AgentId
) -> StreamingResponse:
    """Her console's changes as server-sent events, woken by the tenant's live hub; ends
    with her session, as the pages' stream does (issue 10 §9)."""
    tenant_id = session.user.tenant_id
    token = request.cookies.get(COOKIE, "")
    hub = ctx.hub
    # per tenant (many sessions of one account): 429 past it; a session's fifth ends the oldest
    release = ctx.stream_caps.open("console", tenant_id, token)

    async def stream() -> AsyncIterator[bytes]:
        wake = hub.subscribe(tenant_id)
        watched = ctx.session_watch.watch(token, wake)
        mine, opened = _Stream(wake), _OPEN.setdefault(token, [])
        opened.append(mine)
        while len(opened) > MAX_STREAMS:  # the oldest ends: its page reconnects if still open
            oldest = opened.pop(0)
            oldest.ended = True
            oldest.wake.set()
        try:
            while not watched.ended and not mine.ended:
                wake.clear()  # before sending: a change during the send wakes us again
                yield console_payload(ctx, tenant_id, agent)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(REFRESH_S):
                        await wake.wait()
        finally:
            ctx.session_watch.unwatch(watched)
            hub.unsubscribe(tenant_id, wake)
            if mine in opened:
                opened.remove(mine)
            if not opened and _OPEN.get(token) is opened:
                del _OPEN[token]

    return capped_stream(
        release, stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )
