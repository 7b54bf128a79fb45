"""The dial policy at the web edge: refusals in the user's language, by code (issue 10 §11).

The rules are :mod:`vaxel.core.dial_policy`'s; here each refusal code gets its Swedish text
(English through gettext): the API's problem details (``booking.number_problem``) and the
lists, which offer a ``tel:`` link only for a number the policy allows.
"""

from __future__ import annotations

from vaxel.core.dial_policy import DialPolicy, DialRefusal
from vaxel.web.i18n import N_, gettext

__all__ = ["REFUSALS", "refusal_text"]

REFUSALS = {
    DialRefusal.INVALID: N_("Inget giltigt telefonnummer"),
    DialRefusal.PREMIUM_RATE: N_("Betalnummer (0900, 0939, 0944, 118) rings inte upp"),
    DialRefusal.NON_GEOGRAPHIC: N_("Satellitnummer och andra nummer utan land rings inte upp"),
    DialRefusal.INTERNATIONAL: N_("Utlandssamtal är spärrade för organisationen"),
    DialRefusal.EXTERNAL: N_("Externa samtal är spärrade för behörighetsklassen"),
}
"""What the agent or the API client reads, by the policy's refusal code."""


def refusal_text(policy: DialPolicy, number: str) -> str:
    """Why ``number`` may not be dialled, in the current language; "" when it may."""
    refusal = policy.decide(number).refusal
    return gettext(REFUSALS[refusal]) if refusal is not None else ""
