"""Lavinbesked switches over the REST API (IVR4, issue 14 §7): list them with their state and
keypad number, switch one on or off (an intranet's crisis page, a monitoring script).

``read`` lists, ``config`` switches or schedules (``PUT …/{name}/window``: on from
``on_from`` until ``off_at``; a time without a zone is Stockholm time); the next caller
hears the change. Another tenant's switch is a 404 like one no flow declares (problem
details, code ``unknown-switch``).

``GET``/``PUT …/telefonistmeny/load-rule`` read and set the automatic attendant's load rule
(issue 16, spec §70): switch the menu on by itself at high load in the operator queue
(``read``/``config``; out of range or an unknown queue 409 with the rule's code, audited
as ``api``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from vaxel.core.clock import from_local
from vaxel.pbx.auto_attendant import SWITCH, LoadRule
from vaxel.runtime.flow_switches import UnknownSwitch
from vaxel.store.flow_switches import FlowSwitch
from vaxel.web.admin.switches import load_rules_of, switches_of
from vaxel.web.api import Tenant, key_with_scope
from vaxel.web.deps import Platform

__all__ = ["LoadRuleIn", "SwitchIn", "SwitchOut", "WindowIn", "router"]

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


class LoadRuleIn(BaseModel):
    enabled: bool = Field(description="On: the rule switches the menu by itself (off by default)")
    queue_id: str = Field(max_length=64, description="The operator queue watched")
    wait_s: int = Field(ge=0, le=3600, description="On at this longest wait (10–3,600; 0: unused)")
    waiting: int = Field(ge=0, le=500, description="… or at this many waiting (0: unused)")
    min_on_s: int = Field(
        300, ge=60, le=7200, description="Switched on by the rule, on at least this long"
    )


def _rule_out(rule: LoadRule) -> LoadRuleIn:
    return LoadRuleIn(
        enabled=rule.enabled,
        queue_id=rule.queue_id,
        wait_s=rule.wait_s,
        waiting=rule.waiting,
        min_on_s=rule.min_on_s,
    )


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


def _menu(name: str, tenant: str) -> None:
    if name != SWITCH:  # the load rule drives the automatic attendant's switch only
        raise UnknownSwitch(name[:64], tenant)


@router.get("/{name}/load-rule")
def get_load_rule(name: Name, tenant: Tenant, platform: Platform) -> LoadRuleIn:
    """The automatic attendant's load rule (spec §70); off by default."""
    _menu(name, tenant)
    return _rule_out(load_rules_of(platform).rule(tenant))


@router.put("/{name}/load-rule")
def put_load_rule(
    name: Name, body: LoadRuleIn, tenant: ConfigTenant, platform: Platform
) -> LoadRuleIn:
    """Set the load rule (audited as ``api``): the menu switches itself on at the mark and
    off below half of it after ``min_on_s``; someone's hand wins until the load falls."""
    _menu(name, tenant)
    rule = LoadRule(body.enabled, body.queue_id, body.wait_s, body.waiting, body.min_on_s)
    return _rule_out(load_rules_of(platform).put(tenant, rule, "api"))
