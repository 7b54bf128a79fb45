"""The events of an attended transfer (RFC 3891 Replaces; issue 14 §6), told to the two
calls the transferring phone was in (``call_consult.py`` holds the steps). Part of the call
machine's events (``call_events.CallEvent``), kept apart for that module's length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaxel.telephony.call_events import Party

__all__ = ["PartyHandedOver", "PartyReplaced"]


@dataclass(frozen=True, slots=True)
class PartyReplaced:
    """The transferring phone left this call and the party it consulted took its place:
    the switch hung up its leg and put the consulted party's leg in its seat."""


@dataclass(frozen=True, slots=True)
class PartyHandedOver:
    """``party`` of this call (the one consulted) was handed to the call the transferring
    phone left; its leg is no longer here, the transferring phone's is to be hung up."""

    party: Party
