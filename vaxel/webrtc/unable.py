"""What a browser phone reports when it cannot take calls (issue 15 "Bad input"), and the
port that keeps such an agent from being offered them (``vaxel.telephony.browser_readiness``
fills it; the composition root wires it)."""

from __future__ import annotations

from typing import Protocol

from vaxel.telephony.directory import Extension

__all__ = ["UNABLE_REASONS", "Readiness"]

UNABLE_REASONS = frozenset({"no-microphone", "denied", "media-failed", "closed"})
"""The page reports the first three (``unable``); ``closed`` is the socket going while
calls could reach the phone."""


class Readiness(Protocol):
    """Tells the switch's ACD whether a person's browser phone can take calls."""

    def cannot_take_calls(self, extension: Extension, reason: str) -> None:
        """The phone's binding is gone; pause the agent if nothing else of theirs rings."""
        ...

    def can_take_calls(self, extension: Extension) -> None:
        """Connected and bound again: ready, if the phone's absence paused the agent."""
        ...
