"""Option tags a request requires of us (RFC 3261 §8.2.2.3, §20.32; RFC 4475 §3.3.5).

A UAS must not process a request whose Require names an extension it does not support: it
answers 420 Bad Extension with an Unsupported header listing them. Växel supports none yet.
ACK and CANCEL are exempt (the INVITE's answer already settled them). Proxy-Require is for
proxies (§20.29): a UAS ignores it.

An INVITE whose body is not SDP is refused 415 with ``Accept: application/sdp`` (§8.2.3,
§21.4.13; RFC 4475 §3.3.6): no other session description is understood here.
"""

from __future__ import annotations

from vaxel.sip.message import Request

__all__ = [
    "ACCEPTED_BODIES",
    "SUPPORTED_EXTENSIONS",
    "unsupported_body",
    "unsupported_requirements",
]

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset()
ACCEPTED_BODIES = "application/sdp"


def unsupported_requirements(
    request: Request, supported: frozenset[str] = SUPPORTED_EXTENSIONS
) -> tuple[str, ...]:
    """The option tags of ``request``'s Require we do not support, in the order given."""
    if request.method in ("ACK", "CANCEL"):
        return ()
    tags = (tag.strip() for tag in request.headers.values("Require"))
    return tuple(tag for tag in tags if tag and tag.lower() not in supported)


def unsupported_body(request: Request) -> bool:
    """An INVITE carrying a body of a type other than SDP (answered 415 with Accept)."""
    return (
        request.method == "INVITE"
        and bool(request.body)
        and request.content_type not in ("", ACCEPTED_BODIES)
    )
