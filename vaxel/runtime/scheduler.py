"""One scheduler for the whole platform: one timer armed per machine (issue 12 §1, STYLE 2).

Every machine of the core takes ``now`` and says when it next has work
(:meth:`Machine.next_deadline`); the scheduler keeps exactly one ``loop.call_later`` armed
per machine for that deadline, calls :meth:`Machine.on_deadline` when it comes, and arms
again. Nothing polls: a machine whose deadline moved because of an event (a contact
arrived, an admin saved hours) is re-armed by :meth:`Scheduler.rearm`, which any thread may
call. The machines are the ACD engine (:class:`EngineTimer`), the opening hours and
closures (:mod:`vaxel.runtime.opening_hours`) and, in the demo, the simulated traffic.
A call's deadlines (its machine's and its flow's) are one timer per call in telephony.

Time is the platform's :class:`Clock`: the wall clock in production, one that starts at a
given instant (``VAXEL_CLOCK_START``) or runs faster (the demo's ``--speed``) otherwise.
The scheduler converts a deadline to a delay through it.

A machine that raises is logged and re-armed (issue 9 §1); an outage of the store
(:class:`~vaxel.acd.ports.EngineUnavailable`) is retried after the time it names, without a
traceback (issue 10 §1).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from vaxel.acd.ports import ContactCenterPort, EngineUnavailable

__all__ = ["Clock", "EngineTimer", "Machine", "Scheduler"]

log = logging.getLogger(__name__)

LONGEST_WAIT_S = 300.0
"""A deadline further away is re-checked after this long: the loop's timers run on the
monotonic clock, so a wall-clock step (NTP, a suspended VM) is caught up with within it."""
FAILED_RETRY_S = 1.0
"""A machine that raised is tried again after this, not at once."""


class Clock:
    """The platform's time: ``start`` when it begins (:meth:`begin`, as the platform starts
    serving), then running ``speed`` times the wall clock. ``Clock()`` is the wall clock."""

    __slots__ = ("speed", "start", "wall_start")

    def __init__(self, start: float | None = None, speed: float = 1.0) -> None:
        self.start = start
        self.speed = speed
        self.wall_start = time.time()

    def begin(self) -> None:
        """Let the clock run from ``start`` from now on: start-up (migrations, the
        journal's replay, loading libraries) takes no time on it."""
        if self.start is not None:
            self.wall_start = time.time()

    def __call__(self) -> float:
        wall = time.time()
        if self.start is None and self.speed == 1.0:
            return wall
        origin = self.wall_start if self.start is None else self.start
        return origin + (wall - self.wall_start) * self.speed

    def delay(self, deadline: float, now: float) -> float:
        """Wall seconds until the platform's clock reaches ``deadline``."""
        return max(0.0, deadline - now) / self.speed


class Machine(Protocol):
    """What the scheduler asks of a machine: its next deadline, and to act on it."""

    name: str

    def next_deadline(self, now: float) -> float | None: ...

    def on_deadline(self, now: float) -> None: ...


class EngineTimer:
    """The ACD engine's timers (offer timeouts, overflow, callbacks falling due, wrap-up):
    a ``TimerTick`` when its deadline comes; ``after`` carries out the commands (telephony)."""

    name = "ACD timers"

    def __init__(self, center: ContactCenterPort, after: Callable[[], None] = lambda: None):
        self._center = center
        self._after = after

    def next_deadline(self, now: float) -> float | None:
        return self._center.next_deadline()

    def on_deadline(self, now: float) -> None:
        self._center.tick(now)
        self._after()


@dataclass(slots=True)
class _Armed:
    machine: Machine
    handle: asyncio.TimerHandle | None = None
    deadline: float | None = None


class Scheduler:
    """Keeps one timer armed per machine on the running event loop."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._armed: dict[str, _Armed] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: int | None = None

    def add(self, machine: Machine) -> None:
        """Run ``machine`` too (armed at once when the scheduler is running)."""
        self._armed[machine.name] = _Armed(machine)
        if self._loop is not None:
            self.rearm(machine.name)

    @property
    def running(self) -> bool:
        return self._loop is not None

    def start(self) -> None:
        """Arm every machine on the running loop (the web server's lifespan)."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self.clock.begin()
        for name in self._armed:
            self._arm(name)

    def stop(self) -> None:
        for armed in self._armed.values():
            if armed.handle is not None:
                armed.handle.cancel()
            armed.handle, armed.deadline = None, None
        self._loop = None

    def deadline_of(self, name: str) -> float | None:
        """The deadline ``name`` is armed for (None: none), for tests and the log."""
        return self._armed[name].deadline

    def rearm(self, *names: str) -> None:
        """The machines ``names`` (all when none) may have a new deadline: arm them for it.
        Safe from any thread: from another it is handed to the loop."""
        loop = self._loop
        if loop is None:
            return
        chosen = names or tuple(self._armed)
        if threading.get_ident() == self._thread:
            for name in chosen:
                self._arm(name)
        else:
            loop.call_soon_threadsafe(self._arm_many, chosen)

    def _arm_many(self, names: tuple[str, ...]) -> None:
        for name in names:
            self._arm(name)

    def _arm(self, name: str, *, at_least_s: float = 0.0) -> None:
        armed = self._armed.get(name)
        loop = self._loop
        if armed is None or loop is None:
            return
        now = self.clock()
        try:
            deadline = armed.machine.next_deadline(now)
        except EngineUnavailable as away:
            deadline, at_least_s = now, max(at_least_s, away.retry_after_s)
        except Exception:
            log.exception("%s: its next deadline could not be read", name)
            deadline, at_least_s = now, max(at_least_s, FAILED_RETRY_S)
        if deadline == armed.deadline and armed.handle is not None and not at_least_s:
            return  # already armed for it: most events do not move a machine's deadline
        if armed.handle is not None:
            armed.handle.cancel()
            armed.handle = None
        armed.deadline = deadline
        if deadline is None:
            return
        delay = max(at_least_s, min(LONGEST_WAIT_S, self.clock.delay(deadline, now)))
        armed.handle = loop.call_later(delay, self._fire, name)

    def _fire(self, name: str) -> None:
        armed = self._armed.get(name)
        if armed is None:
            return
        armed.handle = None
        due = armed.deadline
        now = self.clock()
        if due is not None and due > now:  # re-checked early (LONGEST_WAIT_S): not yet
            armed.deadline = None
            self._arm(name)
            return
        retry = 0.0
        try:
            armed.machine.on_deadline(now)
        except EngineUnavailable as away:  # logged once by the center; it heals by itself
            retry = away.retry_after_s
        except Exception:
            log.exception("%s failed; armed again, the rest runs on", name)
            retry = FAILED_RETRY_S
        armed.deadline = None
        self._arm(name, at_least_s=retry)
        if armed.deadline is not None and due is not None and armed.deadline <= due and not retry:
            # The machine did not move past the deadline it was woken for: do not spin.
            log.warning("%s did not advance past %.3f; trying again in 1 s", name, due)
            self._arm(name, at_least_s=FAILED_RETRY_S)
