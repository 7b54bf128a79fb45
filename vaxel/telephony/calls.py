"""The state telephony keeps per call: legs (one SIP dialog + one media endpoint each).

A *call* is one contact as telephony sees it: the caller's leg (inbound, answered by the
IVR) and, once an agent answers, the agent's leg; or, for a callback (CB9), the agent's leg
first and the customer's after. Ringing agents' phones are *forks* of an attempt: every
registered phone of the agent rings in parallel and the first to answer wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vaxel.acd.commands import DialCallback
from vaxel.media.backend import Endpoint
from vaxel.runtime.call_session import CallSession
from vaxel.sip.dialog import Dialog
from vaxel.sip.message import Request
from vaxel.sip.sdp import SessionDescription
from vaxel.telephony.leg import Leg as LegMachine
from vaxel.telephony.leg import LegState

__all__ = ["Attempt", "Call", "Fork", "Leg", "LegState"]

Address = tuple[str, int]


@dataclass(slots=True)
class Leg:
    role: str
    """"caller", "agent" or "customer"."""
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
    machine: LegMachine = field(default_factory=lambda: LegMachine("caller", inbound=True))
    """The dialog's state machine (``leg.py``): the leg's state is its state."""

    @property
    def state(self) -> LegState:
        return self.machine.state


@dataclass(slots=True)
class Fork:
    """One phone of an agent being rung (one client INVITE transaction)."""

    client_key: tuple[str, str]
    invite: Request
    destination: Address
    transport: str
    provisional: bool = False
    cancel_pending: bool = False
    done: bool = False


@dataclass(slots=True)
class Attempt:
    """Ringing one agent (or a customer) for a call: every fork shares one media endpoint."""

    call_id: str
    agent_id: str
    endpoint: Endpoint
    offer: SessionDescription
    role: str = "agent"
    forks: dict[tuple[str, str], Fork] = field(default_factory=dict)
    answered: bool = False
    cancelled: bool = False
    declined: bool = False


@dataclass(slots=True)
class Call:
    call_id: str
    """The contact id (also the key of the media session)."""
    tenant_id: str
    caller: Leg | None = None
    agent: Leg | None = None
    customer: Leg | None = None
    session: CallSession | None = None
    agent_id: str = ""
    playback_id: str = ""
    agent_playback_id: str = ""
    caller_whisper_id: str = ""
    """The whisper the caller hears while the agent hears it too (Q12)."""
    attempts: dict[str, Attempt] = field(default_factory=dict)
    """By agent id (or "customer" for a callback's dial-out)."""
    callback: bool = False
    bridged: bool = False
    ended: bool = False
    voicemail_path: str = ""
    transferred: bool = False
    """The agent handed the caller on (REFER): the contact ended for the agent already."""
    hangup_after_playback: bool = False
    dial_after_answer: DialCallback | None = None
    """A callback the agent picked from the list (CB8): the ACD connected it already, so
    when the agent's phone answers the customer is dialled at once (CB9)."""
