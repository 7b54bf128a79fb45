"""How a browser phone's call ends (issue 15 §1–2): what the line sends the switch for the
state the call is in, and the one ``ended`` the page is told, with its Swedish reason.

Kept apart from :mod:`vaxel.webrtc.line` so that every way a call ends — the page's
**Lägg på**, the switch's BYE or CANCEL, a refusal, a missing ACK, the phone closing —
goes through the same two steps, and the page hears of each call's end exactly once."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from vaxel.webrtc import outgoing
from vaxel.webrtc.line_call import CallState, LineCall

if TYPE_CHECKING:
    from vaxel.webrtc.line import BrowserLine

__all__ = ["ended", "hang_up"]


def hang_up(line: BrowserLine, call: LineCall, reason: str, **facts: str | int) -> None:
    """End ``call`` from our side as its state needs — 486 while it rings, CANCEL while
    our INVITE is unanswered, BYE once answered — then tell the page why."""
    endpoint = line.endpoint
    if call.state is CallState.RINGING:
        endpoint.respond(
            call.server_key, call.invite, 486, "Busy Here", to_tag=call.dialog.local_tag
        )
    elif call.state is CallState.CALLING:
        outgoing.cancel(line, call)
    elif call.state in (CallState.ANSWERING, CallState.CONNECTED):
        endpoint.request(call.dialog.request("BYE", endpoint.via()), call.peer)
    ended(line, call, reason, **facts)


def ended(line: BrowserLine, call: LineCall, reason: str, **facts: str | int) -> None:
    """``call`` is over (whoever ended it): stop its media, free the line and tell the
    page once, with the ``facts`` its reason names (``number``, ``status``: the web words
    the sentence in the page's language)."""
    if call.state is CallState.ENDED:
        return
    call.state = CallState.ENDED
    if call.resend is not None:
        call.resend.cancel()
    line.rtp.stop()
    if line.call is call:
        line.call = None
    with contextlib.suppress(Exception):
        said = {name: value for name, value in facts.items() if value != ""}
        line.tell({"type": "ended", "call": call.id, "reason": reason, **said})
