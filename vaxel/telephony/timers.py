"""Every call's deadlines in one heap, with one asyncio timer armed for the earliest (issue 11 §1).

A call says when it next has work (:meth:`Call.next_deadline`: the earlier of its machine's
— a callback's customer ringing too long, CB9 — and its flow's — announcement repeats,
digit timeouts); a blind transfer's recall (``transfer_recall.py``) and the ACD's next
timer (``service.py``) have deadlines of their own. All of them are kept here, keyed, in
one heap, and the existing :class:`~vaxel.sip.transport.TimerDriver` keeps ONE timer on the
loop armed for the earliest — re-armed only when the earliest changes — instead of a
``call_later`` per call: thousands of waiting callers are then one handle, not thousands
the loop must sort and cancel on every step of every call.

Rules kept here:
- A key has at most one deadline; setting it again replaces it, ``None`` clears it. The
  heap keeps the replaced entries until they surface (lazy deletion, as
  ``leg_timers.py`` does for the legs); it is rebuilt from the live keys when stale
  entries outnumber them, and emptied when no key is left — a call that ends leaves
  nothing behind.
- When the timer fires, every key due by then is run once, earliest first, each given a
  ``now`` never before its deadline (whatever the clocks say); a deadline set while they
  run waits for the next turn of the loop, so a handler cannot keep the loop to itself,
  and one handler failing is logged and stops no other.
- Deadlines are on the platform's clock (the ACD's and the flows' ``now``); 2xx
  retransmission is the leg machines', on the SIP clock, one timer of its own
  (``leg_timers.py``).
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from vaxel.sip.transport import TimerDriver

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call

__all__ = ["CallTimers", "Deadlines", "Due"]

log = logging.getLogger(__name__)

Due = Callable[[Any, float], None]
"""What runs when a key's deadline comes: ``due(subject, now)``."""

_SLACK = 64  # stale entries tolerated before the heap is rebuilt from the live keys


class Deadlines:
    """Keyed deadlines in one heap with lazy deletion: the machine a TimerDriver arms for."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Hashable]] = []
        self._live: dict[Hashable, tuple[float, int, Due, object]] = {}
        self._sequence = 0

    def __len__(self) -> int:
        """The keys with a deadline."""
        return len(self._live)

    @property
    def entries(self) -> int:
        """The heap's entries, stale ones included (what the memory tests watch)."""
        return len(self._heap)

    def deadline(self, key: Hashable) -> float | None:
        live = self._live.get(key)
        return live[0] if live is not None else None

    def set(self, key: Hashable, deadline: float | None, due: Due, subject: object) -> None:
        """Give ``key`` the ``deadline`` (``None``: none), run as ``due(subject, now)``."""
        live = self._live.get(key)
        if deadline is None:
            if live is not None:
                self.clear(key)
            return
        if live is not None and live[0] == deadline and live[2] == due and live[3] is subject:
            return  # most steps of a call leave its deadline where it was
        self._sequence += 1
        self._live[key] = (deadline, self._sequence, due, subject)
        heapq.heappush(self._heap, (deadline, self._sequence, key))
        self._compact()

    def clear(self, key: Hashable) -> None:
        if self._live.pop(key, None) is not None:
            self._compact()

    def next_deadline(self) -> float | None:
        heap, live = self._heap, self._live
        while heap:
            deadline, sequence, key = heap[0]
            entry = live.get(key)
            if entry is not None and entry[1] == sequence:
                return deadline
            heapq.heappop(heap)
        return None

    def fire(self, now: float) -> None:
        """Run every key due by ``now`` once, earliest first (none set while they run)."""
        last = self._sequence
        while (deadline := self.next_deadline()) is not None and deadline <= now:
            _, sequence, key = self._heap[0]
            if sequence > last:
                break  # set by a handler just now: the next turn of the loop runs it
            heapq.heappop(self._heap)
            _, _, due, subject = self._live.pop(key)
            try:
                due(subject, max(now, deadline))
            except Exception:  # one call's fault must not stall every other call's timer
                log.exception("the deadline of %r failed", key)
        self._compact()

    def _compact(self) -> None:
        heap, live = self._heap, self._live
        if not live:
            heap.clear()
        elif len(heap) > 2 * len(live) + _SLACK:
            self._heap = [(entry[0], entry[1], key) for key, entry in live.items()]
            heapq.heapify(self._heap)


class CallTimers:
    """The calls' deadlines and the one timer armed for them.

    ``rearm(call)`` after every step of a call, ``cancel(call)`` when it is forgotten;
    :meth:`at` for any other deadline on the platform's clock (a recall, the ACD). While
    the due keys run, their re-arming waits for the end, so the timer is armed once.
    """

    def __init__(self, clock: Callable[[], float], on_deadline: Callable[[Call, float], None]):
        self.clock = clock
        self.on_deadline: Due = on_deadline
        self.deadlines = Deadlines()
        self.driver = TimerDriver(self.deadlines, self._fire, clock)
        self._others: set[Hashable] = set()
        self._firing = False

    def __len__(self) -> int:
        """The calls with a deadline (a recall's or the ACD's not counted)."""
        return len(self.deadlines) - len(self._others)

    def rearm(self, call: Call) -> None:
        """Note the call's next deadline (nothing when it has none)."""
        self.deadlines.set(call.call_id, call.next_deadline(), self.on_deadline, call)
        self._rearm()

    def cancel(self, call: Call) -> None:
        self.deadlines.clear(call.call_id)
        self._rearm()

    def at(self, key: Hashable, deadline: float | None, due: Due, subject: object) -> None:
        """Run ``due(subject, now)`` at ``deadline`` (``None``: not at all); ``key`` must
        not be a call id — a tuple naming the owner, e.g. ``("recall", call_id)``."""
        self.deadlines.set(key, deadline, due, subject)
        if self.deadlines.deadline(key) is None:
            self._others.discard(key)
        else:
            self._others.add(key)
        self._rearm()

    def close(self) -> None:
        self.driver.cancel()

    def _fire(self, now: float) -> None:
        self._firing = True
        try:
            self.deadlines.fire(now)
        finally:
            self._firing = False
            if self._others:  # the recalls and the ACD that ran are gone
                self._others = {k for k in self._others if self.deadlines.deadline(k) is not None}

    def _rearm(self) -> None:
        if not self._firing:  # the driver re-arms once when the due keys have run
            self.driver.rearm()
