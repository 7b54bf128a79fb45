"""Call park (issue 14, OP3): a tenant's park orbits and which call waits in each.

Rules kept here:
- A tenant's orbits are the numbers its numbering plan gives the kind ``park-orbit``
  (:meth:`ParkSettings.of_tenant`): short numbers a phone REFERs a call to (or an operator
  parks it on), and anyone dials to retrieve it. A plan that names none has no parking;
  only a tenant whose plan is still empty (before the PBX was set up) gets ``count``
  orbits from ``first`` (700–709).
- The recall rings whoever parked the call (``RecallTo.PARKER``), and, when that recall is
  not answered, the operator's extension next (when one is set); ``RecallTo.OPERATOR``
  rings the operator from the first recall on. ``recall_s`` is 10 s–1 h (60 s by default).
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
from enum import StrEnum

from vaxel.core.errors import DomainError
from vaxel.pbx.numbering import NumberingPlan, TargetKind

__all__ = [
    "DEFAULT_RECALL_S",
    "ParkError",
    "ParkSettings",
    "ParkedCall",
    "ParkingLot",
    "RecallTo",
]

DEFAULT_RECALL_S = 60.0
"""How long a call waits in its orbit before it rings back whoever parked it."""
MAX_ORBITS = 100
MIN_RECALL_S, MAX_RECALL_S = 10.0, 3600.0
MAX_ORBIT_DIGITS = 8


class ParkError(DomainError):
    """A park or a setting refused; ``code`` says which rule (``park-full`` …)."""


class RecallTo(StrEnum):
    PARKER = "parker"
    """Whoever parked the call; the operator when that recall goes unanswered."""
    OPERATOR = "operator"
    """The operator's extension from the first recall on."""


@dataclass(frozen=True, slots=True)
class ParkSettings:
    """A tenant's orbits and recall; validated on creation (config errors name the
    field)."""

    first: int = 700
    count: int = 10
    recall_s: float = DEFAULT_RECALL_S
    recall_to: RecallTo = RecallTo.PARKER
    operator: str = ""
    """The operator's extension a recall falls back to ("" for none)."""
    listed: tuple[str, ...] | None = None
    """The plan's orbit numbers (any digits, gaps allowed); None: ``first`` + ``count``."""

    @classmethod
    def of_tenant(
        cls,
        plan: NumberingPlan | None,
        recall_s: float = DEFAULT_RECALL_S,
        recall_to: RecallTo = RecallTo.PARKER,
        operator: str = "",
    ) -> ParkSettings:
        """The tenant's settings: the orbits its plan names (none: no parking), or the
        default range for a tenant without a plan or with an empty one."""
        listed = None
        if plan is not None and plan.numbers:
            kind = TargetKind.PARK_ORBIT
            listed = tuple(sorted((n for n, t in plan.numbers.items() if t.kind is kind),
                                  key=lambda n: (len(n), n)))  # fmt: skip
        return cls(recall_s=recall_s, recall_to=recall_to, operator=operator, listed=listed)

    def __post_init__(self) -> None:
        if self.listed is not None:
            self._check_listed(self.listed)
        if self.operator and not (
            self.operator.isdigit() and len(self.operator) <= MAX_ORBIT_DIGITS
        ):
            raise ParkError(
                f"operator {self.operator[:20]}", code="park-operator", field="operator"
            )
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

    @staticmethod
    def _check_listed(listed: tuple[str, ...]) -> None:
        if len(listed) > MAX_ORBITS:
            raise ParkError(f"{len(listed)} orbits", code="park-count", field="count")
        for number in listed:
            if not number.isdigit() or len(number) > MAX_ORBIT_DIGITS:
                raise ParkError(f"park orbit {number[:20]}", code="park-first", field="first")

    @property
    def orbits(self) -> tuple[str, ...]:
        if self.listed is not None:
            return self.listed
        return tuple(str(n) for n in range(self.first, self.first + self.count))

    def is_orbit(self, number: str) -> bool:
        if self.listed is not None:
            return number in self.listed
        return (
            number.isdigit()
            and len(number) <= MAX_ORBIT_DIGITS
            and self.first <= int(number) < self.first + self.count
        )

    def recall(self, parker: str) -> tuple[str, str]:
        """Whom the first recall rings and whom an unanswered one falls back to."""
        if self.recall_to is RecallTo.OPERATOR and self.operator:
            return self.operator, self.operator
        return parker, self.operator


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
        """Every parked call, by orbit (for the console and the admin's view) — also one
        in an orbit the settings have dropped since it was parked."""
        order = {o: i for i, o in enumerate(self.settings.orbits)}
        return sorted(
            self._by_orbit.values(), key=lambda p: (order.get(p.orbit, len(order)), p.orbit)
        )
