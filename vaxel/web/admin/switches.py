"""Lavinbesked switches (IVR4, issue 14 §7): which announcements callers hear now.

Each switch a flow declares is listed with its keypad number (``*96*<nr>#`` on,
``#96*<nr>#`` off from a phone) and is switched on or off here; the next caller hears the
change. A switch may be scheduled instead: on from one local time (Europe/Stockholm) until
another; callers inside the window hear it. Every change is in the audit log
(``/admin/audit``).

The automatic attendant's load rule (issue 16, spec §70) is set here too: switch the
``telefonistmeny`` switch on by itself when the operator queue's wait or callers pass a
mark (:mod:`vaxel.pbx.auto_attendant`; carried out by :mod:`vaxel.runtime.auto_attendant`).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.core.clock import from_local
from vaxel.core.errors import DomainError
from vaxel.pbx.auto_attendant import SWITCH, LoadRule, LoadRuleError
from vaxel.runtime.auto_attendant import LoadRules
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.rendering import back, local_time, render, take_flash

__all__ = ["PATH", "load_rules_of", "local_instant", "router", "switches_of"]

PATH = "/admin/brytare"

router = APIRouter(
    prefix=PATH,
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to(PATH)],
)


def switches_of(platform: Platform) -> FlowSwitches:
    return FlowSwitches(platform.configuration, platform.clock)


def load_rules_of(platform: Platform) -> LoadRules:
    return LoadRules(platform.configuration, platform.clock)


def local_instant(text: str) -> float:
    """``2026-12-07T14:30`` (a datetime-local field, Stockholm time) as epoch seconds;
    DomainError ``switch-window-time`` for anything else."""
    try:
        moment = datetime.fromisoformat(text.strip()[:32])
    except ValueError:
        raise DomainError("switch window time", code="switch-window-time") from None
    return from_local(moment)


@router.get("")
def switches_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    switches_ = switches_of(platform)
    now = platform.clock()
    switches = [
        {
            "name": s.name,
            "number": s.number,
            "on": s.on,
            "changed": local_time(s.changed_at) if s.changed_at else "",
            "by": s.changed_by,
            "window": (f"{local_time(s.on_from)} – {local_time(s.off_at)}" if s.off_at else ""),
            "active": s.on_at(now),
        }
        for s in switches_.listed(tenant_id)
    ]
    queues = platform.configuration.queues(tenant_id)
    flash = take_flash(request)
    return render(
        request,
        "admin/switches.html",
        session,
        error=flash.message,
        saved=flash.saved,
        switches=switches,
        rule=load_rules_of(platform).rule(tenant_id),
        queues=sorted((q.queue_id, q.name or q.queue_id) for q in queues.values()),
        has_menu=any(s["name"] == SWITCH for s in switches),
    )


@router.post("")
async def switch(
    form: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    """Switch one on or off; an unknown name comes back to the page (the one handler)."""
    name = str(form.get("name", ""))[:64]
    on = str(form.get("on", "")) == "1"
    switches_of(platform).set(tenant_id, name, on, session.user.username)
    return back(PATH)


@router.post("/schema")
async def schedule(
    form: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    """Schedule one on from ``on_from`` until ``off_at`` (local time); a bad window comes
    back to the page worded in Swedish."""
    name = str(form.get("name", ""))[:64]
    on_from = local_instant(str(form.get("on_from", "")))
    off_at = local_instant(str(form.get("off_at", "")))
    switches_of(platform).schedule(tenant_id, name, on_from, off_at, session.user.username)
    return back(PATH)


def _whole(text: str, code: str) -> int:
    """A whole number from a form field ("" is 0); LoadRuleError ``code`` otherwise."""
    text = text.strip()
    if not text:
        return 0
    if len(text) > 6 or not text.isdecimal():
        raise LoadRuleError("not a whole number", code=code)
    return int(text)


@router.post("/automatik")
async def load_rule(
    form: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    """The automatic attendant at high load (spec §70): on/off, the queue and its marks;
    out of range or an unknown queue comes back to the page worded in Swedish."""
    rule = LoadRule(
        enabled=str(form.get("enabled", "")) == "1",
        queue_id=str(form.get("queue_id", ""))[:65],
        wait_s=_whole(str(form.get("wait_s", "")), "auto-attendant-wait"),
        waiting=_whole(str(form.get("waiting", "")), "auto-attendant-waiting"),
        min_on_s=_whole(str(form.get("min_on_s", "")), "auto-attendant-min-on"),
    )
    load_rules_of(platform).put(tenant_id, rule, session.user.username)
    return back(PATH, saved=True)
