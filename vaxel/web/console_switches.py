"""Night service and the emergency message from the operator console (OP6, IVR6, spec
§69–71; issue 16 §5): one key switches them, as small JSON calls the console page makes.

Both are the tenant's flow switches (:mod:`vaxel.runtime.flow_switches`), the same ones the
admin page ``/admin/brytare``, the REST API and a phone's ``*96*<nr>#`` work and schedules
switch automatically: a flow's ``switch`` node sends the main number to the night message
(or forwards to the on-call number) while its switch is on (night service), and an
``announcement`` node plays the emergency message before the queue while its switch is on.
So the console needs no state of its own: it lists the switches and flips one, audited as
the operator (``switch_changed``), and the next caller hears the change.

Signed in as an operator, a supervisor or an admin; a change needs the session's CSRF token
in the ``X-CSRF-Token`` header. Another tenant's switch is a 404 like one no flow declares.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from vaxel.store.accounts import Session
from vaxel.store.flow_switches import FlowSwitch
from vaxel.web.admin.switches import switches_of
from vaxel.web.api_switches import SwitchIn
from vaxel.web.deps import Platform, SignedIn, TenantId, check_csrf, require_role
from vaxel.web.i18n import gettext
from vaxel.web.operator_console import OPERATORS

__all__ = ["CONSOLE_ROLES", "PATH", "ConsoleSwitch", "router"]

PATH = "/telefonist/brytare"

CONSOLE_ROLES = (*OPERATORS, "supervisor", "tenant_admin", "platform_admin")
"""Who may switch night service and send messages from the console: the operators and
those above them (the console page itself is the operators' own)."""

Name = Annotated[str, Path(min_length=1, max_length=64)]


def require_operator(session: SignedIn) -> None:
    require_role(
        session,
        CONSOLE_ROLES,
        gettext("Nattservice och larmmeddelande kräver telefonistbehörighet"),
    )


async def csrf_header(request: Request, session: SignedIn) -> Session:
    """The session, once the request carried its CSRF token (``X-CSRF-Token``)."""
    await check_csrf(request, session)
    return session


router = APIRouter(prefix=PATH, tags=["console"], dependencies=[Depends(require_operator)])


class ConsoleSwitch(BaseModel):
    name: str
    number: int
    on: bool
    active: bool
    changed_by: str


def _out(switch: FlowSwitch, now: float) -> ConsoleSwitch:
    return ConsoleSwitch(
        name=switch.name,
        number=switch.number,
        on=switch.on,
        active=switch.on_at(now),
        changed_by=switch.changed_by,
    )


@router.get("")
def console_switches(platform: Platform, tenant_id: TenantId) -> list[ConsoleSwitch]:
    """The tenant's switches by number: ``active`` is what a call arriving now hears (on,
    or inside a scheduled window)."""
    now = platform.clock()
    return [_out(s, now) for s in switches_of(platform).listed(tenant_id)]


@router.put("/{name}")
def flip_switch(
    name: Name,
    body: SwitchIn,
    platform: Platform,
    tenant_id: TenantId,
    session: Annotated[Session, Depends(csrf_header)],
) -> ConsoleSwitch:
    """Switch ``name`` on or off as the signed-in operator (audited); off also ends a
    scheduled window."""
    done = switches_of(platform).set(tenant_id, name, body.on, session.user.username)
    return _out(done, platform.clock())
