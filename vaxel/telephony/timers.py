"""One timer per call on the asyncio loop (issue 11 §1): armed for the call's next deadline.

A call says when it next has work (:meth:`Call.next_deadline`: the earlier of its machine's
— a callback's customer ringing too long, CB9 — and its flow's — announcement repeats,
digit timeouts); this keeps exactly one ``call_later`` per call armed for that instant,
re-armed after every step of the call and cancelled when it is forgotten. Deadlines are
on the platform's clock (the ACD's and the flow's ``now``) and converted to a delay on
arming. 2xx retransmission is the leg machines', on one timer for all (``leg_timers.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call

__all__ = ["CallTimers"]


class CallTimers:
    def __init__(
        self, clock: Callable[[], float], on_deadline: Callable[[Call, float], None]
    ) -> None:
        self.clock = clock
        self.on_deadline = on_deadline
        self._armed: dict[str, tuple[float, asyncio.TimerHandle]] = {}

    def __len__(self) -> int:
        return len(self._armed)

    def rearm(self, call: Call) -> None:
        """Arm the call's one timer for its next deadline (nothing when it has none)."""
        deadline = call.next_deadline()
        armed = self._armed.get(call.call_id)
        if armed is not None:
            if armed[0] == deadline:
                return
            armed[1].cancel()
            del self._armed[call.call_id]
        if deadline is None:
            return

        def run(deadline: float = deadline) -> None:
            self._armed.pop(call.call_id, None)
            self.on_deadline(call, deadline)  # never before it, whatever the clocks say

        delay = max(0.0, deadline - self.clock())
        self._armed[call.call_id] = (deadline, asyncio.get_running_loop().call_later(delay, run))

    def cancel(self, call: Call) -> None:
        armed = self._armed.pop(call.call_id, None)
        if armed is not None:
            armed[1].cancel()
