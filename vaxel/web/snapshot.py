"""What the workspace and the wallboard show of one tenant, in people's words (ST1).

The contact center gives the board and an agent's panel as plain data
(``vaxel.acd.boards``, through the port's named views); here they get the names a page
shows — agent states, Växel's own pause reasons — and today's chart its labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vaxel.core.clock import to_local
from vaxel.web.i18n import N_, gettext

__all__ = [
    "CONTACT_STATES",
    "PAUSE_REASONS",
    "STATE_NAMES",
    "interval_chart",
    "pause_reason_name",
    "pause_reason_names",
    "state_names",
    "with_state_names",
]

STATE_NAMES = {
    "logged_out": N_("Utloggad"),
    "ready": N_("Ledig"),
    "offered": N_("Ringer"),
    "busy": N_("I samtal"),
    "wrap_up": N_("Efterarbete"),
    "paused": N_("Paus"),
}
"""Agent states in Swedish. The snapshot (shared by every page of a tenant, whatever its
language) carries these; a page translates them where it shows them (issue 4, ADM5)."""
CONTACT_STATES = {
    "pending": N_("Planerad"),
    "waiting": N_("Väntar"),
    "offered": N_("Erbjuden"),
    "connected": N_("Pågår"),
    "ended": N_("Avslutad"),
    "abandoned": N_("Avbruten"),
    "overflowed": N_("Vidarekopplad"),
    "failed": N_("Misslyckad"),
}
"""A contact's state in Swedish (the caller's earlier contacts on the contact card)."""
PAUSE_REASONS = {
    "unanswered_offers": N_("Obesvarade samtal"),
    "softphone_no_microphone": N_("Webbtelefonen saknar mikrofon"),
    "softphone_denied": N_("Webbtelefonen får inte använda mikrofonen"),
    "softphone_media_failed": N_("Webbtelefonens ljud kom inte fram"),
    "softphone_closed": N_("Webbtelefonen är inte ansluten"),
    "mobile_no_trunk": N_("Mobilen kan inte ringas: organisationen har ingen trunk"),
    "mobile_barred": N_("Mobilen kan inte ringas: numret är spärrat för dig"),
    "desk_phone_missing": N_("Bordstelefonen är inte registrerad"),
}
"""Pause reasons Växel itself sets, by id (Q23: paused after unanswered offers; issue 15:
the agent's only phone, the browser's, cannot take calls). The
tenant's own reasons are the admin's words and are shown as they are; the API keeps ids."""


def pause_reason_names() -> dict[str, str]:
    """Växel's own pause reason ids → names in the current language (for live.js)."""
    return {reason: gettext(name) for reason, name in PAUSE_REASONS.items()}


def pause_reason_name(reason: str) -> str:
    """A pause reason as a person reads it: Växel's ids translated, the tenant's as written."""
    return gettext(PAUSE_REASONS[reason]) if reason in PAUSE_REASONS else reason


def state_names() -> dict[str, str]:
    """Agent state → name in the current language (the pages give live.js this table)."""
    return {state: gettext(name) for state, name in STATE_NAMES.items()}


def interval_chart(
    rows: Mapping[int, tuple[int, int, int]], midnight: float, now: float, interval_s: float
) -> dict[str, Any]:
    """Today's traffic per interval for the chart: (offered, answered, abandoned) from the
    first interval with traffic (07:00 at the latest) to the current one, each labelled
    with its Stockholm start time — a 23- or 25-hour day keeps its true labels."""
    current = max(0, int((now - midnight) // interval_s))
    first = min([*rows, min(current, int(7 * 3600 // interval_s))])
    indexes = range(first, max([current, *rows]) + 1)
    return {
        "interval_min": round(interval_s / 60),
        "labels": [f"{to_local(midnight + i * interval_s):%H:%M}" for i in indexes],
        "offered": [rows.get(i, (0, 0, 0))[0] for i in indexes],
        "answered": [rows.get(i, (0, 0, 0))[1] for i in indexes],
        "abandoned": [rows.get(i, (0, 0, 0))[2] for i in indexes],
    }


def with_state_names(view: dict[str, Any]) -> dict[str, Any]:
    """A board or an agent's panel from the contact center (``vaxel.acd.boards``) with each
    agent state's Swedish name beside its id, as the pages and live.js read it."""
    for agent in view.get("agents", ()):
        agent["state_name"] = STATE_NAMES.get(agent["state"], agent["state"])
    if "state" in view:
        view["state_name"] = STATE_NAMES.get(view["state"], view["state"])
    return view
