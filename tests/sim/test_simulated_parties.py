"""The demo's simulated parties are an adapter of telephony's port, not switch branches
(issue 11 §1): production plays nothing in an absent party's stead, the demo explains."""

from __future__ import annotations

from vaxel.sim.simulated_parties import SimulatedParties
from vaxel.telephony.elsewhere import NobodyElsewhere, PartiesElsewhere
from vaxel.telephony.notices import SystemPrompt, system_prompt


def test_the_demo_explains_a_simulated_party_and_production_plays_nothing() -> None:
    demo: PartiesElsewhere = SimulatedParties()
    production: PartiesElsewhere = NobodyElsewhere()
    assert demo.caller_hears("exempelby", "c1") is SystemPrompt.SIMULATED_AGENT
    assert demo.agent_hears("exempelby", "c1") is SystemPrompt.SIMULATED_CALL
    assert production.caller_hears("exempelby", "c1") is None
    assert production.agent_hears("exempelby", "c1") is None
    assert system_prompt(SystemPrompt.SIMULATED_AGENT, "en") == "en/system/simulated-agent"
