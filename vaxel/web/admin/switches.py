"""Lavinbesked switches (IVR4, issue 14 §7): which announcements callers hear now.

Each switch a flow declares is listed with its keypad number (``*96*<nr>#`` on,
``#96*<nr>#`` off from a phone) and is switched on or off here; the next caller hears the
change. Every change is in the audit log (``/admin/audit``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.web.context import back, local_time, render
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to

__all__ = ["PATH", "router", "switches_of"]

PATH = "/admin/brytare"

router = APIRouter(
    prefix=PATH,
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to(PATH)],
)


def switches_of(platform: Platform) -> FlowSwitches:
    return FlowSwitches(platform.configuration, platform.clock)


@router.get("")
def switches_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    switches = [
        {
            "name": s.name,
            "number": s.number,
            "on": s.on,
            "changed": local_time(s.changed_at) if s.changed_at else "",
            "by": s.changed_by,
        }
        for s in switches_of(platform).listed(tenant_id)
    ]
    return render(request, "admin/switches.html", session, switches=switches)


@router.post("")
async def switch(
    form: CsrfForm, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    """Switch one on or off; an unknown name comes back to the page (the one handler)."""
    name = str(form.get("name", ""))[:64]
    on = str(form.get("on", "")) == "1"
    switches_of(platform).set(tenant_id, name, on, session.user.username)
    return back(PATH)
