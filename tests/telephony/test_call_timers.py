"""The calls' deadlines on one timer (issue 11 §1): one heap keyed by call, one handle on the
loop armed for the earliest, with an explicit clock and a loop that only keeps handles."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from typing import Any

import pytest

from vaxel.sip import transport
from vaxel.telephony.timers import CallTimers, Deadlines


class Handle:
    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when, self.callback, self.cancelled = when, callback, False

    def cancel(self) -> None:
        self.cancelled = True


class Loop:
    """Keeps the handles it is given and runs them when told the time has come."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.handles: list[Handle] = []

    def clock(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Callable[[], None]) -> Handle:
        handle = Handle(self.now + delay, callback)
        self.handles.append(handle)
        return handle

    def armed(self) -> list[float]:
        return [h.when for h in self.handles if not h.cancelled and h.callback is not None]

    def run_until(self, until: float) -> None:
        while True:
            live = [h for h in self.handles if not h.cancelled and h.callback is not None]
            due = [h for h in live if h.when <= until]
            if not due:
                break
            handle = min(due, key=lambda h: h.when)
            self.now = max(self.now, handle.when)
            callback, handle.callback = handle.callback, None  # type: ignore[assignment]
            callback()
        self.now = until


class Call:
    """What the timers read of a call: its id and its next deadline."""

    def __init__(self, call_id: str, deadline: float | None) -> None:
        self.call_id, self.deadline = call_id, deadline

    def next_deadline(self) -> float | None:
        return self.deadline


@pytest.fixture
def loop(monkeypatch: pytest.MonkeyPatch) -> Loop:
    fake = Loop()
    monkeypatch.setattr(transport.asyncio, "get_running_loop", lambda: fake)
    return fake


def timers_on(loop: Loop) -> tuple[CallTimers, list[tuple[str, float]]]:
    fired: list[tuple[str, float]] = []

    def due(call: Any, now: float) -> None:
        fired.append((call.call_id, now))
        call.deadline = None
        timers.rearm(call)

    timers = CallTimers(loop.clock, due)
    return timers, fired


def test_many_calls_keep_one_handle_armed_for_the_earliest(loop: Loop) -> None:
    timers, fired = timers_on(loop)
    rng = random.Random(11)
    calls = [Call(f"c{i}", 1000.0 + rng.uniform(1, 60)) for i in range(1000)]
    for call in calls:
        timers.rearm(call)
    deadlines = [c.deadline for c in calls if c.deadline is not None]
    earliest = min(deadlines)
    assert loop.armed() == [earliest] and len(timers) == 1000
    # only a new earliest armed a new handle: far fewer than one per call
    assert len(loop.handles) < 20
    for call in calls[:500]:  # a step that leaves a call's deadline where it was
        timers.rearm(call)
    assert len(loop.armed()) == 1 and len(loop.handles) < 20
    loop.run_until(1100.0)
    in_order = sorted(zip(calls, deadlines, strict=True), key=lambda pair: pair[1])
    assert fired == [(call.call_id, deadline) for call, deadline in in_order]
    assert len(timers) == 0 and loop.armed() == []


def test_deadlines_fire_in_order_never_before_their_time(loop: Loop) -> None:
    timers, fired = timers_on(loop)
    for name, deadline in (("b", 1020.0), ("a", 1010.0), ("d", 1040.0), ("c", 1030.0)):
        timers.rearm(Call(name, deadline))
    loop.run_until(1009.999)
    assert fired == []
    loop.run_until(1035.0)
    assert fired == [("a", 1010.0), ("b", 1020.0), ("c", 1030.0)]
    assert loop.armed() == [1040.0] and len(timers) == 1


def test_a_cancelled_earliest_re_arms_for_the_next(loop: Loop) -> None:
    timers, fired = timers_on(loop)
    first, second = Call("first", 1005.0), Call("second", 1010.0)
    timers.rearm(second)
    timers.rearm(first)
    assert loop.armed() == [1005.0]
    timers.cancel(first)  # the call ended
    assert loop.armed() == [1010.0]
    loop.run_until(1020.0)
    assert fired == [("second", 1010.0)] and loop.armed() == []


def test_a_deadline_moved_earlier_re_arms_and_one_moved_later_behind_it_does_not(
    loop: Loop,
) -> None:
    timers, fired = timers_on(loop)
    early, late = Call("early", 1010.0), Call("late", 1030.0)
    timers.rearm(early)
    timers.rearm(late)
    handles = len(loop.handles)
    late.deadline = 1040.0  # moved later, still behind the earliest: nothing re-armed
    timers.rearm(late)
    assert len(loop.handles) == handles and loop.armed() == [1010.0]
    late.deadline = 1002.0  # moved earlier than the earliest: re-armed for it
    timers.rearm(late)
    assert loop.armed() == [1002.0]
    loop.run_until(1050.0)
    assert fired == [("late", 1002.0), ("early", 1010.0)]


def test_ten_thousand_calls_set_and_cleared_leave_nothing_behind(loop: Loop) -> None:
    timers, _ = timers_on(loop)
    calls = [Call(f"c{i}", 1000.0 + i % 97) for i in range(10_000)]
    for call in calls:
        timers.rearm(call)
    for step in range(5):  # every call's deadline moved five times: stale entries pile up
        for call in calls:
            call.deadline = 1100.0 + step + int(call.call_id[1:]) % 89
            timers.rearm(call)
    assert timers.deadlines.entries <= 2 * len(calls) + 64
    for call in calls:
        timers.cancel(call)
    assert len(timers) == 0 and timers.deadlines.entries == 0 and loop.armed() == []


def test_a_deadline_set_while_the_due_run_waits_for_the_next_turn_and_a_failure_stops_none() -> (
    None
):
    deadlines = Deadlines()
    ran: list[str] = []

    def again(name: str, now: float) -> None:
        ran.append(name)
        deadlines.set(name, now, again, name)  # due at once, every time

    def broken(name: str, now: float) -> None:
        raise RuntimeError("a call's handler failed")

    deadlines.set("again", 5.0, again, "again")
    deadlines.set("broken", 5.0, broken, "broken")
    deadlines.set("after", 6.0, lambda name, now: ran.append(name), "after")
    deadlines.fire(10.0)
    assert ran == ["again", "after"] and deadlines.next_deadline() == 10.0


def test_a_recall_and_the_acd_share_the_timer_without_counting_as_calls(loop: Loop) -> None:
    timers, fired = timers_on(loop)
    other: list[tuple[str, float]] = []
    timers.rearm(Call("c1", 1020.0))
    timers.at(("recall", "c1"), 1010.0, lambda subject, now: other.append((subject, now)), "c1")
    timers.at(("acd",), 1015.0, lambda subject, now: other.append(("acd", now)), None)
    assert len(timers) == 1 and loop.armed() == [1010.0]
    timers.at(("acd",), None, lambda subject, now: None, None)  # the ACD has nothing due
    loop.run_until(1030.0)
    assert other == [("c1", 1010.0)] and fired == [("c1", 1020.0)]
    assert len(timers) == 0 and timers.deadlines.entries == 0


async def test_the_one_timer_runs_on_the_platform_clock_under_the_real_loop() -> None:
    """Deadlines are on the platform's clock (tests set it far from the loop's)."""
    offset = 86_400.0
    fired: list[float] = []
    timers = CallTimers(lambda: time.time() + offset, lambda call, now: fired.append(now))
    deadline = time.time() + offset + 0.05
    timers.rearm(Call("c1", deadline))  # type: ignore[arg-type]
    await asyncio.sleep(0.2)
    assert len(fired) == 1 and fired[0] >= deadline and len(timers) == 0
    timers.close()
