"""Throttling of repeated authentication failures per source (security by default).

After ``max_failures`` failures within ``window_s`` a source is blocked for ``block_s``:
its requests are answered 403 without checking credentials, which stops password guessing
(the friendly-scanner pattern). Memory is bounded: at most ``max_sources`` are tracked.
"""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["FailureThrottle"]


class FailureThrottle:
    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 60.0,
        block_s: float = 300.0,
        max_sources: int = 10_000,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.block_s = block_s
        self.max_sources = max_sources
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._blocked_until: dict[str, float] = {}

    def record_failure(self, source: str, now: float) -> None:
        times = [t for t in self._failures.pop(source, []) if now - t < self.window_s]
        times.append(now)
        self._failures[source] = times
        if len(times) >= self.max_failures:
            self._blocked_until[source] = now + self.block_s
        while len(self._failures) > self.max_sources:
            oldest, _ = self._failures.popitem(last=False)
            self._blocked_until.pop(oldest, None)

    def record_success(self, source: str) -> None:
        self._failures.pop(source, None)

    def is_blocked(self, source: str, now: float) -> bool:
        until = self._blocked_until.get(source)
        if until is None:
            return False
        if now >= until:
            del self._blocked_until[source]
            self._failures.pop(source, None)
            return False
        return True
