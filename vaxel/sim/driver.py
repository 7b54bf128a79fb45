"""Driving the ACD engine in virtual time: the simulator's clock and plumbing.

Rules:
- One heap of simulated happenings (when, sequence, kind, data), merged with the engine's
  own ``next_deadline()``: whichever is first happens next, and time jumps there. At equal
  times the engine's timer goes first; happenings keep the order they were scheduled in.
- Every event goes through ``submit`` (the bare engine, or the demo's durable runtime); the
  commands it answers are carried out at once, unless a listener hears every durable
  event's commands (:meth:`EngineDriver.listen`): then those wait in order until the next
  step, each carried out at the time it happened.
- An event the engine refuses (a race with its own decisions) changes nothing
  (:meth:`EngineDriver._try`).
Subclasses say what a happening does (``_dispatch``) and what commands do (``_carry_out``);
:class:`vaxel.sim.simulator.Simulator` plays the callers and agents.
"""

from __future__ import annotations

import heapq
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable

from vaxel.acd.commands import Command
from vaxel.acd.engine import Engine
from vaxel.acd.events import Event, TimerTick
from vaxel.core.errors import VaxelError

__all__ = ["EngineDriver"]


class EngineDriver(ABC):
    """The engine, a virtual clock at ``start`` and the heap of what is still to happen."""

    def __init__(
        self,
        tenant_id: str,
        engine: Engine,
        submit: Callable[[Event, float], list[Command]],
        start: float,
    ) -> None:
        self.tenant_id = tenant_id
        self.engine = engine
        self._submit = submit
        self.now = start
        self._heap: list[tuple[float, int, int, object]] = []
        self._seq = 0
        self._heard: deque[tuple[float, list[Command]]] | None = None
        self.steps = 0

    @abstractmethod
    def _dispatch(self, kind: int, data: object) -> None:
        """A simulated happening of ``kind`` is due now."""

    @abstractmethod
    def _carry_out(self, commands: list[Command]) -> None:
        """The engine answered ``commands`` now."""

    def _push(self, when: float, kind: int, data: object) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (when, self._seq, kind, data))

    def _step(self, event: Event) -> None:
        self.steps += 1
        commands = self._submit(event, self.now)
        if self._heard is not None:
            self._catch_up()  # its own commands came through the listener, in order
        elif commands:
            self._carry_out(commands)

    def listen(self) -> Callable[[Event, list[Command], float], None]:
        """A runtime listener (``ContactCenter.listeners``) through which the simulator
        carries out the commands of *every* durable event, not only of those it submitted.

        In the demo the web's REST API and telephony's timer drive the same engine: a
        callback created through the API, or an offer made when telephony's timer ended a
        wrap-up, must reach the simulated agents too — else they never answer such an
        offer (and are auto-paused for it, Q23) and dial callbacks they never heard of
        (issue 9 §1). Listeners may run in a web worker thread, so what is heard waits in a
        queue until the simulator's next step, in the order the runtime made it durable.
        """
        heard: deque[tuple[float, list[Command]]] = deque()
        self._heard = heard

        def hear(_event: Event, commands: list[Command], now: float) -> None:
            if commands:
                heard.append((now, commands))

        return hear

    def _catch_up(self, before: float | None = None) -> None:
        """Carry out what was heard (up to ``before``), each at the time it happened."""
        heard = self._heard
        while heard and (before is None or heard[0][0] <= before):
            when, commands = heard.popleft()
            self.now = max(self.now, when)
            self._carry_out(commands)

    def _try(self, event: Event) -> bool:
        """Events raced by the engine's own decisions (a caller hanging up just as an agent
        answers) may be refused; the engine stays unchanged then, and so does the tally."""
        try:
            self._step(event)
        except VaxelError:
            return False
        return True

    def next_deadline(self) -> float | None:
        """When the simulator next has something to play: its next happening, the engine's
        next timer, or at once when it heard commands it has not carried out yet."""
        if self._heard:  # not None and not empty
            return self.now
        deadline = self.engine.next_deadline()
        if self._heap and (deadline is None or self._heap[0][0] < deadline):
            return self._heap[0][0]
        return deadline

    def advance_to(self, until: float) -> None:
        """Play every simulated happening and engine timer up to ``until``."""
        heap = self._heap
        engine = self.engine
        tenant = self.tenant_id
        while True:
            deadline = engine.next_deadline()
            if self._heard:  # others' commands first, when they happened before the next
                upcoming = min(heap[0][0] if heap else until, deadline or until, until)
                self._catch_up(before=upcoming)
            if heap and (deadline is None or heap[0][0] < deadline):
                if heap[0][0] > until:
                    break
                when, _, kind, data = heapq.heappop(heap)
                self.now = when
                self._dispatch(kind, data)
            elif deadline is not None and deadline <= until:
                self.now = deadline
                self._step(TimerTick(tenant))
            else:
                break
        if self._heard:
            self._catch_up()
