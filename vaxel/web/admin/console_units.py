"""Department-limited operator consoles (OP9, issue 16): which units of the directory each
operator's console serves.

Each operator account is listed with the tenant's units; the admin ticks the ones her
console serves, or none for the whole directory. Her search and the names her card looks up
then show only the people of those units and of the units beneath them
(:mod:`vaxel.web.console_scope`); a number she types is still transferred. A change is
audited (``console_units_changed``). Only the tenant's own operators and units are
accepted; another tenant's account id is refused like one that does not exist.

Each queue is listed too: the departments its console serves (``queue_units_changed``).
An operator logged in only to such queues sees their departments, narrowed by her
account's own limit (:mod:`vaxel.directory.console_scope`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from vaxel.store.console_units import MAX_CONSOLE_UNITS, ConsoleUnits
from vaxel.store.directory import DirectoryStore
from vaxel.web.admin.queues import configs
from vaxel.web.console_scope import units_refusal
from vaxel.web.deps import CsrfForm, Platform, SignedIn, TenantId, require_admin, returns_to
from vaxel.web.i18n import gettext
from vaxel.web.rendering import back, render, take_flash

__all__ = ["PATH", "router"]

PATH = "/admin/telefonister"

router = APIRouter(
    prefix=PATH,
    tags=["admin"],
    dependencies=[Depends(require_admin), returns_to(PATH)],
)


def _units(platform: Platform, tenant_id: str) -> list[tuple[str, str]]:
    """The tenant's units as (id, the name with its parents': "Samhällsbyggnad › Bygglov"),
    by that name, so a unit is found under its department."""
    units = {u.unit_id: u for u in DirectoryStore(platform.database).units(tenant_id)}

    def path(unit_id: str) -> str:
        names, seen, at = [], set(), units.get(unit_id)
        while at is not None and at.unit_id not in seen:
            seen.add(at.unit_id)
            names.append(at.name)
            at = units.get(at.parent_id) if at.parent_id else None
        return " › ".join(reversed(names))

    return sorted(((u, path(u)) for u in units), key=lambda row: row[1].lower())


@router.get("")
def console_units_page(
    request: Request, session: SignedIn, platform: Platform, tenant_id: TenantId
) -> Response:
    limited = ConsoleUnits(platform.database).of_tenant(tenant_id)
    units = _units(platform, tenant_id)
    names = dict(units)
    operators = [
        {
            "user_id": u.user_id,
            "name": u.display_name,
            "units": limited.get(u.user_id, ()),
            "gone": [g for g in limited.get(u.user_id, ()) if g not in names],  # since removed
        }
        for u in platform.accounts.users(tenant_id)
        if u.role == "operator" and u.active
    ]
    by_queue = ConsoleUnits(platform.database).of_queues(tenant_id)
    queues = [
        {"queue_id": q, "name": c.display_name, "units": by_queue.get(q, ())}
        for q, c in sorted(configs(platform, tenant_id).items(), key=lambda i: i[1].display_name)
    ]
    flash = take_flash(request)
    return render(
        request,
        "admin/console_units.html",
        session,
        operators=operators,
        queues=queues,
        units=units,
        most=MAX_CONSOLE_UNITS,
        error=flash.message,
        saved=flash.saved,
    )


@router.post("/{user_id}")
async def save_console_units(
    form: CsrfForm,
    session: SignedIn,
    platform: Platform,
    tenant_id: TenantId,
    user_id: int,
) -> Response:
    """Limit the operator's console to the ticked units (``unit``, none: all)."""
    user = platform.accounts.user(tenant_id, user_id)
    if user is None or user.role != "operator":
        return back(PATH, gettext("Ingen telefonist med det id:t"))
    chosen = [str(v) for v in form.getlist("unit")]
    refused = units_refusal(platform, tenant_id, chosen)
    if refused:
        return back(PATH, refused)
    actor = session.user.username
    ConsoleUnits(platform.database).set(tenant_id, user.user_id, user.username, chosen, actor)
    return back(PATH, saved=True)


@router.post("/ko/{queue_id}")
async def save_queue_units(
    form: CsrfForm,
    session: SignedIn,
    platform: Platform,
    tenant_id: TenantId,
    queue_id: Annotated[str, Path(max_length=64)],
) -> Response:
    """The departments the operator queue's console serves (``unit``, none: all)."""
    if queue_id not in configs(platform, tenant_id):
        return back(PATH, gettext("Ingen kö med det id:t"))
    chosen = [str(v) for v in form.getlist("unit")]
    refused = units_refusal(platform, tenant_id, chosen)
    if refused:
        return back(PATH, refused)
    actor = session.user.username
    ConsoleUnits(platform.database).set_queue(tenant_id, queue_id, chosen, actor)
    return back(PATH, saved=True)
