"""The prompts telephony itself plays (not the flow's), in each language a caller may have.

A caller hears them in the language of the flow that answered (IVR language); an agent or a
callback's customer in the tenant's language (the language of the tenant's main flow).
Swedish is the fallback. tests/prompts/test_coverage.py finds these ids and checks the audio.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call

__all__ = ["CallPrompts", "SystemPrompt", "system_prompt"]

log = logging.getLogger(__name__)


class SystemPrompt(Enum):
    NO_SUCH_NUMBER = "no-such-number"
    CUSTOMER_NO_ANSWER = "customer-no-answer"
    BUSY = "busy"
    """An internal call (PBX1): the person called is busy."""
    NO_ANSWER = "no-answer"
    """An internal call: the person called does not answer (or has no phone on)."""
    CAMPED_ON = "camped-on"
    """Camp-on (issue 16 §3): the caller waits for a busy person, then music."""
    SIMULATED_AGENT = "simulated-agent"
    """The demo: a real caller reached a simulated agent."""
    SIMULATED_CALL = "simulated-call"
    """The demo: a real phone took a simulated caller's contact."""
    CALL_FROM_QUEUE = "call-from-queue"
    """An agent's mobile answered an offer (PBX9): "Samtal från kön", then its name …"""
    PRESS_1 = "press-1"
    """… and "Tryck 1 för att svara"."""


_IDS: dict[SystemPrompt, dict[str, str]] = {
    SystemPrompt.NO_SUCH_NUMBER: {
        "sv": "sv/system/numret-finns-inte",
        "en": "en/system/no-such-number",
    },
    SystemPrompt.CUSTOMER_NO_ANSWER: {
        "sv": "sv/callback/no-answer",
        "en": "en/callback/no-answer",
    },
    SystemPrompt.BUSY: {"sv": "sv/system/upptaget", "en": "en/system/busy"},
    SystemPrompt.NO_ANSWER: {"sv": "sv/system/svarar-inte", "en": "en/system/no-answer"},
    SystemPrompt.CAMPED_ON: {"sv": "sv/system/vantkopplad", "en": "en/system/camped-on"},
    SystemPrompt.SIMULATED_AGENT: {
        "sv": "sv/system/simulerad-handlaggare",
        "en": "en/system/simulated-agent",
    },
    SystemPrompt.SIMULATED_CALL: {
        "sv": "sv/system/simulerat-samtal",
        "en": "en/system/simulated-call",
    },
    SystemPrompt.CALL_FROM_QUEUE: {
        "sv": "sv/system/samtal-fran-kon",
        "en": "en/system/call-from-queue",
    },
    SystemPrompt.PRESS_1: {
        "sv": "sv/system/tryck-1-for-att-svara",
        "en": "en/system/press-1-to-answer",
    },
}


def system_prompt(prompt: SystemPrompt, language: str) -> str:
    """The id of ``prompt`` in ``language`` ("sv" or "en"; anything else gets Swedish)."""
    ids = _IDS[prompt]
    return ids.get(language, ids["sv"])


class CallPrompts:
    """Which prompt a call's party hears: audio that exists, in the party's language."""

    def __init__(self, language: Callable[[str], str], exists: Callable[[str], bool]) -> None:
        self.language = language
        """The tenant's language (``TelephonyDirectory.language``)."""
        self.exists = exists

    def known(self, prompt_id: str) -> bool:
        """Whether ``prompt_id`` has audio; one without is skipped with a warning."""
        if prompt_id and self.exists(prompt_id):
            return True
        if prompt_id:
            log.warning("prompt %s has no audio file; skipped", prompt_id)
        return False

    def notice(self, call: Call, prompt: SystemPrompt, *, agent: bool = False) -> str:
        """A caller hears the IVR's language, an agent (or a callback) the tenant's."""
        flow_language = call.session.flow.flow.language if call.session is not None else ""
        return system_prompt(prompt, (not agent and flow_language) or self.language(call.tenant_id))
