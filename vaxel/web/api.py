"""The REST API for integrations (issue 4 §6), authenticated by per-tenant API keys.

``POST /api/v1/callbacks`` is the website form use case (CB7): a Swedish number, validated
with ``phonenumbers``, becomes a durable callback request the moment the call returns 201,
booked inside the queue's opening hours (``GET /api/v1/queues/{id}/callback-intervals``
offers the windows). Every route is scoped to the key's tenant; times are ISO 8601 with
offset; errors are RFC 9457 problem details saying what to fix, in the client's
``Accept-Language`` (:mod:`vaxel.web.errors`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, Security
from fastapi.responses import StreamingResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from vaxel.acd.callbacks import callback_windows
from vaxel.core import limits
from vaxel.store.api_keys import key_id_of
from vaxel.web.api_models import (
    AgentOut,
    CallbackAttempt,
    CallbackDetail,
    CallbackOut,
    ContactDetail,
    ContactOut,
    EventOut,
    QueueOut,
    attempt_out,
    callback_out,
    contact_out,
)
from vaxel.web.booking import (
    CallbackWindowOut,
    book_callback,
    local_datetime,
    queue_callback_hours,
)
from vaxel.web.context import WebContext
from vaxel.web.deps import Platform
from vaxel.web.i18n import gettext
from vaxel.web.integrations import OVERFLOW, Subscription
from vaxel.web.live import SESSION_RECHECK_S
from vaxel.web.stream_caps import capped_stream

__all__ = ["MAX_PAGE", "ObjectId", "Tenant", "key_with_scope", "router"]


DataKey = Annotated[str, StringConstraints(min_length=1, max_length=limits.CALLER_DATA_KEY_LENGTH)]
DataValue = Annotated[str, StringConstraints(max_length=limits.CALLER_DATA_VALUE_LENGTH)]


class CallbackRequest(BaseModel):
    """The limits are vaxel.core.limits' (issue 9 §3): a 422 names the field that is too long."""

    queue: str = Field(
        min_length=1, max_length=limits.ID_LENGTH, description="The queue to call back from"
    )
    number: str = Field(
        min_length=1, max_length=limits.PHONE_NUMBER_LENGTH, description="Swedish phone number"
    )
    interval: str = Field(
        "", max_length=limits.ID_LENGTH, description="A callback interval id, or empty"
    )
    day: date | None = Field(
        None,
        description="The Stockholm day of the interval (from the offered windows); "
        "empty: its next window",
    )
    data: dict[DataKey, DataValue] = Field(
        default_factory=dict,
        max_length=limits.CALLER_DATA_FIELDS,
        description=f"Form fields for the agent: at most {limits.CALLER_DATA_FIELDS}, names of "
        f"at most {limits.CALLER_DATA_KEY_LENGTH} and values of at most "
        f"{limits.CALLER_DATA_VALUE_LENGTH} characters",
    )


class CallbackCreated(BaseModel):
    id: str
    queue: str
    number: str
    eligible_at: datetime = Field(description="When it may be called, ISO 8601 with offset")


API_KEY = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="The organisation's API key (admin page 'API-nycklar' or `vaxel apikey add`)",
)
"""Declared as the API's security scheme, so the documentation page can authorise calls."""


def key_with_scope(scope: str) -> Callable[..., str]:
    """A dependency giving the tenant of the request's API key: 401 without a usable key
    (unknown, revoked or expired), 403 when the key lacks ``scope`` (issue 10 §12)."""

    def api_tenant(ctx: Platform, x_api_key: Annotated[str | None, Security(API_KEY)]) -> str:
        key = ctx.api_keys.authenticate(x_api_key, ctx.clock()) if x_api_key else None
        if key is None:
            raise HTTPException(401, gettext("Ange en giltig API-nyckel i huvudet X-API-Key"))
        if scope not in key.scopes:
            message = gettext("API-nyckeln har inte behörigheten {scope}")
            raise HTTPException(403, message.format(scope=scope))
        return key.tenant_id

    return api_tenant


Tenant = Annotated[str, Depends(key_with_scope("read"))]
"""The tenant of a key that may read (every GET but the event stream)."""
CallbackTenant = Annotated[str, Depends(key_with_scope("callbacks:create"))]
"""The tenant of a key that may create callbacks: the website form's key needs only this."""
EventsTenant = Annotated[str, Depends(key_with_scope("events"))]
DEFAULT_PAGE, MAX_PAGE = 100, 500
PAGE_HEADERS = {
    "Link": {
        "description": 'The next page, `<url>; rel="next"` (RFC 8288); absent on the last page',
        "schema": {"type": "string"},
    },
    "X-Total-Count": {
        "description": "How many rows all pages hold together",
        "schema": {"type": "integer"},
    },
}
ObjectId = Annotated[str, Path(min_length=1, max_length=128)]


router = APIRouter(
    prefix="/api/v1",
    tags=["api"],
    responses={
        401: {"description": "No X-API-Key, or one unknown, revoked or expired"},
        403: {
            "description": "The key lacks this route's scope: "
            "callbacks:create, read, events, config"
        },
    },
)


@router.post("/callbacks", status_code=201, response_model=CallbackCreated)
async def create_callback(
    body: CallbackRequest, tenant: CallbackTenant, ctx: Platform
) -> CallbackCreated:
    """CB7: a callback request from the website; durable once this returns."""
    created = book_callback(
        ctx, tenant, body.queue, body.number, body.interval, body.day, body.data
    )
    return CallbackCreated(
        id=created.contact_id,
        queue=created.queue_id,
        number=created.number,
        eligible_at=local_datetime(created.eligible_at),
    )


@router.get(
    "/queues/{queue_id}/callback-intervals",
    responses={422: {"description": "No such queue, or it takes no callbacks"}},
)
def callback_intervals(
    tenant: Tenant, queue_id: ObjectId, ctx: Platform
) -> list[CallbackWindowOut]:
    """CB2: the windows a callback may be booked in over the next two weeks, inside the
    queue's opening hours (a closed day offers none); book one by sending its
    `interval` and `day`."""
    settings, hours = queue_callback_hours(ctx, tenant, queue_id)
    return [
        CallbackWindowOut(
            interval=w.interval_id,
            day=w.day,
            start=local_datetime(w.start),
            end=local_datetime(w.end),
        )
        for w in callback_windows(settings, hours, ctx.clock())
    ]


@router.get("/callbacks", responses={200: {"headers": PAGE_HEADERS}})
def list_callbacks(
    tenant: Tenant,
    response: Response,
    ctx: Platform,
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description=f"Rows per page, at most {MAX_PAGE}")
    ] = DEFAULT_PAGE,
    offset: Annotated[
        int, Query(ge=0, le=10_000_000, description="Rows to skip: follow the Link header")
    ] = 0,
) -> list[CallbackOut]:
    """The callback list (CB8 columns), oldest request first, one page at a time (issue 10
    §13: a tenant may hold tens of thousands). While rows remain, the `Link` header carries
    the next page's URL (`rel="next"`); new requests join at the end, so following it from
    the first page walks every row once."""
    rows, total = ctx.read_models.callback_page(
        tenant, sort="requested", offset=offset, limit=limit
    )
    response.headers["X-Total-Count"] = str(total)
    if offset + len(rows) < total:
        following = f"/api/v1/callbacks?limit={limit}&offset={offset + len(rows)}"
        response.headers["Link"] = f'<{following}>; rel="next"'
    return [callback_out(r) for r in rows]


@router.get("/callbacks/{contact_id}", responses={404: {"description": "No such callback"}})
def get_callback(tenant: Tenant, contact_id: ObjectId, ctx: Platform) -> CallbackDetail:
    """One callback request with its form data; 404 for an unknown id — and for another
    tenant's id, which must not be told apart from an unknown one."""
    record = ctx.read_models.callback(tenant, contact_id)
    if record is None:
        raise HTTPException(404, gettext("Ingen återuppringning med det id:t"))
    return callback_out(record, detail=True)  # type: ignore[return-value]


@router.get(
    "/callbacks/{contact_id}/attempts",
    response_model=list[CallbackAttempt],
    responses={404: {"description": "No such callback"}},
)
def callback_attempts(contact_id: ObjectId, tenant: Tenant, ctx: Platform) -> list[CallbackAttempt]:
    """CB10/CB11: every attempt of one callback, oldest first; 404 for an unknown id
    (also another tenant's)."""
    if ctx.center.callback_row(tenant, contact_id) is None:
        raise HTTPException(404, gettext("Återuppringningen finns inte"))
    found = ctx.callback_history.attempts(tenant, [contact_id]).get(contact_id, [])
    return [attempt_out(a) for a in found]


@router.get("/contacts")
def list_contacts(tenant: Tenant, ctx: Platform, limit: int = 100) -> list[ContactOut]:
    """The contact log, oldest first."""
    found = ctx.read_models.contacts(tenant, limit=max(1, min(limit, 1000)))
    return [contact_out(c) for c in found]


@router.get("/contacts/{contact_id}", responses={404: {"description": "No such contact"}})
def get_contact(tenant: Tenant, contact_id: ObjectId, ctx: Platform) -> ContactDetail:
    """One contact with what the caller entered and the agent's note; 404 for an unknown
    id and for another tenant's (the same answer)."""
    record = ctx.read_models.contact(tenant, contact_id)
    if record is None:
        raise HTTPException(404, gettext("Ingen kontakt med det id:t"))
    return contact_out(record, detail=True)  # type: ignore[return-value]


@router.get("/agents")
async def list_agents(tenant: Tenant, ctx: Platform) -> list[AgentOut]:
    """Every agent's state now and the seconds spent in it."""
    return [AgentOut(**a) for a in ctx.snapshot_of(tenant, ctx.clock())["agents"]]


@router.get("/queues")
async def list_queues(tenant: Tenant, ctx: Platform) -> list[QueueOut]:
    """Each queue now (waiting, longest wait, agents) and today's figures (ST1)."""
    return [QueueOut(**q) for q in ctx.snapshot_of(tenant, ctx.clock())["queues"]]


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-sent events; each `data:` line is one JSON object as "
            "below, its `id:` the journal sequence number",
            "content": {"text/event-stream": {"schema": EventOut.model_json_schema()}},
        }
    },
)
async def events(request: Request, tenant: EventsTenant, ctx: Platform) -> StreamingResponse:
    """The tenant's durable events as they happen (type, time, ids — no personal data),
    for a CRM or a ticket system. A comment every 15 s keeps proxies from closing the
    stream; a client that falls 1,000 events behind gets `event: overflow` and is cut
    off, and should re-read what it needs through the other endpoints."""
    key = request.headers.get("x-api-key", "")
    # 429 past the caps; counted under the key's public id, the key itself is not kept
    release = ctx.stream_caps.open("api-events", tenant, key_id_of(key))
    subscription = ctx.fanout.subscribe(tenant)
    return capped_stream(
        release,
        _event_stream(request, ctx, subscription, key),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _event_stream(
    request: Request, ctx: WebContext, subscription: Subscription, key: str
) -> AsyncIterator[str]:
    """The events of ``subscription`` as SSE, for as long as ``key`` may stream."""
    loop = asyncio.get_running_loop()
    checked = quiet_since = loop.time()
    try:
        yield ": Växel events\n\n"
        while True:
            try:
                item = await asyncio.wait_for(subscription.queue.get(), SESSION_RECHECK_S)
            except TimeoutError:
                item = None
            if loop.time() - checked >= SESSION_RECHECK_S:
                if not await _key_still_valid(ctx, key, subscription.tenant_id):
                    return
                checked = loop.time()
            if item is None:
                if loop.time() - quiet_since < 15.0:
                    continue
                if await request.is_disconnected():
                    return
                quiet_since = loop.time()
                yield ": keep-alive\n\n"
                continue
            quiet_since = loop.time()
            if item is OVERFLOW:
                yield "event: overflow\ndata: {}\n\n"
                return
            data = json.dumps(item, ensure_ascii=False)
            # a presence change is no journal event: it has no sequence number
            yield f"id: {item['seq']}\ndata: {data}\n\n" if "seq" in item else f"data: {data}\n\n"
    finally:
        ctx.fanout.unsubscribe(subscription)


async def _key_still_valid(ctx: WebContext, key: str, tenant_id: str) -> bool:
    """The stream lives only as long as its key may stream: not revoked, not expired,
    still scoped for events (issue 10 §9, §12)."""
    found = await run_in_threadpool(ctx.api_keys.find, key)
    return (
        found is not None
        and found.tenant_id == tenant_id
        and found.usable(ctx.clock())
        and "events" in found.scopes
    )


@router.get("/status")
async def status(tenant: Tenant, ctx: Platform) -> dict[str, Any]:
    """Queue status and agent states now (the wallboard's data)."""
    return ctx.snapshot_of(tenant, ctx.clock())
