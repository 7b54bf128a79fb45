"""A call's connecting and talking steps (``call.py``'s machine): the whisper both legs
hear before they are bridged (Q12), and digits the IVR's flow is given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony.call_events import (
    AgentConnected,
    Bridge,
    CallAction,
    CallEvent,
    DigitReceived,
    ForwardDigit,
    Party,
    PlayWhisper,
    WhisperHeard,
)
from vaxel.telephony.call_states import CallState

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = ["connected", "digit", "whisper_heard"]


def connected(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """The ACD connected the contact: the whisper first if the queue has one (Q12)."""
    assert isinstance(event, AgentConnected)
    if event.whisper:
        call.state = CallState.WHISPER
        call.whisper_pending = {Party.CALLER, Party.AGENT}
        return [PlayWhisper()]
    call.state = CallState.BRIDGED
    return [Bridge()]


def whisper_heard(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """Bridged once both legs have heard the whisper, not before."""
    assert isinstance(event, WhisperHeard)
    call.whisper_pending.discard(event.party)
    if call.whisper_pending:
        return []
    call.state = CallState.BRIDGED
    return [Bridge()]


def digit(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """Digits go to the flow while in the IVR; later ones are the agent's business."""
    assert isinstance(event, DigitReceived)
    return [ForwardDigit(event.digit)] if call.state is CallState.IVR else []
