"""The running parts of ``vaxel demo`` (part of the composition root, next to ``vaxel.app``).

Each part is its own supervised task (:mod:`vaxel.runtime.supervise`): the queues' opening
hours, the simulated traffic, telephony catching up with commands given elsewhere, and the
live summary. One part failing — the simulator meeting a contact it cannot play, say — is
logged and restarted alone while calls, pages and the journal go on (issue 9 §1); before,
one loop did everything and its first exception ended the process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from vaxel.acd.events import QueueClosed, QueueOpened
from vaxel.runtime import ContactCenter
from vaxel.runtime.supervise import start_supervised
from vaxel.schedule import ScheduleState
from vaxel.sim.simulator import Simulator
from vaxel.sim.summary import live_summary
from vaxel.telephony.service import TelephonyService

__all__ = ["DemoClock", "DemoLoops"]

TURN_S = 0.1
"""How often the parts catch up with the clock."""


@dataclass(frozen=True, slots=True)
class DemoClock:
    """The demo's virtual time: ``virtual_start`` at ``wall_start``, running ``speed``×."""

    wall_start: float
    virtual_start: float
    speed: float

    def __call__(self) -> float:
        return self.virtual_start + (time.time() - self.wall_start) * self.speed


@dataclass(slots=True)
class DemoLoops:
    """The demo's parts, each a loop that :meth:`start` runs as a supervised task."""

    center: ContactCenter
    simulator: Simulator
    queue_state: Callable[[str, float], ScheduleState]
    clock: DemoClock
    tenant_id: str
    queue_ids: list[str]
    agent_ids: list[str]
    echo: Callable[[str], None]
    telephony: TelephonyService | None = None
    traffic: bool = True
    summary_every_s: float = 5.0
    open_now: dict[str, bool] = field(default_factory=dict)
    """What the engine was last told per queue; kept across a restart of the hours part."""

    def start(self) -> list[asyncio.Task[None]]:
        tasks = [start_supervised("demo: opening hours", self.keep_hours)]
        if self.traffic:
            tasks.append(start_supervised("demo: simulated traffic", self.play_traffic))
        if self.telephony is not None:
            tasks.append(start_supervised("demo: telephony catching up", self.drain_telephony))
        tasks.append(start_supervised("demo: live summary", self.print_summaries))
        return tasks

    async def keep_hours(self) -> None:
        """Schedules and temporary closures open and close the queues (Q1–Q3)."""
        while True:
            self.apply_hours(self.clock())
            await asyncio.sleep(TURN_S)

    def apply_hours(self, virtual_now: float) -> None:
        for queue_id in self.queue_ids:
            state = self.queue_state(queue_id, virtual_now)
            if state.open == self.open_now.setdefault(queue_id, True):
                continue
            event = (
                QueueOpened(self.tenant_id, queue_id)
                if state.open
                else QueueClosed(self.tenant_id, queue_id, state.reason, state.message or "")
            )
            self.simulator.now = max(self.simulator.now, virtual_now)
            self.center.submit(event, self.simulator.now)
            self.open_now[queue_id] = state.open

    async def play_traffic(self) -> None:
        while True:
            self.play_turn(self.clock())
            await asyncio.sleep(TURN_S)

    def play_turn(self, now: float) -> None:
        """The simulator reads the engine between its submits: one turn under the lock."""
        self.center.read(lambda _engine: self.simulator.advance_to(now))

    async def drain_telephony(self) -> None:
        """Carry out on the phones what the simulator and the web app decided."""
        assert self.telephony is not None
        while True:
            self.telephony.after_external_submit()
            await asyncio.sleep(TURN_S)

    async def print_summaries(self) -> None:
        while True:
            await asyncio.sleep(self.summary_every_s)
            self.print_summary()

    def print_summary(self) -> None:
        now = self.clock()
        summary = self.center.read(
            lambda acd: live_summary(
                acd, self.simulator.tally, self.tenant_id, self.queue_ids, self.agent_ids, now
            )
        )
        self.echo(summary)
