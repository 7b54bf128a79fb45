"""SIP errors that carry the response to answer with (STYLE.md rule 5).

Only the layer that owns the wire (the transaction/UA layer) turns one into a response; the
parser and the cores raise them.
"""

from __future__ import annotations

from vaxel.core.errors import VaxelError

__all__ = ["MessageTooLarge", "ParseError", "SipError"]


class SipError(VaxelError):
    """A request that must be answered with ``status`` and ``reason`` (RFC 3261 §8.2)."""

    status: int = 500

    def __init__(self, reason: str, status: int | None = None) -> None:
        if status is not None:
            self.status = status
        self.reason = reason
        super().__init__(f"{self.status} {reason}")


class ParseError(SipError):
    """Bytes that are not a well-formed SIP message; ``reason`` names the problem.

    When enough of a request was understood to address a reply (Via, From, To, Call-ID,
    CSeq), the transport answers 400 with ``reason`` as the reason phrase; otherwise the
    datagram is dropped (RFC 3261 §16.3, §18.1.2).
    """

    status = 400


class MessageTooLarge(ParseError):
    """A message or one of its parts exceeded a size limit (RFC 3261 §18.1.1)."""

    status = 513
