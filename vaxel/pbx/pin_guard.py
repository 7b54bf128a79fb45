"""Guessing a PIN across calls: a bound per mailbox and per conference room (PBX4, PBX6).

A call ends after a few wrong PINs (the voicemail menu, a room's way in), but the caller can
simply call again — 20 new calls a second from one source, and from anywhere through the
trunk — so a 4-digit PIN fell in minutes. A :class:`PinGuard` counts the wrong PINs per key
(a mailbox, a room) in a sliding window; while ``max_failures`` are within ``window_s``
every try is refused, right or wrong, until the oldest ages out. Guessing then costs hours
per hundred tries instead of seconds. Whoever is refused hears "wrong PIN" as for any
other wrong PIN, so the lock tells a guesser nothing.

The price is that someone guessing can keep a mailbox or a room locked; its owner still
has the ways that need no PIN (the mailbox from its own extension and on the web).

Pure: ``now`` comes in; memory is bounded by ``max_keys`` × ``max_failures``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

__all__ = ["PinGuard"]


@dataclass(slots=True)
class PinGuard:
    max_failures: int = 10
    window_s: float = 600.0
    max_keys: int = 10_000
    _failures: dict[Hashable, deque[float]] = field(default_factory=dict)

    def refuses(self, key: Hashable, now: float) -> bool:
        """True while ``key`` has ``max_failures`` wrong PINs within the window."""
        times = self._failures.get(key)
        if times is None:
            return False
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return False
        return len(times) >= self.max_failures

    def failed(self, key: Hashable, now: float) -> None:
        """A wrong PIN for ``key`` at ``now``."""
        times = self._failures.get(key)
        if times is None:
            if len(self._failures) >= self.max_keys:
                self._forget(now)
            times = self._failures[key] = deque(maxlen=self.max_failures)
        times.append(now)

    def _forget(self, now: float) -> None:
        """Room for a new key: drop the keys whose failures all aged out, else the oldest."""
        for key in [k for k, t in self._failures.items() if not t or t[-1] <= now - self.window_s]:
            del self._failures[key]
        if len(self._failures) >= self.max_keys:
            del self._failures[next(iter(self._failures))]
