"""Who is calling, read from an INVITE's From header and bounded at the edge (issue 9 §3).

The caller controls the From header (RFC 3261 §20.20 bounds neither the display name nor
the user part; only our parser's line limit of 8 KB does), and whatever we take from it is
journaled, listed in the workspace and on the wallboard. So the edge keeps it within
:mod:`vaxel.core.limits`: a display name is cut to ``SIP_DISPLAY_NAME_LENGTH`` (the caller
cannot be asked to shorten it); a user part longer than ``PHONE_NUMBER_LENGTH`` is no phone
number — cutting it would give a wrong number to call back — so the caller is unknown, as
for an anonymous call; so is a user part holding anything but a number's or a user name's
characters (see ``_SHOWN``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vaxel.core.limits import PHONE_NUMBER_LENGTH, SIP_DISPLAY_NAME_LENGTH
from vaxel.sip.dialog import angle_uri, uri_user
from vaxel.sip.errors import ParseError
from vaxel.sip.uri import parse_name_addr

__all__ = ["CallerId", "caller_id"]

_SHOWN = re.compile(r"[A-Za-z0-9+*#._~-]*")
"""What a caller id may hold: a number (digits, ``+``, ``*``, ``#``) or a user name — it is
written again into the From and P-Asserted-Identity Växel sends, where ``>``, ``"``,
``,``, ``;`` or ``@`` would end the URI early and let the caller choose its host."""


@dataclass(frozen=True, slots=True)
class CallerId:
    """The caller's number ("" when unknown) and display name ("" without one)."""

    number: str
    display_name: str


def caller_id(from_header: str) -> CallerId:
    """The bounded caller id of a From header value (``"Name" <sip:0701234567@host>;tag=x``)."""
    try:
        address = parse_name_addr(from_header)
        number, name = address.uri.user or "", address.display_name or ""
    except (ParseError, ValueError):  # a sloppy peer: take what the lenient reader finds
        number, name = uri_user(angle_uri(from_header)), ""
    if len(number) > PHONE_NUMBER_LENGTH or not _SHOWN.fullmatch(number):
        number = ""  # a character that would end the URI we write it into again (PBX2)
    return CallerId(number, name[:SIP_DISPLAY_NAME_LENGTH])
