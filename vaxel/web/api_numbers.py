"""``/api/v1/numbers``: which flow answers each of the tenant's numbers (issue 12 §6).

The admin page's assignments for a program: list them (scope ``read``), answer a number with
a flow (``PUT``, scope ``config``) or stop answering it (``DELETE``). A number in the path
may be written as typed ("010-123 45 00", URL-encoded) or in E.164; answers give E.164. A
refusal is RFC 9457 problem details with the rule's code and parameters
(``service-number-taken``, ``service-number-format``, ``unknown-flow-ref`` …) in the
client's ``Accept-Language``; the change reaches running telephony at once (Q20).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field

from vaxel.core import limits
from vaxel.core.dial_policy import NumberRefused, normalise
from vaxel.runtime.service_numbers import AnsweredNumber, NumberAssignments
from vaxel.web.api import Tenant, key_with_scope
from vaxel.web.deps import Platform

__all__ = ["NumberIn", "NumberOut", "router"]

ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
"""The tenant of a key that may change its configuration."""
Number = Annotated[str, Path(min_length=1, max_length=limits.PHONE_NUMBER_LENGTH)]

router = APIRouter(
    prefix="/api/v1/numbers",
    tags=["api"],
    responses={
        401: {"description": "No X-API-Key, or one unknown, revoked or expired"},
        403: {"description": "The key lacks this route's scope: read, or config to change"},
    },
)


class NumberIn(BaseModel):
    flow: str = Field(min_length=1, max_length=limits.ID_LENGTH, description="The flow's id")


class NumberOut(BaseModel):
    number: str = Field(description="E.164, e.g. +46101234500")
    flow: str = Field(description="The id of the flow answering it; empty if none yet")
    main: bool = Field(description="The organisation's main number")
    assigned: bool = Field(
        description="Its flow is stored (false: a main number answered by the only flow)"
    )


def _out(answered: AnsweredNumber) -> NumberOut:
    return NumberOut(
        number=answered.number,
        flow=answered.flow_id,
        main=answered.main,
        assigned=answered.assigned,
    )


@router.get("")
def list_numbers(tenant: Tenant, platform: Platform) -> list[NumberOut]:
    """The organisation's numbers and the flow answering each, main number first."""
    return [_out(a) for a in NumberAssignments(platform.configuration).answered(tenant)]


@router.put(
    "/{number}",
    responses={422: {"description": "Not a phone number, taken, an extension, no such flow"}},
)
def assign_number(
    number: Number, body: NumberIn, tenant: ConfigTenant, platform: Platform
) -> NumberOut:
    """Answer ``number`` with the flow: a new number of the organisation, or another flow
    for one of its numbers. The next call gets it; calls in progress keep theirs."""
    assignments = NumberAssignments(platform.configuration)
    stored = assignments.assign(tenant, number, body.flow)
    return next(_out(a) for a in assignments.answered(tenant) if a.number == stored)


@router.delete(
    "/{number}",
    status_code=204,
    responses={
        404: {"description": "The organisation has no such number"},
        422: {"description": "The main number: give it another flow instead"},
    },
)
def remove_number(number: Number, tenant: ConfigTenant, platform: Platform) -> Response:
    """Stop answering ``number``; the main number is refused (give it another flow)."""
    assignments = NumberAssignments(platform.configuration)
    assignments.remove(tenant, _stored_form(number))
    return Response(status_code=204)


def _stored_form(number: str) -> str:
    """The number as stored (E.164) when it reads as one; as given otherwise (then no
    number of the tenant matches it, and the answer is 404)."""
    try:
        return normalise(number)
    except NumberRefused:
        return number
