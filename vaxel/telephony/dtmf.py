"""Keys pressed on a phone, as SIP INFO carries them (RFC 4733 keys arrive from media).

Two INFO bodies are in use: ``application/dtmf-relay`` (``Signal=5`` / ``Duration=160``
lines, Cisco's and most phones') and ``application/dtmf`` (the bare key). Anything else
is no key: the INFO is still answered 200 (RFC 6086 §4.2), the body ignored.
"""

from __future__ import annotations

from vaxel.sip.message import Request

__all__ = ["KEYS", "info_digit"]

KEYS = "0123456789*#ABCD"


def info_digit(request: Request) -> str:
    """The key a SIP INFO carries, or "" when it carries none."""
    body = request.body[:512].decode("utf-8", "replace")
    for line in body.splitlines():
        name, _, value = line.partition("=")
        key = value.strip()[:1].upper()
        if name.strip().lower() == "signal" and key and key in KEYS:
            return key
    bare = body.strip()
    if request.content_type == "application/dtmf" and len(bare) == 1 and bare in KEYS[:12]:
        return bare
    return ""
