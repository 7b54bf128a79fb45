"""Night service, the emergency message and the automatic attendant on the console page
(OP6, spec §69–71; issue 16 §5): each of the tenant's flow switches with its state as a call
arriving now gets it, and the key that flips it. The page flips one with
``PUT /telefonist/brytare/{name}`` (:mod:`vaxel.web.console_switches`) after a
keyboard-usable confirmation.
"""

from __future__ import annotations

from typing import Any

from vaxel.core.errors import VaxelError
from vaxel.pbx.auto_attendant import AUTO_ACTOR
from vaxel.web.admin.switches import switches_of
from vaxel.web.context import WebContext
from vaxel.web.i18n import gettext

__all__ = ["KEYS", "switch_states"]

KEYS = {"nattservice": "N", "driftstorning": "D", "telefonistmeny": "T"}
"""The console's keys (Alt + letter) for the switches an operator flips all day: night
service, the emergency message and the automatic attendant (spec §70: a flow's menu before
the operator queue at high load, ``telefonistmeny`` in the demo flow)."""


def _title(name: str) -> str:
    if name == "nattservice":
        return gettext("Nattservice")
    if name == "driftstorning":
        return gettext("Driftstörning")
    if name == "telefonistmeny":
        return gettext("Automatisk telefonist")
    return name


def switch_states(ctx: WebContext, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's switches, night service and the emergency message first: name, the
    title the page shows, whether a call arriving now gets it, whether the load rule
    switched it on (``auto``), and its key ("" for none)."""
    now = ctx.clock()
    try:
        listed = switches_of(ctx).listed(tenant_id)
    except VaxelError:
        return []
    rows = [
        {
            "name": s.name,
            "title": _title(s.name),
            "active": s.on_at(now),
            "auto": s.on and s.changed_by == AUTO_ACTOR,  # the load rule switched it (§70)
            "key": KEYS.get(s.name, ""),
        }
        for s in listed
    ]
    return sorted(rows, key=lambda row: (row["name"] not in KEYS, row["name"]))
