"""Every call leg's next deadline in one heap, so the asyncio side arms one timer for all.

The leg machines (``leg.py``) say when their 2xx must be resent or given up
(``next_deadline``); this keeps one heap of those deadlines with lazy deletion — an entry
whose leg's deadline moved or vanished is dropped when it surfaces — the way aioquic's
adapter keeps one ``call_at`` per connection. Time is the SIP clock (the loop's monotonic).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from vaxel.telephony.leg_events import LegEnded, Resend2xx, SendBye, SendFinal

if TYPE_CHECKING:
    from vaxel.telephony.call_actions import CallActions
    from vaxel.telephony.calls import Leg

__all__ = ["LegTimers", "legs_due"]


class LegTimers:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Leg]] = []
        self._sequence = 0

    def __len__(self) -> int:
        return len(self._heap)

    def watch(self, leg: Leg) -> None:
        """Note ``leg``'s deadline after it changed (answered, re-answered, resent)."""
        deadline = leg.machine.next_deadline()
        if deadline is not None:
            self._sequence += 1
            heapq.heappush(self._heap, (deadline, self._sequence, leg))

    def next_deadline(self) -> float | None:
        self._drop_stale()
        return self._heap[0][0] if self._heap else None

    def due(self, now: float) -> list[Leg]:
        """The legs whose deadline has come, each once, earliest first."""
        legs: list[Leg] = []
        while (deadline := self.next_deadline()) is not None and deadline <= now:
            legs.append(heapq.heappop(self._heap)[2])
        return legs

    def _drop_stale(self) -> None:
        heap = self._heap
        while heap and heap[0][2].machine.next_deadline() != heap[0][0]:
            heapq.heappop(heap)


def legs_due(timers: LegTimers, actions: CallActions, now: float) -> None:
    """The one leg timer fired: resend 2xx, end a leg whose phone never ACKed, or an
    early dialog nobody answered in ``leg.MAX_EARLY_S`` (480)."""
    for leg in timers.due(now):
        for action in leg.machine.on_timer(now):
            if isinstance(action, Resend2xx):
                actions.sip.send_raw(leg.ok_bytes, leg.destination, leg.transport)
            elif isinstance(action, SendBye):
                actions.bye(leg)
            elif isinstance(action, SendFinal):
                actions.final(leg, action.status, action.reason)
            elif isinstance(action, LegEnded):
                found = actions.index.by_dialog.get(leg.dialog.key) if leg.dialog else None
                if found is not None:
                    actions.after_leg(found[0], leg, vanished=True)
        timers.watch(leg)
