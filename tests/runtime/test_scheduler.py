"""The platform's one scheduler (issue 12 §1): one timer armed per machine at its deadline,
in the platform's clock; an outage of the store is retried quietly (issue 10 §1) — the
center logs it once, a traceback a second from each machine would drown that line."""

from __future__ import annotations

import asyncio
import logging

import pytest

from vaxel.runtime.scheduler import Clock, EngineTimer, Scheduler
from vaxel.store.availability import StoreUnavailable


class Away:
    """A center whose every write meets a database that is away."""

    def __init__(self) -> None:
        self.tries = 0

    def tick(self, now: float) -> None:
        self.tries += 1
        raise StoreUnavailable("database is locked", 0.01)

    def next_deadline(self) -> float | None:
        return 0.0  # always due


class Recorder:
    """A machine that wants to run at ``deadlines`` in turn and notes when it did."""

    name = "recorder"

    def __init__(self, deadlines: list[float]) -> None:
        self.deadlines = deadlines
        self.ran: list[float] = []

    def next_deadline(self, now: float) -> float | None:
        return self.deadlines[0] if self.deadlines else None

    def on_deadline(self, now: float) -> None:
        self.ran.append(now)
        self.deadlines.pop(0)


async def test_an_outage_is_retried_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    away = Away()
    scheduler = Scheduler(Clock())
    scheduler.add(EngineTimer(away))  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        scheduler.start()
        await asyncio.sleep(0.3)
        scheduler.stop()
    assert away.tries >= 2  # tried again
    assert away.tries < 100  # after the outage's retry time, not in a hot loop
    assert [r for r in caplog.records if r.exc_info] == []


async def test_a_machine_runs_at_each_deadline_in_the_platforms_clock() -> None:
    """A clock started at 1,000 running 100× fast: deadlines 0.2 s and 0.4 s of wall
    time away are met in order, each once, and then nothing is armed."""
    clock = Clock(start=1000.0, speed=100.0)
    recorder = Recorder([1020.0, 1040.0])
    scheduler = Scheduler(clock)
    scheduler.add(recorder)
    scheduler.start()
    assert scheduler.deadline_of("recorder") == 1020.0
    await asyncio.sleep(0.1)
    assert recorder.ran == []
    for _ in range(100):
        if len(recorder.ran) == 2:
            break
        await asyncio.sleep(0.02)
    scheduler.stop()
    assert len(recorder.ran) == 2 and 1020.0 <= recorder.ran[0] < 1040.0 <= recorder.ran[1]
    assert scheduler.deadline_of("recorder") is None


async def test_rearm_from_another_thread_moves_the_timer() -> None:
    recorder = Recorder([])
    scheduler = Scheduler(Clock())
    scheduler.add(recorder)
    scheduler.start()
    assert scheduler.deadline_of("recorder") is None
    recorder.deadlines.append(0.0)  # due at once: an event arrived in a web worker thread
    await asyncio.to_thread(scheduler.rearm, "recorder")
    for _ in range(50):
        if recorder.ran:
            break
        await asyncio.sleep(0.01)
    scheduler.stop()
    assert len(recorder.ran) == 1
