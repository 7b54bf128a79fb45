"""A whole answer group's diversion over the REST API (spec §67, PBX3): ``read`` keys see
it, ``config`` keys set and clear it through the same service as the console and the
admin page (:meth:`vaxel.runtime.group_diversions.GroupDiversions.divert`), so all three
refuse alike: RFC 9457 problem details with the rule's code (``group-diversion-unknown``,
``group-diversion-time``, ``-past``, ``-far`` …). Audited with the actor ``api``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core.errors import NotFound
from vaxel.core.limits import PHONE_NUMBER_LENGTH
from vaxel.pbx.group_diversion import NOTE_LENGTH, UNTIL_LENGTH
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform

__all__ = ["DiversionIn", "DiversionOut", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
GroupId = Annotated[str, Path(min_length=1, max_length=64)]
ACTOR = "api"

router = APIRouter(prefix="/api/v1/pbx", tags=["pbx"])


class NotDiverted(NotFound):
    kind = "group diversion"
    code = "group-diversion-none"


class DiversionIn(BaseModel):
    number: str = Field(
        "", max_length=PHONE_NUMBER_LENGTH, description="a number of the plan; empty: växeln"
    )
    note: str = Field("", max_length=NOTE_LENGTH, examples=["Lunch"])
    until: str = Field(
        "",
        max_length=UNTIL_LENGTH,
        description="TT:MM today, or ÅÅÅÅ-MM-DD TT:MM (ISO's T too) Stockholm time, at most a"
        " year ahead; empty: until cleared",
        examples=["13:00", "2027-01-07 08:00"],
    )


class DiversionOut(BaseModel):
    number: str
    note: str
    until: float | None = Field(description="epoch seconds it ends; null: until cleared")


@router.get("/groups/{group_id}/diversion")
async def get_diversion(tenant: ReadTenant, ctx: Platform, group_id: GroupId) -> DiversionOut:
    found = (await run_in_threadpool(ctx.group_diversions.active, tenant)).get(group_id)
    if found is None:
        raise NotDiverted(group_id)
    return DiversionOut(number=found.number, note=found.note, until=found.until)


@router.put("/groups/{group_id}/diversion", status_code=204)
async def put_diversion(
    tenant: ConfigTenant, ctx: Platform, group_id: GroupId, body: DiversionIn
) -> Response:
    divert = ctx.group_diversions.divert
    await run_in_threadpool(divert, tenant, group_id, body.number, body.note, body.until, ACTOR)
    return Response(status_code=204)


@router.delete("/groups/{group_id}/diversion", status_code=204)
async def delete_diversion(tenant: ConfigTenant, ctx: Platform, group_id: GroupId) -> Response:
    if not await run_in_threadpool(ctx.group_diversions.clear, tenant, group_id, ACTOR):
        raise NotDiverted(group_id)
    return Response(status_code=204)
