"""What the operator console shows of camp-on (issue 16 §3, OP4): each extension's camp-on
queue and her camped and recalled calls. Telephony publishes the camped calls as a board
replaced whole on each change (``WebContext.camped_calls``): read here from any thread."""

from __future__ import annotations

from collections import Counter
from typing import Any

from vaxel.pbx.camp_on import Camped, CampedState
from vaxel.web.context import WebContext
from vaxel.web.i18n import gettext

__all__ = ["camp_counts", "camped_in_hand", "recall_text"]


def recall_text(camped: Camped, now: float) -> str:
    """The recalled call's line on her card: "Väntade hos Karin Carlsson, 2 min"."""
    waited, who = camped.waited_s(now), camped.name or camped.extension
    if waited >= 60:
        return gettext("Väntade hos %(who)s, %(n)s min") % {"who": who, "n": int(waited // 60)}
    return gettext("Väntade hos %(who)s, %(n)s s") % {"who": who, "n": int(waited)}


def camp_counts(ctx: WebContext, tenant_id: str) -> dict[str, int]:
    """Each extension's camp-on queue length (the search results show it)."""
    return dict(
        Counter(
            c.extension
            for c in ctx.camped_calls()
            if c.tenant_id == tenant_id and c.state is not CampedState.RECALLED
        )
    )


def camped_in_hand(ctx: WebContext, tenant_id: str, agent_id: str) -> list[dict[str, Any]]:
    """Her camped calls (waiting, ringing the extension) and recalled ones, oldest first."""
    now = ctx.clock()
    rows = [c for c in ctx.camped_calls() if c.tenant_id == tenant_id and c.agent_id == agent_id]
    places: Counter[str] = Counter()
    shown = []
    for camped in sorted(rows, key=lambda c: c.since):
        if camped.state is not CampedState.RECALLED:
            places[camped.extension] += 1
        shown.append(
            {
                "id": camped.call_id,
                "caller_number": camped.caller_number,
                "name": camped.name or camped.extension,
                "extension": camped.extension,
                "state": camped.state.value,
                "place": places[camped.extension],
                "waited_s": int(camped.waited_s(now)),
                "recall": recall_text(camped, now) if camped.state is CampedState.RECALLED else "",
            }
        )
    return shown
