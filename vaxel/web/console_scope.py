"""Who searches from the operator console, with the departments it serves (OP9, issue 16):
an admin may limit an operator to units of the directory (``/admin/telefonister``,
:mod:`vaxel.store.console_units`), and then the console's search and the names its card
looks up (the caller, whom they dialled, a recall's target) show only the people of those
units and the units beneath them.

It limits what she sees, not where she may connect: a number she types is transferred as
before, as at a real switchboard a department's operator may still put a caller through
to the town hall's main number or a colleague elsewhere whose number she knows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends

from vaxel.runtime.directory_views import Actor
from vaxel.store.console_units import ConsoleUnits
from vaxel.web.deps import Me, Platform, SignedIn

__all__ = ["ConsoleMe", "console_actor"]


def console_actor(session: SignedIn, ctx: Platform, actor: Me) -> Actor:
    """The signed-in person as the directory sees them, limited to her console's units."""
    units = ConsoleUnits(ctx.database).of_user(session.user.tenant_id, session.user.user_id)
    return replace(actor, units=units) if units else actor


ConsoleMe = Annotated[Actor, Depends(console_actor)]
