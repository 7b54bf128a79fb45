"""Every call leg's next deadline in one heap, so the asyncio side arms one timer for all.

The leg machines (``leg.py``) say when their 2xx must be resent or given up
(``next_deadline``); this keeps one heap of those deadlines with lazy deletion — an entry
whose leg's deadline moved or vanished is dropped when it surfaces — the way aioquic's
adapter keeps one ``call_at`` per connection. Time is the SIP clock (the loop's monotonic).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaxel.telephony.calls import Leg

__all__ = ["LegTimers"]


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
