"""Call park over the REST API (issue 14, OP3): the orbits (the numbering plan's
``park-orbit`` numbers) and the recall. Keys with ``read`` see them; ``config`` changes
them, checked and audited as the admin page's changes are. A refusal is RFC 9457 problem
details with the rule's code (``pbx-number-taken`` naming the number, ``park-recall`` …).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.pbx.park import MAX_ORBITS, MAX_RECALL_S, MIN_RECALL_S, ParkSettings, RecallTo
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform

__all__ = ["OrbitsIn", "ParkOut", "RecallIn", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
ACTOR = "api-key"
"""Who the audit log names for a change over the API."""

router = APIRouter(prefix="/api/v1/pbx/park", tags=["pbx"])


class ParkOut(BaseModel):
    orbits: list[str] = Field(description="the short numbers a call can be parked on")
    recall_s: float = Field(description="seconds a parked call waits before it rings back")
    recall_to: RecallTo = Field(description="parker (then the operator) or operator")
    operator: str = Field(description="the operator's extension; empty: none")


class RecallIn(BaseModel):
    recall_s: float = Field(ge=MIN_RECALL_S, le=MAX_RECALL_S)
    recall_to: RecallTo = RecallTo.PARKER
    operator: str = Field("", max_length=8, pattern=r"^[0-9]*$")


class OrbitsIn(BaseModel):
    first: str = Field(min_length=2, max_length=8, pattern=r"^[0-9]+$")
    count: int = Field(ge=1, le=MAX_ORBITS)


def _out(settings: ParkSettings) -> ParkOut:
    return ParkOut(
        orbits=list(settings.orbits),
        recall_s=settings.recall_s,
        recall_to=settings.recall_to,
        operator=settings.operator,
    )


@router.get("")
async def get_park(tenant: ReadTenant, ctx: Platform) -> ParkOut:
    """The tenant's park orbits and recall."""
    return _out(await run_in_threadpool(ctx.pbx_numbering.park, tenant))


@router.put("/recall")
async def put_recall(tenant: ConfigTenant, ctx: Platform, body: RecallIn) -> ParkOut:
    """How long a parked call waits and whom it rings back; the next call parked uses it."""
    done = await run_in_threadpool(
        ctx.pbx_numbering.put_park_recall,
        tenant,
        body.recall_s,
        body.recall_to,
        body.operator,
        ACTOR,
    )
    return _out(done)


@router.put("/orbits")
async def put_orbits(tenant: ConfigTenant, ctx: Platform, body: OrbitsIn) -> ParkOut:
    """``count`` orbits from ``first`` in place of the plan's old ones."""
    done = await run_in_threadpool(
        ctx.pbx_numbering.put_park_orbits, tenant, body.first, body.count, ACTOR
    )
    return _out(done)
