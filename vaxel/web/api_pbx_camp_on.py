"""Camp-on's tenant settings over the REST API (issue 16 §3, OP4): how long a camped call
waits at a busy extension before it comes back to the operator, and how many calls one
extension holds. Keys with ``read`` see them; ``config`` changes them through the admin
page's own service (:class:`~vaxel.runtime.pbx_call_settings.PbxCallSettings`: checked,
stored, audited); telephony reads them at the next camp-on.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.pbx.camp_on import MAX_PER_EXTENSION_LIMIT, MAX_WAIT_S, MIN_WAIT_S, CampOnSettings
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform

__all__ = ["CampOnBody", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
ACTOR = "api-key"
"""Who the audit log names for a change over the API."""

router = APIRouter(prefix="/api/v1/pbx", tags=["pbx"])


class CampOnBody(BaseModel):
    wait_s: float = Field(
        ge=MIN_WAIT_S,
        le=MAX_WAIT_S,
        description="seconds a camped call waits before it rings the operator again",
    )
    max_per_extension: int = Field(
        ge=1, le=MAX_PER_EXTENSION_LIMIT, description="calls camped on one extension at most"
    )


def _out(settings: CampOnSettings) -> CampOnBody:
    return CampOnBody(wait_s=settings.wait_s, max_per_extension=settings.max_per_extension)


@router.get("/camp-on")
async def get_camp_on(tenant: ReadTenant, ctx: Platform) -> CampOnBody:
    """The tenant's camp-on: its wait and how many calls one extension holds."""
    return _out(await run_in_threadpool(ctx.pbx_call_settings.camp_on, tenant))


@router.put("/camp-on")
async def put_camp_on(tenant: ConfigTenant, ctx: Platform, body: CampOnBody) -> CampOnBody:
    """Change camp-on (10–1,800 s, 1–20 calls); the next camp-on uses it."""
    done = await run_in_threadpool(
        ctx.pbx_call_settings.put_camp_on, tenant, body.wait_s, body.max_per_extension, ACTOR
    )
    return _out(done)
