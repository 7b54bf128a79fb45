"""Camp-on (väntkoppling, issue 16 §3, OP4, spec §46 §52 §54): the operator queues one or
several callers on a busy extension; the first rings it when its line is free.

Rules kept here (pure, time given):
- Only a busy extension takes camped calls; each extension holds at most
  ``max_per_extension`` of them (the tenant's ``pbx-camp-on`` setting) — one more is refused
  (``camp-on-full``), nothing changed.
- Calls wait in the order they were camped; only the first may ring the extension, and only
  while no other camped call rings it.
- A camped call waiting longer than ``wait_s`` (120 s by default) leaves the queue and is
  recalled to the operator who camped it (her card: "Väntade hos Karin Carlsson, 2 min");
  so is one whose ringing the extension does not answer.
- A call that connects, is recalled or whose caller hangs up leaves the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from vaxel.core.errors import DomainError

__all__ = [
    "CAMP_ON_SETTINGS",
    "CampOnError",
    "CampOnQueues",
    "CampOnSettings",
    "Camped",
    "CampedState",
]

CAMP_ON_SETTINGS = "pbx-camp-on"
"""The tenant's settings kind: ``{"wait_s": 120, "max_per_extension": 3}``."""
MIN_WAIT_S, MAX_WAIT_S, DEFAULT_WAIT_S = 10.0, 1800.0, 120.0
MAX_PER_EXTENSION_LIMIT, DEFAULT_PER_EXTENSION = 20, 3


class CampOnError(DomainError):
    """A camp-on refused; ``code`` names the rule (the web words it in Swedish)."""


@dataclass(frozen=True, slots=True)
class CampOnSettings:
    """A tenant's camp-on: how long a call may wait (10–1,800 s) and how many per extension."""

    wait_s: float = DEFAULT_WAIT_S
    max_per_extension: int = DEFAULT_PER_EXTENSION

    def __post_init__(self) -> None:
        if not MIN_WAIT_S <= self.wait_s <= MAX_WAIT_S:
            raise CampOnError(f"camp-on wait {self.wait_s} s", code="camp-on-wait-range")
        if not 1 <= self.max_per_extension <= MAX_PER_EXTENSION_LIMIT:
            raise CampOnError(
                f"{self.max_per_extension} camped calls per extension", code="camp-on-max-range"
            )

    @classmethod
    def of(cls, stored: object) -> CampOnSettings:
        """From the tenant's stored settings; anything unusable gives the default."""
        if not isinstance(stored, dict):
            return cls()
        wait, most = stored.get("wait_s", DEFAULT_WAIT_S), stored.get("max_per_extension")
        try:
            return cls(
                float(wait) if isinstance(wait, int | float) else DEFAULT_WAIT_S,
                int(most) if isinstance(most, int) else DEFAULT_PER_EXTENSION,
            )
        except CampOnError:
            return cls()


class CampedState(Enum):
    WAITING = "waiting"
    """Hears the message and music; waits for the extension."""
    RINGING = "ringing"
    """The extension is free and rings for this call."""
    RECALLED = "recalled"
    """Out of the queue: rings the operator who camped it."""


@dataclass(slots=True)
class Camped:
    """One call camped on an extension by an operator."""

    call_id: str
    tenant_id: str
    extension: str
    name: str
    """Whom the extension belongs to, as the console shows it ("Karin Carlsson")."""
    agent_id: str
    """The operator who camped it (her console shows it; its recall rings her)."""
    operator_extension: str
    since: float
    caller_number: str = ""
    person_id: str = ""
    """The person whose line it waits for (DIR4's line state says when it is free)."""
    wait_s: float = DEFAULT_WAIT_S
    """The tenant's wait when it was camped: then it is recalled."""
    state: CampedState = CampedState.WAITING
    recalled_at: float | None = None
    rings: str = ""
    """The extension rung once her line is free (her desk phone) when ``extension`` is a
    number the park cannot ring itself (her short number in the plan, her DID); "": it."""

    def waited_s(self, now: float) -> float:
        end = self.recalled_at if self.recalled_at is not None else now
        return max(0.0, end - self.since)


class CampOnQueues:
    """Every extension's queue of camped calls, in camping order."""

    def __init__(self) -> None:
        self._queues: dict[tuple[str, str], list[Camped]] = {}
        self._recalled: dict[str, Camped] = {}

    def camp(self, camped: Camped, settings: CampOnSettings) -> int:
        """Queue ``camped`` last on its extension; its place (1 = first). Refused when the
        extension is full ('camp-on-full') or the call is camped already ('camp-on-twice')."""
        if self.find(camped.call_id) is not None:
            raise CampOnError(f"{camped.call_id} is camped already", code="camp-on-twice")
        queue = self._queues.setdefault((camped.tenant_id, camped.extension), [])
        if len(queue) >= settings.max_per_extension:
            raise CampOnError(
                f"{camped.extension} has {len(queue)} camped calls",
                code="camp-on-full",
                most=settings.max_per_extension,
            )
        queue.append(camped)
        return len(queue)

    def queue(self, tenant_id: str, extension: str) -> list[Camped]:
        return list(self._queues.get((tenant_id, extension), []))

    def extensions(self) -> list[tuple[str, str]]:
        return [key for key, queue in self._queues.items() if queue]

    def find(self, call_id: str) -> Camped | None:
        for queue in self._queues.values():
            for camped in queue:
                if camped.call_id == call_id:
                    return camped
        return self._recalled.get(call_id)

    def next_to_ring(self, tenant_id: str, extension: str) -> Camped | None:
        """The first camped call, when it waits and none of the queue rings already."""
        queue = self._queues.get((tenant_id, extension), [])
        if not queue or any(c.state is CampedState.RINGING for c in queue):
            return None
        return queue[0] if queue[0].state is CampedState.WAITING else None

    def overdue(self, now: float) -> list[Camped]:
        """The waiting calls that have waited their ``wait_s``: to recall to the operator."""
        return [
            camped
            for queue in self._queues.values()
            for camped in queue
            if camped.state is CampedState.WAITING and now - camped.since >= camped.wait_s
        ]

    def recalled(self, call_id: str, now: float) -> Camped | None:
        """``call_id`` leaves its queue and rings its operator back."""
        camped = self._take(call_id)
        if camped is not None:
            camped.state, camped.recalled_at = CampedState.RECALLED, now
            self._recalled[call_id] = camped
        return camped

    def removed(self, call_id: str) -> Camped | None:
        """Connected, taken back by the operator, or the caller gone: forgotten."""
        return self._take(call_id) or self._recalled.pop(call_id, None)

    def recalled_calls(self) -> list[Camped]:
        return list(self._recalled.values())

    def of_operator(self, tenant_id: str, agent_id: str) -> list[Camped]:
        """Her camped and recalled calls, the oldest first (her console's calls in hand)."""
        mine = [
            c
            for c in [*(c for q in self._queues.values() for c in q), *self._recalled.values()]
            if c.tenant_id == tenant_id and c.agent_id == agent_id
        ]
        return sorted(mine, key=lambda c: c.since)

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values()) + len(self._recalled)

    def _take(self, call_id: str) -> Camped | None:
        for key, queue in list(self._queues.items()):
            for camped in queue:
                if camped.call_id == call_id:
                    queue.remove(camped)
                    if not queue:
                        del self._queues[key]
                    return camped
        return None
