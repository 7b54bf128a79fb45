"""The operator console's tenant settings over the REST API (issue 16, OP3, OP9): how many
may talk in a console conference, her included, and the departments an operator queue's
console serves. Keys with ``read`` see them; ``config`` changes them by the admin pages'
own checks (:class:`~vaxel.runtime.pbx_call_settings.PbxCallSettings`,
:func:`~vaxel.web.console_scope.units_refusal`), stored and audited as the pages do; the
console reads them at its next conference step or search.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from vaxel.pbx.console_conference import MAX_PARTIES_LIMIT, ConsoleConferenceSettings
from vaxel.store.console_units import MAX_CONSOLE_UNITS, ConsoleUnits
from vaxel.web.admin.queues import configs
from vaxel.web.api import ObjectId, key_with_scope
from vaxel.web.console_scope import units_refusal
from vaxel.web.context import WebContext
from vaxel.web.deps import Platform
from vaxel.web.i18n import gettext

__all__ = ["ConsoleConferenceBody", "QueueUnitsBody", "router"]

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


UnitId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class QueueUnitsBody(BaseModel):
    units: list[UnitId] = Field(
        max_length=MAX_CONSOLE_UNITS,
        description="directory unit ids the queue's console serves (with the units beneath "
        "them); empty: the whole directory",
    )


def _queue(ctx: WebContext, tenant: str, queue_id: str) -> None:
    if queue_id not in configs(ctx, tenant):
        raise HTTPException(404, gettext("Ingen kö med det id:t"))


@router.get("/queues/{queue_id}/console-units", responses={404: {"description": "No such queue"}})
async def get_queue_units(tenant: ReadTenant, queue_id: ObjectId, ctx: Platform) -> QueueUnitsBody:
    """The departments the operator queue's console serves (OP9); empty: all."""

    def read() -> QueueUnitsBody:
        _queue(ctx, tenant, queue_id)
        return QueueUnitsBody(
            units=list(ConsoleUnits(ctx.database).of_queues(tenant).get(queue_id, ()))
        )

    return await run_in_threadpool(read)


@router.put(
    "/queues/{queue_id}/console-units",
    responses={
        404: {"description": "No such queue"},
        422: {"description": "A unit not in the directory"},
    },
)
async def put_queue_units(
    tenant: ConfigTenant, queue_id: ObjectId, ctx: Platform, body: QueueUnitsBody
) -> QueueUnitsBody:
    """Limit the consoles of operators logged in only to such queues to these departments
    (their account's own limit narrows it further); a refusal changes nothing."""

    def change() -> QueueUnitsBody:
        _queue(ctx, tenant, queue_id)
        refused = units_refusal(ctx, tenant, body.units)
        if refused:
            raise HTTPException(422, refused)
        ConsoleUnits(ctx.database).set_queue(tenant, queue_id, body.units, ACTOR)
        return QueueUnitsBody(units=sorted(set(body.units)))

    return await run_in_threadpool(change)
