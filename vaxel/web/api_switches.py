"""Lavinbesked switches over the REST API (IVR4, issue 14 §7): list them with their state and
keypad number, switch one on or off (an intranet's crisis page, a monitoring script).

``read`` lists, ``config`` switches; the next caller hears the change. Another tenant's
switch is a 404 like one no flow declares (problem details, code ``unknown-switch``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from vaxel.store.flow_switches import FlowSwitch
from vaxel.web.admin.switches import switches_of
from vaxel.web.api import Tenant, key_with_scope
from vaxel.web.deps import Platform

__all__ = ["SwitchIn", "SwitchOut", "router"]

ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
Name = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(
    prefix="/api/v1/flow-switches",
    tags=["flows"],
    responses={
        401: {"description": "No X-API-Key, or one unknown, revoked or expired"},
        403: {"description": "The key lacks this route's scope: read, or config to switch"},
        404: {"description": "No flow of this organisation declares the switch"},
    },
)


class SwitchIn(BaseModel):
    on: bool = Field(description="True: the flows play its announcements to the next caller")


class SwitchOut(SwitchIn):
    name: str
    number: int = Field(description="Keyed on a phone: *96*<number># on, #96*<number># off")
    changed_at: datetime | None
    changed_by: str


def _out(switch: FlowSwitch) -> SwitchOut:
    changed = datetime.fromtimestamp(switch.changed_at, UTC) if switch.changed_at else None
    return SwitchOut(
        name=switch.name,
        number=switch.number,
        on=switch.on,
        changed_at=changed,
        changed_by=switch.changed_by,
    )


@router.get("")
def list_switches(tenant: Tenant, platform: Platform) -> list[SwitchOut]:
    """The organisation's switches by number."""
    return [_out(s) for s in switches_of(platform).listed(tenant)]


@router.put("/{name}")
def set_switch(name: Name, body: SwitchIn, tenant: ConfigTenant, platform: Platform) -> SwitchOut:
    """Switch on or off (audited as ``api``)."""
    return _out(switches_of(platform).set(tenant, name, body.on, "api"))
