"""The Replaces header (RFC 3891): which dialog a new one takes the place of — in an
INVITE, or as a header of a REFER's Refer-To URI (an attended transfer, RFC 3515 §2.4.1).

Rules kept here:
- ``Replaces: call-id;to-tag=x;from-tag=y[;early-only]`` (§6.1): the Call-ID and both tags
  are required; anything else is a ParseError (a 400 for the request carrying it).
- The tags are seen from the dialog's recipient (§3): ``to-tag`` is the local tag of the
  dialog at whoever matches it, ``from-tag`` the remote one.
- The value is bounded (``MAX_REPLACES``): a peer controls it.
"""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.sip.errors import ParseError
from vaxel.sip.uri import parse_uri

__all__ = ["MAX_REPLACES", "Replaces", "parse_replaces", "replaces_in_uri"]

MAX_REPLACES = 512
"""The longest Replaces value read (a Call-ID and two tags fit many times over)."""


@dataclass(frozen=True, slots=True)
class Replaces:
    call_id: str
    to_tag: str
    from_tag: str
    early_only: bool = False

    @property
    def dialog_key(self) -> tuple[str, str, str]:
        """The key of the dialog it names at its recipient: (Call-ID, local, remote tag)."""
        return (self.call_id, self.to_tag, self.from_tag)


def parse_replaces(value: str) -> Replaces:
    """Read a Replaces value; a ParseError when it is malformed or too long."""
    if len(value) > MAX_REPLACES:
        raise ParseError("Malformed Replaces: too long")
    call_id, *params = (part.strip() for part in value.split(";"))
    tags: dict[str, str] = {}
    early_only = False
    for param in params:
        name, _, tag = param.partition("=")
        name = name.strip().lower()
        if name in ("to-tag", "from-tag") and tag.strip():
            tags[name] = tag.strip()
        elif name == "early-only":
            early_only = True
    if not call_id or any(c.isspace() for c in call_id) or len(tags) != 2:
        raise ParseError("Malformed Replaces: a Call-ID, to-tag and from-tag are required")
    return Replaces(call_id, tags["to-tag"], tags["from-tag"], early_only)


def replaces_in_uri(uri: str) -> Replaces | None:
    """The Replaces header of a URI (a Refer-To's ``?Replaces=…``), or None without one;
    a ParseError when the URI or the header is malformed."""
    if "?" not in uri:
        return None
    for name, value in parse_uri(uri).headers:
        if name.lower() == "replaces":
            return parse_replaces(value)
    return None
