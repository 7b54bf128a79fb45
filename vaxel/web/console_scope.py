"""Who searches from the operator console, with the departments it serves (OP9, issue 16):
an admin may limit an operator to units of the directory (``/admin/telefonister``,
:mod:`vaxel.store.console_units`), and an operator queue to the departments its console
serves; her search and the names her card looks up (the caller, whom they dialled, a
recall's target) then show only the people of those units and the units beneath them.
The rule that combines her account's limit with her queues' is
:func:`vaxel.directory.console_scope.console_units` (the queues limit her only while every
queue she is logged in to names departments; her account's limit, if set, narrows them).

It limits what she sees, not where she may connect: a number she types is transferred as
before, as at a real switchboard a department's operator may still put a caller through
to the town hall's main number or a colleague elsewhere whose number she knows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends

from vaxel.core.errors import VaxelError
from vaxel.directory.console_scope import console_units
from vaxel.runtime.directory_views import Actor
from vaxel.store.console_units import MAX_CONSOLE_UNITS, ConsoleUnits
from vaxel.store.directory import DirectoryStore
from vaxel.web.context import WebContext
from vaxel.web.deps import Me, Platform, SignedIn
from vaxel.web.i18n import gettext

__all__ = ["ConsoleMe", "console_actor", "units_refusal"]


def _logged_in(ctx: WebContext, tenant_id: str, agent_id: str | None) -> tuple[str, ...]:
    """The queues she is logged in to now; none for an account the ACD does not know."""
    if not agent_id:
        return ()
    try:
        return ctx.center.agent_view(tenant_id, agent_id, ctx.clock()).queue_ids
    except VaxelError:
        return ()


def console_actor(session: SignedIn, ctx: Platform, actor: Me) -> Actor:
    """The signed-in person as the directory sees them, limited to her console's units:
    her account's and, while she is logged in only to limited queues, theirs."""
    tenant_id, user = session.user.tenant_id, session.user
    stored = ConsoleUnits(ctx.database)
    account = stored.of_user(tenant_id, user.user_id)
    by_queue = stored.of_queues(tenant_id)
    logged_in = _logged_in(ctx, tenant_id, user.agent_id) if by_queue else ()
    parents: dict[str, str | None] = {}
    if account and logged_in:  # the tree only when both limits meet
        parents = {u.unit_id: u.parent_id for u in DirectoryStore(ctx.database).units(tenant_id)}
    units = console_units(account, by_queue, logged_in, parents)
    return replace(actor, units=units) if units else actor


def units_refusal(ctx: WebContext, tenant_id: str, chosen: list[str]) -> str:
    """Why ``chosen`` cannot be a console's units, in Swedish; "" when they can: at most
    20, each a unit of the tenant's directory (the admin page's and the API's one check)."""
    if len(chosen) > MAX_CONSOLE_UNITS:
        return gettext("En konsol kan begränsas till högst {} avdelningar").format(
            MAX_CONSOLE_UNITS
        )
    known = {u.unit_id for u in DirectoryStore(ctx.database).units(tenant_id)}
    unknown = [u for u in chosen if u not in known]
    if unknown:
        return gettext("Avdelningen {} finns inte i katalogen").format(unknown[0][:64])
    return ""


ConsoleMe = Annotated[Actor, Depends(console_actor)]
