"""The Diversion header (RFC 5806): how many times a call was forwarded before it reached
us, and the header we add when we forward a call out over a trunk.

Rules kept here:
- Each Diversion entry counts its ``counter`` parameter (1 when absent or unreadable, at
  most ``MAX_COUNT``); entries may be in one header, comma-separated, or in several.
- Forwarding loops through the public network (A forwards to B's direct number elsewhere, B
  back to A's) are ended by the count: each turn is a new call, so only what the carrier
  passes on tells how many turns came before. A carrier that drops the header gives 0.
"""

from __future__ import annotations

from vaxel.sip.message import Request, split_list, via_param

__all__ = ["MAX_COUNT", "diversion_count", "diversion_value"]

MAX_COUNT = 100
"""The largest count read (a peer controls the header; anything above means "too many")."""
_MAX_ENTRIES = 32


def diversion_count(request: Request) -> int:
    """How many forwardings the Diversion headers of ``request`` tell of (0: none)."""
    total = 0
    entries = [e for value in request.headers.get_all("Diversion") for e in split_list(value)]
    for entry in entries[:_MAX_ENTRIES]:
        params = entry.rsplit(">", 1)[-1] if "<" in entry else entry
        counter = (via_param(";" + params.split(";", 1)[-1], "counter") or "").strip()
        total += int(counter) if counter.isdigit() and len(counter) <= 3 else 1
        if total >= MAX_COUNT:
            return MAX_COUNT
    if len(entries) > _MAX_ENTRIES:
        return MAX_COUNT
    return total


def diversion_value(number: str, host: str, count: int, reason: str = "unconditional") -> str:
    """The Diversion value for a call forwarded from ``number``, ``count`` times in all."""
    return f"<sip:{number}@{host}>;reason={reason};counter={max(1, min(count, MAX_COUNT))}"
