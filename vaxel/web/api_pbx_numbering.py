"""The numbering plan and answer groups over the REST API (issue 14 §1, §3, §9; PBX1, PBX3).

Keys with ``read`` list the plan (short numbers, DID ranges) and the groups with who is
logged in (anyone may see that, PBX3); ``config`` adds and removes numbers and DID ranges
(typed in any spelling, normalised with phonenumbers), creates, changes and deletes
answer groups, and logs members in and out. Each change goes through the same service the
admin page calls (``/admin/pbx/numbers``), so both refuse alike: RFC 9457 problem details
with the rule's code and parameters (``pbx-number-taken`` naming the number,
``pbx-did-overlap``, ``pbx-not-a-member`` …).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core.errors import NotFound
from vaxel.pbx.groups import MAX_MEMBERS, AnswerGroup, GroupStrategy
from vaxel.pbx.numbering import DidRange, Target, TargetKind, normalise_did
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform

__all__ = ["GroupIn", "GroupOut", "NumberIn", "PlanOut", "RangeIn", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("read"))]
ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
Short = Annotated[str, Path(min_length=2, max_length=8, pattern=r"^[0-9]+$")]
GroupId = Annotated[str, Path(min_length=1, max_length=64)]
PersonId = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(prefix="/api/v1/pbx", tags=["pbx"])


class UnknownGroup(NotFound):
    kind = "group"
    code = "pbx-unknown-group"


class UnknownRange(NotFound):
    kind = "DID range"
    code = "pbx-unknown-did-range"


class RangeIn(BaseModel):
    first: str = Field(min_length=1, max_length=32, examples=["08-123 420 00"])
    last: str = Field(min_length=1, max_length=32, examples=["08-123 420 99"])
    first_short: str = Field(min_length=2, max_length=8, pattern=r"^[0-9]+$", examples=["4200"])


class GroupIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    strategy: GroupStrategy = Field(description="ring-all, in-order or queue")
    members: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list,
        max_length=MAX_MEMBERS,
        description="person ids in ring order; a member kept keeps their login",
    )
    queue_id: str = Field("", max_length=64, description="the ACD queue (strategy queue)")


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


@router.post("/did-ranges", status_code=201)
async def add_did_range(tenant: ConfigTenant, ctx: Platform, body: RangeIn) -> RangeOut:
    """Direct numbers ``first``–``last`` onto short numbers from ``first_short``."""
    did_range = DidRange.parse(body.first, body.last, body.first_short)
    await run_in_threadpool(ctx.pbx_numbering.put_did_range, tenant, did_range)
    return RangeOut(first=did_range.first, last=did_range.last, first_short=did_range.first_short)


@router.delete("/did-ranges/{first}", status_code=204)
async def delete_did_range(
    tenant: ConfigTenant, ctx: Platform, first: Annotated[str, Path(max_length=32)]
) -> Response:
    """Remove the range starting at ``first`` (any spelling of it)."""
    e164 = normalise_did(first)
    if not await run_in_threadpool(ctx.pbx_numbering.remove_did_range, tenant, e164):
        raise UnknownRange(e164)
    return Response(status_code=204)


@router.get("/groups")
async def get_groups(tenant: ReadTenant, ctx: Platform) -> list[GroupOut]:
    """The answer groups and who is logged in to each (PBX3)."""
    groups = await run_in_threadpool(ctx.pbx_numbering.groups, tenant)
    return [_group_out(g) for g in groups]


def _group_out(g: AnswerGroup) -> GroupOut:
    return GroupOut(
        group_id=g.group_id,
        name=g.name,
        strategy=g.strategy.value,
        members=[MemberOut(person_id=m.person_id, logged_in=m.logged_in) for m in g.members],
    )


@router.put("/groups/{group_id}")
async def put_group(
    tenant: ConfigTenant, ctx: Platform, group_id: GroupId, body: GroupIn
) -> GroupOut:
    """Create or change an answer group: its name, strategy and members in ring order."""
    group = await run_in_threadpool(
        ctx.pbx_numbering.save_group,
        tenant,
        group_id,
        body.name,
        body.strategy,
        body.members,
        body.queue_id,
    )
    return _group_out(group)


@router.delete("/groups/{group_id}", status_code=204)
async def delete_group(tenant: ConfigTenant, ctx: Platform, group_id: GroupId) -> Response:
    if not await run_in_threadpool(ctx.pbx_numbering.remove_group, tenant, group_id):
        raise UnknownGroup(group_id)
    return Response(status_code=204)


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
