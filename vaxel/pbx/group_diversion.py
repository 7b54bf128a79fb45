"""Diverting a whole answer group (hänvisning av en hel grupp, spec §67, PBX3): "Lunch till
13:00 — samtal till växeln". While a group's diversion is on, every call to the group's
number goes to the diversion's number instead of ringing the members.

Rules kept here:
- The destination is a number of the tenant's plan (the operator's, a person's, another
  group's, a voicemail number); the caller of a group diverted to another group rings that
  group's members — a diversion is followed once, never in a chain, so two groups diverted
  to each other cannot loop. Checking the number against the plan is the runtime's.
- A diversion with an end (``until``) is off from then on by itself; without one it stays
  until cleared ("tills vidare"). The end is a date and time — today's "13:00" or a later
  day's — not in the past and at most a year ahead, the same date and time next year (a
  typo'd year must not divert a group for good). The note says why ("Lunch"); at most
  :data:`NOTE_LENGTH` characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vaxel.core.errors import DomainError
from vaxel.core.limits import PHONE_NUMBER_LENGTH

__all__ = [
    "GROUP_DIVERSIONS",
    "NOTE_LENGTH",
    "UNTIL_LENGTH",
    "GroupDiversion",
    "GroupDiversionError",
]

GROUP_DIVERSIONS = "pbx-group-diversions"
"""The tenant's settings document: group id → its diversion."""
NOTE_LENGTH = 100
UNTIL_LENGTH = 20
"""The longest end a form or the API may give ("2027-06-30 13:00", ISO's "T" too)."""


class GroupDiversionError(DomainError):
    """A diversion the rules refuse; ``code`` names which (worded in Swedish by the web)."""


@dataclass(frozen=True, slots=True)
class GroupDiversion:
    group_id: str
    number: str
    note: str = ""
    until: float | None = None
    """When the diversion ends by itself (epoch seconds); None: until cleared."""
    by: str = ""
    """Who set it (username), for the console and the audit."""

    def __post_init__(self) -> None:
        number = self.number
        if not number or len(number) > PHONE_NUMBER_LENGTH or not number.lstrip("+").isdigit():
            raise GroupDiversionError(
                "group diversion number", code="group-diversion-number", max=PHONE_NUMBER_LENGTH
            )
        if len(self.note) > NOTE_LENGTH:
            raise GroupDiversionError(
                "group diversion note", code="group-diversion-note", max=NOTE_LENGTH
            )

    def active(self, now: float) -> bool:
        """On now: no end, or the end still ahead."""
        return self.until is None or now < self.until

    def stored(self) -> dict[str, Any]:
        return {"number": self.number, "note": self.note, "until": self.until, "by": self.by}

    @classmethod
    def of(cls, group_id: str, data: Mapping[str, Any]) -> GroupDiversion | None:
        """The stored diversion, or None for a document the rules would refuse now."""
        until = data.get("until")
        try:
            return cls(
                group_id,
                str(data.get("number") or ""),
                str(data.get("note") or ""),
                float(until) if until is not None else None,
                str(data.get("by") or ""),
            )
        except (GroupDiversionError, TypeError, ValueError):
            return None
