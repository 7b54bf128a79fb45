"""Call pickup (issue 14): answering, from one's own phone, a call ringing someone else's.

Rules kept here:
- ``**<anknytning>`` picks up the call ringing that extension (directed pickup); ``*8#``
  picks up a call ringing anyone in an answer group the picker belongs to (group pickup).
  Both are keypad strings the switch looks at before the other feature codes
  (``feature_codes.parse``) and before the numbering plan.
- Of several calls that qualify, the one ringing longest is picked (the caller who has
  waited most); a call ringing the picker's own phones is never "picked up" by them.
- Only ringing calls qualify: a call already answered, parked or ended is not offered.
- Nothing to pick up is not an error of the caller's: they hear that there is no call.
Pure: the runtime gives the tenant's ringing calls and the picker's groups; the same
choice serves the operator console (issue 16) picking a ringing call from its list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "GROUP_PICKUP_CODE",
    "DirectedPickup",
    "GroupPickup",
    "PickupCode",
    "RingingCall",
    "choose",
    "parse_pickup",
]

GROUP_PICKUP_CODE = "*8#"
DIRECTED_PREFIX = "**"
MAX_EXTENSION_DIGITS = 8


@dataclass(frozen=True, slots=True)
class DirectedPickup:
    extension: str


@dataclass(frozen=True, slots=True)
class GroupPickup:
    pass


PickupCode = DirectedPickup | GroupPickup


@dataclass(frozen=True, slots=True)
class RingingCall:
    """A call ringing an extension now (the runtime's view of the tenant's calls)."""

    call_id: str
    extension: str
    """The extension being rung."""
    groups: frozenset[str]
    """The answer groups whose members' pickup reaches this call (the callee's groups, or
    the group the call was made to)."""
    rang_at: float


def parse_pickup(dialled: str) -> PickupCode | None:
    """The pickup ``dialled`` asks for, or None when it is no pickup code at all."""
    if dialled == GROUP_PICKUP_CODE:
        return GroupPickup()
    if dialled.startswith(DIRECTED_PREFIX):
        extension = dialled[len(DIRECTED_PREFIX) :].removesuffix("#")
        if extension.isdigit() and len(extension) <= MAX_EXTENSION_DIGITS:
            return DirectedPickup(extension)
    return None


def choose(
    code: PickupCode, ringing: Iterable[RingingCall], picker: str, picker_groups: frozenset[str]
) -> RingingCall | None:
    """The call ``picker`` (an extension) picks up with ``code``, or None."""
    if isinstance(code, DirectedPickup):
        if code.extension == picker:
            return None
        candidates = [c for c in ringing if c.extension == code.extension]
    else:
        candidates = [c for c in ringing if c.extension != picker and c.groups & picker_groups]
    return min(candidates, key=lambda c: (c.rang_at, c.call_id), default=None)
