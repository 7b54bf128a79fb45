"""The one call a browser phone's line has (issue 15 §1–2), whichever way it was set up:
an INVITE from the switch (the page rings) or one the page dialled (``outgoing``); and the
Swedish sentences the page shows when it ends."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum

from vaxel.sip.dialog import Dialog
from vaxel.sip.message import Request
from vaxel.sip.sdp import SessionDescription

__all__ = [
    "ANSWERED_ELSEWHERE",
    "DECLINED",
    "ENDED_BY_CALLER",
    "ENDED_BY_OTHER",
    "ENDED_BY_YOU",
    "NO_ACK",
    "PHONE_CLOSED",
    "CallState",
    "LineCall",
]

Address = tuple[str, int]

ENDED_BY_CALLER = "Den som ringde lade på."
ANSWERED_ELSEWHERE = "Samtalet besvarades i en annan telefon."
ENDED_BY_OTHER = "Den andra parten lade på."
ENDED_BY_YOU = "Du lade på."
DECLINED = "Du avvisade samtalet."
PHONE_CLOSED = "Webbtelefonen stängdes."
NO_ACK = "Växeln bekräftade inte svaret."


class CallState(StrEnum):
    RINGING = "ringing"
    """Incoming: the page shows Svara/Avvisa."""
    CALLING = "calling"
    """Outgoing: our INVITE is out, no answer yet."""
    ANSWERING = "answering"
    CONNECTED = "connected"
    ENDED = "ended"


@dataclass(slots=True)
class LineCall:
    """The call the line has: its INVITE, dialog and media. For an incoming call
    ``caller`` is who rings; for an outgoing one, the number dialled."""

    id: str
    invite: Request
    server_key: tuple[str, str, str]
    peer: Address
    dialog: Dialog
    offer: SessionDescription
    caller: str
    name: str
    state: CallState = CallState.RINGING
    sdp_version: int = 1
    held: bool = False
    resend: asyncio.Task[None] | None = None
    pending: dict[tuple[str, str], Request] = field(default_factory=dict)
    """Our re-INVITEs awaiting a final response, by client transaction key."""
    outgoing: bool = False
    client_key: tuple[str, str] | None = None
    """Our INVITE's client transaction (outgoing calls)."""
    password: str = field(default="", repr=False)
    """The extension's digest password, to answer the switch's one challenge."""
    authorised: bool = False
    progress: bool = False
    transfer_key: tuple[str, str] | None = None
    """Our REFER awaiting the switch's answer (``line_transfer.py``)."""
    transfer_to: str = ""
