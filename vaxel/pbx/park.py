"""Call park (issue 14, OP3): a tenant's park orbits and which call waits in each.

Rules kept here:
- A tenant has ``count`` orbits numbered from ``first`` (700–709 by default): short numbers
  a phone REFERs a call to (or an operator parks it on), and anyone dials to retrieve it.
- Parking on a named orbit takes that orbit or is refused (``park-orbit-busy``); parking
  with no orbit named takes the lowest free one; with every orbit taken the park is refused
  (``park-full``) and the call stays where it was.
- Retrieving an orbit hands out the call parked there once; an empty orbit gives nothing
  (the caller dialling it hears that the number does not exist).
- A call leaves its orbit when retrieved, when it is recalled and answered, or when its
  caller hangs up. When the parked call rings back whoever parked it is the call
  machine's (``telephony/call.py``: PARKED → RECALLING after ``recall_s``); the lot only
  knows the orbits, so the operator console (issue 16) can list and pick from the same lot.
Pure: no clock (``now`` is given), no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.core.errors import DomainError

__all__ = [
    "DEFAULT_RECALL_S",
    "ParkError",
    "ParkSettings",
    "ParkedCall",
    "ParkingLot",
]

DEFAULT_RECALL_S = 60.0
"""How long a call waits in its orbit before it rings back whoever parked it."""
MAX_ORBITS = 100
MIN_RECALL_S, MAX_RECALL_S = 10.0, 3600.0
MAX_ORBIT_DIGITS = 8


class ParkError(DomainError):
    """A park or a setting refused; ``code`` says which rule (``park-full`` …)."""


@dataclass(frozen=True, slots=True)
class ParkSettings:
    """A tenant's orbits and recall time; validated on creation (config errors name the
    field)."""

    first: int = 700
    count: int = 10
    recall_s: float = DEFAULT_RECALL_S

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_ORBITS:
            raise ParkError(
                f"park count {self.count}: 1–{MAX_ORBITS}", code="park-count", field="count"
            )
        if self.first < 0 or len(str(self.first + self.count - 1)) > MAX_ORBIT_DIGITS:
            raise ParkError(f"park orbit {self.first}", code="park-first", field="first")
        if not MIN_RECALL_S <= self.recall_s <= MAX_RECALL_S:
            raise ParkError(
                f"park recall {self.recall_s} s: {MIN_RECALL_S:.0f}–{MAX_RECALL_S:.0f}",
                code="park-recall",
                field="recall_s",
            )

    @property
    def orbits(self) -> tuple[str, ...]:
        return tuple(str(n) for n in range(self.first, self.first + self.count))

    def is_orbit(self, number: str) -> bool:
        return (
            number.isdigit()
            and len(number) <= MAX_ORBIT_DIGITS
            and self.first <= int(number) < self.first + self.count
        )


@dataclass(frozen=True, slots=True)
class ParkedCall:
    orbit: str
    call_id: str
    parked_by: str
    """Whom a recall rings: the parker's extension (or an operator's position)."""
    parked_at: float
    recall_at: float


class ParkingLot:
    """One tenant's orbits: which call waits where (the console lists them)."""

    def __init__(self, settings: ParkSettings | None = None) -> None:
        self.settings = settings or ParkSettings()
        self._by_orbit: dict[str, ParkedCall] = {}
        self._orbit_of: dict[str, str] = {}

    def park(
        self, call_id: str, parked_by: str, now: float, orbit: str | None = None
    ) -> ParkedCall:
        """Put ``call_id`` in ``orbit`` (or the lowest free one); raises ParkError."""
        if call_id in self._orbit_of:
            raise ParkError(f"call {call_id} is parked already", code="park-twice")
        if orbit is not None:
            if not self.settings.is_orbit(orbit):
                raise ParkError(f"{orbit[:MAX_ORBIT_DIGITS]} is no park orbit",
                                code="park-no-orbit", orbit=orbit[:MAX_ORBIT_DIGITS])  # fmt: skip
            if orbit in self._by_orbit:
                raise ParkError(f"orbit {orbit} is taken", code="park-orbit-busy", orbit=orbit)
            chosen = orbit
        else:
            free = [o for o in self.settings.orbits if o not in self._by_orbit]
            if not free:
                raise ParkError("every park orbit is taken", code="park-full")
            chosen = free[0]
        parked = ParkedCall(chosen, call_id, parked_by, now, now + self.settings.recall_s)
        self._by_orbit[chosen] = parked
        self._orbit_of[call_id] = chosen
        return parked

    def retrieve(self, orbit: str) -> ParkedCall | None:
        """The call waiting in ``orbit``, taken out of it; None for an empty orbit."""
        parked = self._by_orbit.pop(orbit, None)
        if parked is not None:
            del self._orbit_of[parked.call_id]
        return parked

    def leave(self, call_id: str) -> ParkedCall | None:
        """``call_id`` left its orbit (recalled and answered, or its caller hung up)."""
        orbit = self._orbit_of.get(call_id)
        return self.retrieve(orbit) if orbit is not None else None

    def orbit_of(self, call_id: str) -> str | None:
        return self._orbit_of.get(call_id)

    def parked(self) -> list[ParkedCall]:
        """Every parked call, by orbit (for the console and the admin's view)."""
        return [self._by_orbit[o] for o in self.settings.orbits if o in self._by_orbit]
