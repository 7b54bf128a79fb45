"""The demo's simulated agents and callers, as telephony sees them (issue 11 §1).

A real caller may reach a simulated agent and a real phone may take a simulated caller's
contact; each real side then hears a short explanation in its language (the switch picks
it by the caller's flow or the tenant's language). The simulator ends such contacts
itself; the switch hangs up the real caller when the contact ends.
"""

from __future__ import annotations

from vaxel.telephony.notices import SystemPrompt

__all__ = ["SimulatedParties"]


class SimulatedParties:
    """Implements ``vaxel.telephony.elsewhere.PartiesElsewhere`` for the demo."""

    def caller_hears(self, tenant_id: str, contact_id: str) -> SystemPrompt | None:
        return SystemPrompt.SIMULATED_AGENT

    def agent_hears(self, tenant_id: str, contact_id: str) -> SystemPrompt | None:
        return SystemPrompt.SIMULATED_CALL
