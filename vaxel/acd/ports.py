"""What an adapter may ask of the running contact center (issue 12 §2, STYLE rule 7).

Telephony, the web and the scheduler hold a :class:`ContactCenterPort`, never the engine or
the store behind it: they **submit an event** (and get the commands it produced once it is
durable), **read a consistent view** (a query run while no event changes the engine), and
**hear** each durable event with its commands. Events, commands and views are plain frozen
dataclasses, so a tenant's engine can later run in another process behind the same port
(scale-out partitions tenants across nodes): nothing here hands out a shared object to
mutate. ``read`` takes a query over the engine; a remote port would name its views instead
— the queries adapters pass today are the list of those views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from vaxel.acd.commands import Command
from vaxel.acd.engine import Engine
from vaxel.acd.events import Event
from vaxel.acd.model import AgentProfile, QueueConfig

__all__ = ["ContactCenterPort", "EngineUnavailable", "Listener"]

T = TypeVar("T")

Listener = Callable[[Event, list[Command], float], None]
"""Told (event, commands, now) after each event is durable, in the order they became so."""


class EngineUnavailable(Exception):
    """The contact center cannot take an event just now (its store is away, its engine is
    being rebuilt); nothing changed — try again after ``retry_after_s``. Not a
    :class:`~vaxel.core.errors.VaxelError`: it is no refusal to show, the edge answers 503."""

    code = "engine_unavailable"

    def __init__(self, reason: str, retry_after_s: float = 1.0) -> None:
        self.reason = reason
        self.retry_after_s = retry_after_s
        super().__init__(f"the contact center is unavailable: {reason}")


class ContactCenterPort(Protocol):
    """The running ACD as adapters see it."""

    listeners: list[Listener]
    """Told of every durable event; a listener may run in whichever thread submitted."""
    last_seq: int
    """The journal position of the last durable event (the REST event stream counts from it)."""

    def submit(self, event: Event, now: float) -> list[Command]:
        """Apply ``event`` at ``now``; the commands once durable. Raises
        :class:`EngineUnavailable` (nothing changed) or a domain error (refused)."""
        ...

    def read(self, query: Callable[[Engine], T]) -> T:
        """``query(engine)`` while no event changes it; it must return plain data."""
        ...

    def tick(self, now: float) -> list[Command]:
        """Fire the engine's due timers."""
        ...

    def next_deadline(self) -> float | None:
        """When the engine next has timer work, read consistently."""
        ...

    def running_queues(self, tenant_id: str) -> dict[str, QueueConfig]:
        """The tenant's queues as the engine runs them."""
        ...

    def running_agents(self, tenant_id: str) -> dict[str, AgentProfile]:
        """The tenant's agent profiles as the engine runs them."""
        ...
