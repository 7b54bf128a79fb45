"""What telephony holds per call besides its state: legs, ringing phones, media ids.

A *call* is one contact as telephony sees it: the caller's leg (inbound, answered by the
IVR) and, once an agent answers, the agent's leg; or, for a callback (CB9), the agent's leg
first and the customer's after. Ringing agents' phones are *forks* of an attempt: every
registered phone of the agent rings in parallel and the first to answer wins.

The states live in the machines, not here: a call's in its :class:`CallMachine`
(``call.py``; the states listed in ``call_states.py``), each leg's and each ringing phone's
in its leg machine (``leg.py``). What is kept here is what the switch needs to carry out the
machines' actions: dialogs, media endpoints, playback ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vaxel.acd.commands import DialCallback
from vaxel.media.backend import Endpoint
from vaxel.pbx.conference import ConferenceEntry
from vaxel.runtime.call_session import CallSession
from vaxel.sip.dialog import Dialog
from vaxel.sip.message import Request
from vaxel.sip.sdp import SessionDescription
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.leg import Leg as LegMachine
from vaxel.telephony.leg import LegState

if TYPE_CHECKING:
    from vaxel.telephony.internal import InternalCall
    from vaxel.telephony.voicemail import VoicemailSession

__all__ = ["Attempt", "Call", "Fork", "Leg", "LegState"]

Address = tuple[str, int]
_TALKING = frozenset({CallState.BRIDGED, CallState.HELD, CallState.TRANSFERRED, CallState.ON_HOLD})


@dataclass(slots=True)
class Leg:
    role: str
    """"caller", "agent", "customer" or "transfer"."""
    endpoint: Endpoint
    destination: Address
    transport: str
    dialog: Dialog | None = None
    invite: Request | None = None
    server_key: tuple[str, str, str] | None = None
    ok_bytes: bytes = b""
    """Our 2xx to the INVITE, retransmitted until the ACK comes (§13.3.1.4)."""
    local_sdp: SessionDescription | None = None
    on_hold: bool = False
    """What the peer's last offer said, so only a change is told to the call (Q10)."""
    machine: LegMachine = field(default_factory=lambda: LegMachine("caller", inbound=True))
    """The dialog's state machine (``leg.py``): the leg's state is its state."""
    number: str = ""
    """The number dialled to reach this phone (a transfer's, a recall's, a consultation's),
    so the line of whoever it is follows (DIR4, ``line_feed.py``); "" for others."""

    @property
    def state(self) -> LegState:
        return self.machine.state


@dataclass(slots=True)
class Fork:
    """One phone being rung (one client INVITE transaction), on its own outbound leg
    machine: CANCEL waits for a provisional, a late 2xx is ACKed and BYEd (``leg.py``)."""

    phone: str
    """The phone's name in the call machine's offer (unique in the switch)."""
    client_key: tuple[str, str]
    invite: Request
    destination: Address
    transport: str
    machine: LegMachine
    dialog: Dialog | None = None
    """Set by its first 2xx."""
    won: bool = False
    """This phone answered first: it is now a leg of the call."""


@dataclass(slots=True)
class Attempt:
    """Ringing one agent (or a customer, or a transfer target) for a call: every fork
    shares one media endpoint; the offer's state is the call machine's (``offers``)."""

    call_id: str
    agent_id: str
    """The offer's name: an agent id, "customer" or "transfer"."""
    endpoint: Endpoint
    offer: SessionDescription
    role: str = "agent"
    forks: dict[str, Fork] = field(default_factory=dict)
    """By phone name."""
    confirm: tuple[str, ...] = ()
    """Prompts an answer must confirm with the key 1 (a mobile, ``mobile_answer.py``)."""
    confirm_by: float = 0.0
    """Until when the key counts: the offer's ring time."""


@dataclass(slots=True)
class Call:
    call_id: str
    """The contact id (also the key of the media session)."""
    tenant_id: str
    machine: CallMachine = field(default_factory=CallMachine)
    caller: Leg | None = None
    agent: Leg | None = None
    customer: Leg | None = None
    consulted: Leg | None = None
    """The person the operator asks first (announced transfer, ``call_announce.py``)."""
    dialled: dict[str, str] = field(default_factory=dict)
    """Offer → the number it rings (a transfer, a recall, a consultation): its leg's."""
    guests: list[Leg] = field(default_factory=list)
    """The legs of a console conference's earlier people (more than three, §46), in the
    mix with the caller; the machine counts them (``CallMachine.guests``)."""
    session: CallSession | None = None
    playback_id: str = ""
    agent_playback_id: str = ""
    caller_whisper_id: str = ""
    """The whisper the caller hears while the agent hears it too (Q12)."""
    whisper: tuple[str, ...] = ()
    """The queue's whisper prompts, played when the machine says so (Q12)."""
    attempts: dict[str, Attempt] = field(default_factory=dict)
    """By agent id (or "customer" for a callback's dial-out, "transfer")."""
    voicemail_path: str = ""
    hangup_after_playback: bool = False
    dial_after_answer: DialCallback | None = None
    """A callback the agent picked from the list (CB8): the ACD connected it already, so
    when the agent's phone answers the customer is dialled at once (CB9)."""
    conference: ConferenceEntry | None = None
    """A call to a conference room (PBX6): its way in, instead of a flow (``conference.py``)."""
    voicemail: VoicemailSession | None = None
    """A call leaving a message or in the voicemail menu (PBX4, ``voicemail.py``)."""
    conference_caller: str = ""
    """The number the conference caller presented, as the host's page shows it."""
    internal: InternalCall | None = None
    """A call to a PBX number (PBX1): its target, caller and ring steps (``internal.py``)."""
    unanswered: tuple[int, str] = (480, "Temporarily Unavailable")
    """The final error a caller still in early media gets when we end the call (486 busy,
    404 no such number): nothing was answered, so nothing is billed."""
    transfers: int = 0
    """REFERs accepted in this call (blind, attended, park): at most ``MAX_TRANSFERS``."""

    @property
    def state(self) -> CallState:
        return self.machine.state

    @property
    def ended(self) -> bool:
        return self.machine.state is CallState.ENDED

    @property
    def bridged(self) -> bool:
        """The two sides talk (or one holds the other): the machine is past the whisper."""
        return self.machine.state in _TALKING

    @property
    def callback(self) -> bool:
        return self.machine.callback

    @property
    def agent_id(self) -> str:
        return self.machine.agent_id

    def next_deadline(self) -> float | None:
        """The earlier of the machine's (a callback's customer ringing, CB9) and the flow's
        (announcement repeats, digit timeouts): the calls' one timer keeps it (``timers.py``)."""
        due = self.machine.next_deadline()
        if self.conference is not None and not self.ended:
            entry = self.conference.next_deadline()
            if entry is not None and (due is None or entry < due):
                due = entry
        if self.voicemail is not None and not self.ended:
            mailbox = self.voicemail.next_deadline()
            if mailbox is not None and (due is None or mailbox < due):
                due = mailbox
        if self.session is not None and not self.ended and not self.session.flow.ended:
            flow = self.session.flow.next_deadline()
            if flow is not None and (due is None or flow < due):
                return flow
        return due
