"""Which events each call state accepts (``call.py``'s machine raises IllegalTransition
for the rest), and the groups of states the machine's steps test; the states themselves
and the rules they keep: ``call_states.py``."""

from __future__ import annotations

from vaxel.telephony import call_announce, call_consult, call_park, call_pickup, call_requeue
from vaxel.telephony.call_events import (
    AgentConnected,
    AnswerRefused,
    BusyOrdered,
    DigitReceived,
    HoldChanged,
    NoRoute,
    OfferWithdrawn,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    TransferOrdered,
    TransferRequested,
    WhisperHeard,
)
from vaxel.telephony.call_states import CallState
from vaxel.telephony.early_events import CallerAnswered
from vaxel.telephony.park_events import CallParked, CallPickedUp, ParkRetrieved
from vaxel.telephony.transfer_events import PartyHandedOver, PartyReplaced

__all__ = ["ALLOWED", "CONNECTED", "DIALLING", "LIVE", "PARKED", "TIMED"]

_C = CallState
LIVE = frozenset(_C) - {_C.ENDED}
CONNECTED = frozenset({_C.AGENT_ANSWERING, _C.WHISPER, _C.BRIDGED, _C.HELD})
"""The ACD has an agent on the contact: a hang-up ends it (Q22)."""
DIALLING = frozenset({_C.CALLBACK_DIALLING, _C.CONNECTING})
PARKED = frozenset({_C.PARKED, _C.RECALLING})
TIMED = PARKED | {_C.TRANSFERRING, _C.CONSULTING}
"""A timer runs (``park_deadline``): a recall, a transfer's or a consultation's ringing."""

ALLOWED: dict[type, frozenset[CallState]] = {
    CallerAnswered: frozenset(_C),
    PhonesRung: DIALLING | (TIMED - {_C.PARKED}) | {_C.IVR, _C.CALLBACK_RINGING, _C.REQUEUED},
    PhoneAnswered: frozenset(_C),
    PhoneFailed: frozenset(_C),
    OfferWithdrawn: frozenset(_C),
    AgentConnected: frozenset({_C.AGENT_ANSWERING}),
    WhisperHeard: frozenset({_C.WHISPER, _C.ENDED}),
    PartyLeft: frozenset(_C),
    HoldChanged: frozenset(LIVE),
    DigitReceived: frozenset(_C),
    TransferRequested: call_consult.TALKING,  # phones often hold first
    TransferOrdered: frozenset({_C.IVR, _C.REQUEUED}),  # the queue's overflow (Q18, Q19)
    BusyOrdered: frozenset({_C.IVR, _C.REQUEUED}),
    CallParked: call_park.PARKABLE,
    ParkRetrieved: PARKED,
    call_park.RingParked: frozenset({_C.PARKED}),
    CallPickedUp: call_pickup.PICKABLE,
    AnswerRefused: frozenset({_C.AGENT_ANSWERING}),
    NoRoute: DIALLING | {_C.TRANSFERRING, _C.IVR, _C.RECALLING},
    PartyReplaced: call_consult.REPLACEABLE,
    PartyHandedOver: call_consult.TALKING,
}
ALLOWED.update(call_announce.ALLOWED | call_requeue.ALLOWED)  # issue 16 §3
