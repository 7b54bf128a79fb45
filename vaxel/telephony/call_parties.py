"""Who is on a call and what they hear or are told (``call_events.py`` re-exports these
with the events and actions that name them), and the names of the offers a call rings."""

from __future__ import annotations

from enum import Enum

__all__ = ["CALLEE", "CUSTOMER", "RECALL", "TRANSFER", "Notice", "Party", "Sound", "is_callee"]


class Party(Enum):
    CALLER = "caller"
    """The customer's leg (for a callback: once the customer answered)."""
    AGENT = "agent"


class Notice(Enum):
    """Something a party is told before the call ends (the adapter picks the prompt)."""

    NO_SUCH_NUMBER = "no-such-number"
    CUSTOMER_NO_ANSWER = "customer-no-answer"


class Sound(Enum):
    RINGBACK = "ringback"
    MUSIC = "music"


CUSTOMER, TRANSFER = "customer", "transfer"
RECALL = "recall"
"""The offer ringing whoever parked a call, once it waited too long (``call_park.py``)."""
CALLEE = "callee"
"""The offer of an internal call (PBX1): the devices of the person (or group) dialled; one
rung after another (in sequence, forwarded) are ``callee:<n>``, each its own offer."""


def is_callee(offer: str) -> bool:
    """Whether ``offer`` rings an internal call's callee (``CALLEE`` or ``callee:<n>``)."""
    return offer == CALLEE or offer.startswith(CALLEE + ":")
