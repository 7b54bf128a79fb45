"""Legs that only listen, read by the ticker in bounded batches (issue 11: the engine under
overload).

A queued caller's phone sends 50 packets a second, and what is in them matters only for its
DTMF, for latching onto the phone and for the media timeout; the caller hears the engine's
frames. With a readiness callback per socket, an overloaded engine spent its time reading:
the event loop turns over every readable socket (libuv polls again while its event array
comes back full) before it runs the one ticker timer, so 2,000 talking callers got 0–7 % of
their frames (BENCHMARKS.md, issue 11). A media server under overload must drop input it
does not need, never the audio callers hear.

So a leg that is neither bridged nor in a conference room is not on the loop at all: its
socket sits in one poller per phase of the ticker (``epoll``, else ``poll``), and right
after the ticker has sent a phase's frames it asks that phase's poller which sockets hold
datagrams and reads each of them up to ``BUDGET`` datagrams (``LEARNING_BUDGET`` before the
leg is locked). A phone's packets are thus read
every 20 ms (a DTMF event is seen within a tick), and a phone sending more than ``BUDGET``
packets per 20 ms loses the excess in the kernel's socket buffer, where it costs the engine
nothing. A drain stops when the ticker's next phase is due (``until``), once it has read at
least a ``1/MIN_SHARE`` of the ready sockets: a phase whose phones' packets all came at once
(2,000 talking callers in step) cost 1 ms of reading on top of its 1.3 ms of frames, and ten
such phases in a row made the last frames of a period 6–13 ms late (BENCHMARKS.md, issue 11);
the sockets left are read first at the phase's next drain, 20 ms later. Bridged and
conference legs keep their readiness callback: their packets are relayed
or mixed as they come. Once a listening leg is locked, the kernel drops most of its audio
before it is queued at all (``engine_filter``): ``locked`` tells the engine.
"""

from __future__ import annotations

import select
from collections.abc import Callable

from vaxel.media.engine_leg import Leg

__all__ = ["BUDGET", "LEARNING_BUDGET", "MIN_SHARE", "Listeners"]

BUDGET = 8
"""Datagrams read from one locked listening leg per 20 ms: twice a 4× flood, 8× a phone's
rate (a locked leg's socket is connected: only its phone's packets are queued)."""
LEARNING_BUDGET = 64
"""… from a leg not yet locked: anyone's packets may be queued before the phone's own, and
the latching rule must see the phone's before the next frame goes (``engine_leg``)."""
MIN_SHARE = 4
"""A drain past its time still reads a quarter of the ready sockets: under overload each
phone is read at least every four periods (80 ms: a key is late, not lost)."""


class _Poller:
    """One phase's sockets: ``epoll`` where the platform has it (work per call grows with
    the ready sockets only), else ``poll``."""

    __slots__ = ("_poll", "legs")

    def __init__(self) -> None:
        self._poll = select.epoll() if hasattr(select, "epoll") else select.poll()
        self.legs: dict[int, Leg] = {}

    def add(self, leg: Leg) -> None:
        fd = leg.sock.fileno()
        self._poll.register(fd, select.POLLIN)
        self.legs[fd] = leg

    def remove(self, leg: Leg) -> None:
        fd = leg.sock.fileno()
        if self.legs.pop(fd, None) is not None:
            self._poll.unregister(fd)

    def ready(self) -> list[Leg]:
        """The legs whose sockets hold a datagram now (never waits)."""
        legs = self.legs
        return [legs[fd] for fd, _ in self._poll.poll(0) if fd in legs]


class Listeners:
    """The listening legs of each phase; ``drain(phase)`` reads what their phones sent."""

    def __init__(
        self,
        slots: int,
        drain: Callable[[Leg, int], object],
        locked: Callable[[Leg], object] | None = None,
        *,
        clock: Callable[[], float],
    ) -> None:
        """``drain(leg, budget)`` reads up to ``budget`` datagrams of one leg's socket;
        ``locked(leg)`` is told when a drain locked a leg onto its phone; ``clock`` is the
        ticker's (``time.monotonic``), read between sockets once a quarter is read."""
        self._pollers = [_Poller() for _ in range(slots)]
        self._phase_of: dict[Leg, int] = {}
        self._drain = drain
        self._locked = locked
        self._clock = clock

    def __contains__(self, leg: Leg) -> bool:
        return leg in self._phase_of

    def add(self, leg: Leg, phase: int) -> None:
        if leg not in self._phase_of:
            self._pollers[phase].add(leg)
            self._phase_of[leg] = phase

    def remove(self, leg: Leg) -> None:
        phase = self._phase_of.pop(leg, None)
        if phase is not None:
            self._pollers[phase].remove(leg)

    def drain(self, phase: int, until: float = float("inf")) -> None:
        """Read this phase's listening legs, each up to ``BUDGET`` datagrams, until the
        instant ``until`` of ``clock`` (the next phase's due time; see above)."""
        poller = self._pollers[phase]
        if poller.legs:
            drain = self._drain
            ready = poller.ready()
            least = -(-len(ready) // MIN_SHARE)
            clock = self._clock
            for count, leg in enumerate(ready):
                if count >= least and clock() > until:
                    return  # the frames go first; the rest are read next time, first
                if leg.locked:
                    drain(leg, BUDGET)
                else:
                    drain(leg, LEARNING_BUDGET)
                    if leg.locked and self._locked is not None:
                        self._locked(leg)  # e.g. its audio may now be filtered
