"""The prompts telephony itself plays (not the flow's), in each language a caller may have.

A caller hears them in the language of the flow that answered (IVR language); an agent or a
callback's customer in the tenant's language (the language of the tenant's main flow).
Swedish is the fallback. tests/prompts/test_coverage.py finds these ids and checks the audio.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["SystemPrompt", "system_prompt"]


class SystemPrompt(Enum):
    NO_SUCH_NUMBER = "no-such-number"
    CUSTOMER_NO_ANSWER = "customer-no-answer"
    SIMULATED_AGENT = "simulated-agent"
    """The demo: a real caller reached a simulated agent."""
    SIMULATED_CALL = "simulated-call"
    """The demo: a real phone took a simulated caller's contact."""


_IDS: dict[SystemPrompt, dict[str, str]] = {
    SystemPrompt.NO_SUCH_NUMBER: {
        "sv": "sv/system/numret-finns-inte",
        "en": "en/system/no-such-number",
    },
    SystemPrompt.CUSTOMER_NO_ANSWER: {
        "sv": "sv/callback/no-answer",
        "en": "en/callback/no-answer",
    },
    SystemPrompt.SIMULATED_AGENT: {
        "sv": "sv/system/simulerad-handlaggare",
        "en": "en/system/simulated-agent",
    },
    SystemPrompt.SIMULATED_CALL: {
        "sv": "sv/system/simulerat-samtal",
        "en": "en/system/simulated-call",
    },
}


def system_prompt(prompt: SystemPrompt, language: str) -> str:
    """The id of ``prompt`` in ``language`` ("sv" or "en"; anything else gets Swedish)."""
    ids = _IDS[prompt]
    return ids.get(language, ids["sv"])
