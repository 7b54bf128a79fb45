"""The operator console's tenant settings over the REST API (issue 16, OP3): how many may
talk in a console conference, her included. Keys with ``read`` see it; ``config`` changes
it through the admin page's own service
(:class:`~vaxel.runtime.pbx_call_settings.PbxCallSettings`: checked, stored, audited); the
console reads it at the next Alt+K or Shift+Enter from a conference.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.pbx.console_conference import MAX_PARTIES_LIMIT, ConsoleConferenceSettings
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform

__all__ = ["ConsoleConferenceBody", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
ACTOR = "api-key"
"""Who the audit log names for a change over the API."""

router = APIRouter(prefix="/api/v1", tags=["pbx"])


class ConsoleConferenceBody(BaseModel):
    max_parties: int = Field(
        ge=3,
        le=MAX_PARTIES_LIMIT,
        description="parties of a console conference at most, the operator included",
    )


def _out(settings: ConsoleConferenceSettings) -> ConsoleConferenceBody:
    return ConsoleConferenceBody(max_parties=settings.max_parties)


@router.get("/pbx/console-conference")
async def get_console_conference(tenant: ReadTenant, ctx: Platform) -> ConsoleConferenceBody:
    """How many may talk in a conference the console makes, the operator included."""
    return _out(await run_in_threadpool(ctx.pbx_call_settings.console_conference, tenant))


@router.put("/pbx/console-conference")
async def put_console_conference(
    tenant: ConfigTenant, ctx: Platform, body: ConsoleConferenceBody
) -> ConsoleConferenceBody:
    """Change the limit (3–20); the next Alt+K or Shift+Enter from a conference uses it."""
    done = await run_in_threadpool(
        ctx.pbx_call_settings.put_console_conference, tenant, body.max_parties, ACTOR
    )
    return _out(done)
