"""The REST API for integrations (issue 4 §6), authenticated by per-tenant API keys.

``POST /api/v1/callbacks`` is the website form use case (CB7): a Swedish number, validated
with ``phonenumbers``, becomes a durable callback request the moment the call returns 201.
Every route is scoped to the key's tenant; errors are JSON with a message saying what to fix.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, Field

from vaxel.acd.commands import NotifyCallbackCreated
from vaxel.acd.events import CallbackRequested
from vaxel.core.errors import VaxelError
from vaxel.telephony.numbers import DialPolicy
from vaxel.web.context import WebContext

__all__ = ["api_router"]


class CallbackRequest(BaseModel):
    queue: str = Field(min_length=1, max_length=64, description="The queue to call back from")
    number: str = Field(min_length=1, max_length=40, description="Swedish phone number")
    interval: str = Field("", max_length=64, description="A callback interval id, or empty")
    data: dict[str, str] = Field(default_factory=dict, description="Form fields for the agent")


class CallbackCreated(BaseModel):
    id: str
    queue: str
    number: str
    eligible_at: float


def api_tenant(request: Request, x_api_key: Annotated[str, Header()] = "") -> str:
    """The tenant of the request's API key; 401 without a valid one."""
    accounts = request.app.state.context.accounts
    tenant = accounts.tenant_of_key(x_api_key) if x_api_key else None
    if tenant is None:
        raise HTTPException(401, "Ange en giltig API-nyckel i huvudet X-API-Key")
    return str(tenant)


Tenant = Annotated[str, Depends(api_tenant)]


def api_router(ctx: WebContext) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["api"])
    center, read_models, clock = ctx.center, ctx.read_models, ctx.clock

    @router.post("/callbacks", status_code=201, response_model=CallbackCreated)
    def create_callback(body: CallbackRequest, tenant: Tenant) -> CallbackCreated:
        """CB7: a callback request from the website; durable once this returns."""
        if len(body.data) > 20 or any(len(k) > 64 or len(v) > 500 for k, v in body.data.items()):
            raise HTTPException(422, "data: högst 20 fält, nycklar ≤ 64 och värden ≤ 500 tecken")
        try:
            number = DialPolicy().check(body.number)
        except VaxelError as error:
            raise HTTPException(422, f"number: {error}") from None
        try:
            commands = center.submit(
                CallbackRequested(
                    tenant, body.queue, number, body.interval, dict(body.data), actor="api"
                ),
                clock(),
            )
        except VaxelError as error:
            raise HTTPException(422, f"{error}") from None
        ctx.after_submit()
        created = next(c for c in commands if isinstance(c, NotifyCallbackCreated))
        return CallbackCreated(
            id=created.contact_id,
            queue=created.queue_id,
            number=created.number,
            eligible_at=created.eligible_at,
        )

    @router.get("/callbacks")
    def list_callbacks(tenant: Tenant) -> list[dict[str, Any]]:
        """The callback list (CB8 columns)."""
        return [
            {
                "id": r.contact_id,
                "queue": r.queue_id,
                "number": r.number,
                "status": r.status,
                "requested_at": r.requested_at,
                "eligible_at": r.eligible_at,
                "attempts": r.attempts,
                "agents_tried": list(r.agents_tried),
                "last_note": r.last_note,
            }
            for r in read_models.callbacks(tenant)
        ]

    @router.get("/contacts")
    def list_contacts(tenant: Tenant, limit: int = 100) -> list[dict[str, Any]]:
        """The contact log, oldest first."""
        return [
            {
                "id": c.contact_id,
                "queue": c.queue_id,
                "channel": c.channel,
                "caller_number": c.caller_number,
                "status": c.status,
                "arrived_at": c.arrived_at,
                "answered_at": c.answered_at,
                "ended_at": c.ended_at,
                "agent": c.agent_id,
                "classification": c.classification,
            }
            for c in read_models.contacts(tenant, limit=max(1, min(limit, 1000)))
        ]

    @router.get("/status")
    def status(tenant: Tenant) -> dict[str, Any]:
        """Queue status and agent states now (the wallboard's data)."""
        return ctx.snapshot_of(tenant, clock())

    return router
