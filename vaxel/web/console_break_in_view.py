"""The operator's break-in or listen-in on her card (issue 16 §3, spec §48, OP6): a call in
hand like any other — whose call (the person's name as the directory shows it to her),
which mode, her phone ringing or she in the call, and a timer. Telephony keeps the
break-in (``WebContext.console_break_in``); this only words it for the page."""

from __future__ import annotations

from typing import Any

from vaxel.core.errors import VaxelError
from vaxel.runtime.directory_views import Actor
from vaxel.web.context import WebContext

__all__ = ["break_in_in_hand"]


def break_in_in_hand(
    ctx: WebContext, tenant_id: str, agent_id: str, actor: Actor
) -> dict[str, Any] | None:
    """Her break-in for the card, with ``name`` ('' when the directory does not show the
    person to her: the number stands); None with none on or no telephony."""
    port = ctx.console_break_in
    seen = port.view(tenant_id, agent_id) if port is not None else None
    if seen is None:
        return None
    try:
        name = ctx.directory_views.person(tenant_id, str(seen["person_id"]), actor).person.name
    except VaxelError:
        name = ""
    return {**seen, "name": name}
