"""Call timers on the asyncio loop: flow deadlines and dial-out timeouts (2xx
retransmission is the leg machines', on one timer: ``leg_timers.py``).

One handle per (call, purpose); re-arming replaces the previous one, so a call never has
more than a few timers however often its flow reschedules. Flow deadlines are wall-clock
(the ACD's and the flow's ``now``) and converted to a delay on arming.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call

__all__ = ["CallTimers"]

T1 = 0.5
T2 = 4.0


class CallTimers:
    def __init__(
        self,
        clock: Callable[[], float],
        on_flow_deadline: Callable[[Call], None],
        *,
        customer_ring_s: float = 30.0,
    ) -> None:
        self.clock = clock
        self.on_flow_deadline = on_flow_deadline
        self.customer_ring_s = customer_ring_s
        self._handles: dict[tuple[int, str], asyncio.TimerHandle] = {}

    def _arm(self, owner: object, purpose: str, delay: float, callback: Callable[[], None]) -> None:
        key = (id(owner), purpose)
        old = self._handles.pop(key, None)
        if old is not None:
            old.cancel()

        def run() -> None:
            self._handles.pop(key, None)
            callback()

        self._handles[key] = asyncio.get_running_loop().call_later(max(0.0, delay), run)

    def schedule(self, call: Call, deadline: float | None) -> None:
        key = (id(call), "flow")
        if deadline is None:
            old = self._handles.pop(key, None)
            if old is not None:
                old.cancel()
            return
        self._arm(call, "flow", deadline - self.clock(), lambda: self.on_flow_deadline(call))

    def customer_timeout(self, call: Call, expired: Callable[[Call], None]) -> None:
        self._arm(call, "customer", self.customer_ring_s, lambda: expired(call))

    def cancel(self, call: Call) -> None:
        for purpose in ("flow", "customer"):
            handle = self._handles.pop((id(call), purpose), None)
            if handle is not None:
                handle.cancel()
