"""Lavinbesked switches over the REST API (IVR4, issue 14 §7): list them with their state and
keypad number, switch one on or off (an intranet's crisis page, a monitoring script).

``read`` lists, ``config`` switches or schedules (``PUT …/{name}/window``: on from
``on_from`` until ``off_at``; a time without a zone is Stockholm time); the next caller
hears the change. Another tenant's switch is a 404 like one no flow declares (problem
details, code ``unknown-switch``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from vaxel.core.clock import from_local
from vaxel.store.flow_switches import FlowSwitch
from vaxel.web.admin.switches import switches_of
from vaxel.web.api import Tenant, key_with_scope
from vaxel.web.deps import Platform

__all__ = ["SwitchIn", "SwitchOut", "WindowIn", "router"]

ConfigTenant = Annotated[str, Depends(key_with_scope("config"))]
Name = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(
    prefix="/api/v1/flow-switches",
    tags=["flows"],
    responses={
        401: {"description": "No X-API-Key, or one unknown, revoked or expired"},
        403: {"description": "The key lacks this route's scope: read, or config to switch"},
        404: {"description": "No flow of this organisation declares the switch"},
        409: {"description": "A window that ends before it starts, has ended or is too far"},
    },
)


class SwitchIn(BaseModel):
    on: bool = Field(description="True: the flows play its announcements to the next caller")


class WindowIn(BaseModel):
    on_from: datetime = Field(description="On from (a time without a zone: Stockholm time)")
    off_at: datetime = Field(description="Off again at; after on_from, not past")


class SwitchOut(SwitchIn):
    name: str
    number: int = Field(description="Keyed on a phone: *96*<number># on, #96*<number># off")
    changed_at: datetime | None
    changed_by: str
    on_from: datetime | None = Field(description="A scheduled window's start; null: none")
    off_at: datetime | None = Field(description="A scheduled window's end; null: none")
    active: bool = Field(description="What a call arriving now hears: on, or in its window")


def _instant(epoch: float) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch else None


def _out(switch: FlowSwitch, now: float) -> SwitchOut:
    window = switch.off_at > 0
    return SwitchOut(
        name=switch.name,
        number=switch.number,
        on=switch.on,
        changed_at=_instant(switch.changed_at),
        changed_by=switch.changed_by,
        on_from=datetime.fromtimestamp(switch.on_from, UTC) if window else None,
        off_at=_instant(switch.off_at),
        active=switch.on_at(now),
    )


@router.get("")
def list_switches(tenant: Tenant, platform: Platform) -> list[SwitchOut]:
    """The organisation's switches by number."""
    now = platform.clock()
    return [_out(s, now) for s in switches_of(platform).listed(tenant)]


@router.put("/{name}")
def set_switch(name: Name, body: SwitchIn, tenant: ConfigTenant, platform: Platform) -> SwitchOut:
    """Switch on or off (audited as ``api``); off also ends a scheduled window."""
    return _out(switches_of(platform).set(tenant, name, body.on, "api"), platform.clock())


@router.put("/{name}/window")
def schedule_switch(
    name: Name, body: WindowIn, tenant: ConfigTenant, platform: Platform
) -> SwitchOut:
    """Schedule on from ``on_from`` until ``off_at`` (audited as ``api``)."""
    switches = switches_of(platform)
    done = switches.schedule(tenant, name, from_local(body.on_from), from_local(body.off_at), "api")
    return _out(done, platform.clock())
