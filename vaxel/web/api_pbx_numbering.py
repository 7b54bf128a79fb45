"""The numbering plan and answer groups over the REST API (issue 14 §1, §3, §9; PBX1, PBX3).

Keys with ``read`` list the plan (short numbers, DID ranges) and the groups with who is
logged in (anyone may see that, PBX3); ``config`` adds and removes numbers and logs members
in and out. A refusal is RFC 9457 problem details with the rule's code and parameters
(``pbx-number-taken`` naming the number, ``pbx-not-a-member`` …).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core.errors import NotFound
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform

__all__ = ["GroupOut", "NumberIn", "PlanOut", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
Short = Annotated[str, Path(min_length=2, max_length=8, pattern=r"^[0-9]+$")]
GroupId = Annotated[str, Path(min_length=1, max_length=64)]
PersonId = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(prefix="/api/v1/pbx", tags=["pbx"])


class UnknownGroup(NotFound):
    kind = "group"
    code = "pbx-unknown-group"


class NumberIn(BaseModel):
    kind: TargetKind = Field(description="what the number reaches")
    ref: str = Field(min_length=1, max_length=128, description="the person's, group's … id")


class NumberOut(BaseModel):
    number: str
    kind: TargetKind
    ref: str
    direct_number: str = Field(description="E.164, when a DID range covers it; else empty")


class RangeOut(BaseModel):
    first: str = Field(description="E.164")
    last: str = Field(description="E.164")
    first_short: str


class PlanOut(BaseModel):
    short_length: int | None = Field(description="fixed length of short numbers; null: mixed")
    numbers: list[NumberOut]
    did_ranges: list[RangeOut]


class MemberOut(BaseModel):
    person_id: str
    logged_in: bool


class GroupOut(BaseModel):
    group_id: str
    name: str
    strategy: str
    members: list[MemberOut]


@router.get("/numbers")
async def get_plan(tenant: ReadTenant, ctx: Platform) -> PlanOut:
    """The tenant's numbering plan."""
    plan = await run_in_threadpool(ctx.pbx_numbering.plan, tenant)
    return PlanOut(
        short_length=plan.short_length,
        numbers=[
            NumberOut(number=n, kind=t.kind, ref=t.ref, direct_number=plan.direct_number(n) or "")
            for n, t in sorted(plan.numbers.items())
        ],
        did_ranges=[
            RangeOut(first=r.first, last=r.last, first_short=r.first_short) for r in plan.did_ranges
        ],
    )


@router.put("/numbers/{number}", status_code=204)
async def put_number(
    tenant: ConfigTenant, ctx: Platform, number: Short, body: NumberIn
) -> Response:
    """Give a free short number to a person, group, queue …"""
    target = Target(body.kind, body.ref)
    await run_in_threadpool(ctx.pbx_numbering.put_number, tenant, number, target)
    return Response(status_code=204)


@router.delete("/numbers/{number}", status_code=204)
async def delete_number(tenant: ConfigTenant, ctx: Platform, number: Short) -> Response:
    await run_in_threadpool(ctx.pbx_numbering.remove_number, tenant, number)
    return Response(status_code=204)


@router.get("/groups")
async def get_groups(tenant: ReadTenant, ctx: Platform) -> list[GroupOut]:
    """The answer groups and who is logged in to each (PBX3)."""
    groups = await run_in_threadpool(ctx.pbx_numbering.groups, tenant)
    return [
        GroupOut(
            group_id=g.group_id,
            name=g.name,
            strategy=g.strategy.value,
            members=[MemberOut(person_id=m.person_id, logged_in=m.logged_in) for m in g.members],
        )
        for g in groups
    ]


@router.put("/groups/{group_id}/members/{person_id}/login", status_code=204)
async def log_in(
    tenant: ConfigTenant, ctx: Platform, group_id: GroupId, person_id: PersonId
) -> Response:
    await _login(ctx, tenant, group_id, person_id, True)
    return Response(status_code=204)


@router.delete("/groups/{group_id}/members/{person_id}/login", status_code=204)
async def log_out(
    tenant: ConfigTenant, ctx: Platform, group_id: GroupId, person_id: PersonId
) -> Response:
    await _login(ctx, tenant, group_id, person_id, False)
    return Response(status_code=204)


async def _login(ctx: Platform, tenant: str, group_id: str, person_id: str, on: bool) -> None:
    if await run_in_threadpool(ctx.pbx_numbering.group, tenant, group_id) is None:
        raise UnknownGroup(group_id)
    await run_in_threadpool(ctx.pbx_numbering.set_login, tenant, group_id, person_id, on)
