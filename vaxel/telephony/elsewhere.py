"""The other party of a contact when it is not on a SIP leg here.

In production every party the ACD connects is a phone this switch serves, or nobody: an
agent with no registered phone is never rung. A deployment may have parties elsewhere —
the demo's simulated agents and callers (``vaxel.sim.simulated_parties``) — and says
through this port what the real side hears meanwhile. The switch keeps no such branches.
"""

from __future__ import annotations

from typing import Protocol

from vaxel.telephony.notices import SystemPrompt

__all__ = ["NobodyElsewhere", "PartiesElsewhere"]


class PartiesElsewhere(Protocol):
    def caller_hears(self, tenant_id: str, contact_id: str) -> SystemPrompt | None:
        """What a real caller hears once connected to an agent with no phone here."""

    def agent_hears(self, tenant_id: str, contact_id: str) -> SystemPrompt | None:
        """What a real agent's phone loops once connected to a caller not on SIP here."""


class NobodyElsewhere:
    """Production: every party is a phone here, so nothing is played in their stead."""

    def caller_hears(self, tenant_id: str, contact_id: str) -> SystemPrompt | None:
        return None

    def agent_hears(self, tenant_id: str, contact_id: str) -> SystemPrompt | None:
        return None
