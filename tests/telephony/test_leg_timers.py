"""One heap of every leg's deadline, for one armed timer (issue 11 §1), with explicit time."""

from __future__ import annotations

from vaxel.media.backend import Endpoint
from vaxel.telephony.calls import Leg
from vaxel.telephony.leg import T1, LegState
from vaxel.telephony.leg_events import AckReceived, Answer, Resend2xx
from vaxel.telephony.leg_timers import LegTimers


def answered(name: str, now: float) -> Leg:
    leg = Leg("caller", Endpoint(name, "127.0.0.1", 40000), ("127.0.0.1", 5070), "udp")
    leg.machine.handle(Answer(), now)
    return leg


def test_the_earliest_leg_deadline_is_armed_and_acked_legs_drop_out() -> None:
    timers = LegTimers()
    first, second = answered("a", 10.0), answered("b", 10.2)
    timers.watch(second)
    timers.watch(first)
    assert timers.next_deadline() == 10.0 + T1
    first.machine.handle(AckReceived(), 10.1)  # its deadline is gone: the entry is stale
    assert timers.next_deadline() == 10.2 + T1
    assert timers.due(10.6) == []
    [due] = timers.due(10.7)
    assert due is second
    assert second.machine.on_timer(10.7) == [Resend2xx()]
    timers.watch(second)
    assert timers.next_deadline() == 10.7 + 2 * T1
    assert first.state is LegState.CONFIRMED and len(timers) == 1
