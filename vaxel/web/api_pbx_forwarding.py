"""A person's call forwarding over the REST API (issue 14 §4, §9; PBX5).

Keys with ``directory:read`` read anyone's forwarding; ``directory:write`` sets and clears
it (as they set presence). A destination the tenant's plan does not know goes through its
dial policy: a barred number is a 409 problem ``forwarding-barred`` with the policy's
reason, an ``always`` rule that would loop a 409 ``forwarding-loop``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vaxel.core import limits
from vaxel.pbx.forwarding import (
    DEFAULT_NO_ANSWER_S,
    MAX_NO_ANSWER_S,
    MIN_NO_ANSWER_S,
    ForwardCondition,
    Forwarding,
    ForwardRule,
    parse_destination,
)
from vaxel.runtime.directory_views import Actor
from vaxel.web.api import key_with_scope
from vaxel.web.deps import Platform

__all__ = ["ForwardingOut", "RuleIn", "RuleOut", "router"]

ReadTenant = Annotated[str, Depends(key_with_scope("directory:read"))]
WriteTenant = Annotated[str, Depends(key_with_scope("directory:write"))]
PersonId = Annotated[str, Path(min_length=1, max_length=limits.ID_LENGTH)]
Condition = Literal["always", "unregistered", "busy", "no-answer"]
READER = Actor("agent", None, "API")
WRITER = Actor("tenant_admin", None, "API")

router = APIRouter(prefix="/api/v1/directory/people/{person_id}/forwarding", tags=["directory"])


class RuleIn(BaseModel):
    destination: str = Field(
        min_length=1,
        max_length=limits.PHONE_NUMBER_LENGTH,
        description="an internal short number, or an external number (0…, +…)",
        examples=["2042", "070-123 45 67"],
    )
    after_s: int = Field(
        DEFAULT_NO_ANSWER_S,
        ge=MIN_NO_ANSWER_S,
        le=MAX_NO_ANSWER_S,
        description="seconds of ringing before forwarding on no-answer (ignored otherwise)",
    )


class RuleOut(BaseModel):
    condition: Condition
    destination: str = Field(description="as followed: digits (internal) or E.164")
    after_s: int


class ForwardingOut(BaseModel):
    rules: list[RuleOut] = Field(description="at most one per condition, in the order tried")


def _out(forwarding: Forwarding) -> ForwardingOut:
    return ForwardingOut(
        rules=[
            RuleOut(condition=r.condition.value, destination=r.destination, after_s=r.after_s)
            for r in forwarding.rules
        ]
    )


@router.get("")
async def get_forwarding(tenant: ReadTenant, ctx: Platform, person_id: PersonId) -> ForwardingOut:
    """The person's forwarding rules (none: calls ring their phones)."""

    def read() -> Forwarding:
        ctx.directory_views.person(tenant, person_id, READER)  # 404 for someone unknown
        return ctx.forwardings.forwarding(tenant, person_id)

    return _out(await run_in_threadpool(read))


@router.put("/{condition}")
async def set_rule(
    tenant: WriteTenant, ctx: Platform, person_id: PersonId, condition: Condition, body: RuleIn
) -> ForwardingOut:
    """Forward on ``condition`` to ``destination`` (in place of the rule held for it)."""

    def write() -> Forwarding:
        ctx.directory_views.person(tenant, person_id, READER)
        rule = ForwardRule(
            ForwardCondition(condition), parse_destination(body.destination), body.after_s
        )
        return ctx.forwardings.set_rule(tenant, WRITER, person_id, rule)

    return _out(await run_in_threadpool(write))


@router.delete("/{condition}")
async def clear_rule(
    tenant: WriteTenant, ctx: Platform, person_id: PersonId, condition: Condition
) -> ForwardingOut:
    """Stop forwarding on ``condition``."""

    def write() -> Forwarding:
        ctx.directory_views.person(tenant, person_id, READER)
        return ctx.forwardings.clear(tenant, WRITER, person_id, ForwardCondition(condition))

    return _out(await run_in_threadpool(write))


@router.delete("", status_code=204)
async def clear_all(tenant: WriteTenant, ctx: Platform, person_id: PersonId) -> Response:
    """Stop every forwarding of the person."""

    def write() -> None:
        ctx.directory_views.person(tenant, person_id, READER)
        ctx.forwardings.clear(tenant, WRITER, person_id, None)

    await run_in_threadpool(write)
    return Response(status_code=204)
