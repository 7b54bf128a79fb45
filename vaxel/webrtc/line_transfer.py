"""Blind transfer from the browser phone (issue 15, "takes, transfers and ends calls"): the
line REFERs its call to a number (RFC 3515), exactly as a desk phone's transfer key does.

Why a REFER and not a transfer of its own: the switch already has the one blind transfer
(``vaxel.telephony.in_dialog``: a queue call's agent hands the caller on, with wrap-up and
recall; in a PBX call either side may, ``phone_transfer.py``), and it checks the number under
the person's class of service (PBX8). The browser phone is a SIP device of its person, so it
uses that transfer like any other; nothing is decided here. Accepted (202), the switch hangs
up the browser's leg and the caller rings the number; refused (403 barred, 404 no such
number, 484 incomplete), the call goes on as it was and the page is told why in Swedish.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.sip.message import Response

if TYPE_CHECKING:
    from vaxel.webrtc.line import BrowserLine, LineCall

__all__ = [
    "MAX_NUMBER",
    "NUMBER_CHARACTERS",
    "answered",
    "refer",
    "timed_out",
    "transferred_reason",
]

MAX_NUMBER = 32
"""Longer than any dialable number (E.164 is 15 digits, plus a prefix and a short code)."""
NUMBER_CHARACTERS = frozenset("0123456789+*#")
BAD_NUMBER = "Skriv numret att koppla till med siffror (högst 32 tecken; + * # går också)."
REFUSED = {
    403: "Växeln tillåter inte att samtalet kopplas till {number}.",
    404: "Numret {number} finns inte.",
    484: "Numret {number} är ofullständigt.",
    408: "Växeln svarade inte: samtalet kopplades inte till {number}.",
}
NOT_TRANSFERRED = "Samtalet kunde inte kopplas till {number}."
TRANSFERRED = "Samtalet kopplades till {number}."


def clean_number(raw: object) -> str | None:
    """The number as dialled, spaces removed; None when it is no number."""
    if not isinstance(raw, str):
        return None
    number = "".join(raw.split())
    if not 0 < len(number) <= MAX_NUMBER or not set(number) <= NUMBER_CHARACTERS:
        return None
    return number


def refer(line: BrowserLine, call: LineCall, raw: object) -> str | None:
    """Send the REFER for a connected call; a Swedish refusal when the number is none or a
    transfer is already under way."""
    number = clean_number(raw)
    if number is None:
        return BAD_NUMBER
    if call.transfer_key is not None:
        return "Samtalet håller redan på att kopplas."
    request = call.dialog.request(
        "REFER",
        line.endpoint.via(),
        extra=(
            ("Refer-To", f"<sip:{number}@{line.host}>"),
            ("Referred-By", f"<{line.contact}>"),
        ),
    )
    call.transfer_key = line.endpoint.request(request, call.peer)
    call.transfer_to = number
    return None


def answered(line: BrowserLine, call: LineCall, response: Response) -> None:
    """The switch's final answer to our REFER: accepted, its BYE follows and ends the call
    with :func:`transferred_reason`; refused, the page is told and the call goes on."""
    if response.status < 200 or call.transfer_key is None:
        return
    call.transfer_key = None
    if response.status < 300:
        return
    number, call.transfer_to = call.transfer_to, ""
    wording = REFUSED.get(response.status, NOT_TRANSFERRED)
    line.tell({"type": "error", "message": wording.format(number=number), "number": number})


def timed_out(line: BrowserLine, call: LineCall, client_key: tuple[str, str]) -> None:
    """No answer to our REFER within 64·T1: as if 408 came (RFC 3261 §8.1.3.1), so the page
    may try again instead of being told a transfer is still under way."""
    if call.transfer_key is None or client_key != call.transfer_key:
        return
    call.transfer_key = None
    number, call.transfer_to = call.transfer_to, ""
    line.tell({"type": "error", "message": REFUSED[408].format(number=number), "number": number})


def transferred_reason(call: LineCall) -> str | None:
    """Why the call ended when the switch hung up after our accepted REFER."""
    if call.transfer_to:  # cleared when the switch refused: only a REFER under way or done
        return TRANSFERRED.format(number=call.transfer_to)
    return None
