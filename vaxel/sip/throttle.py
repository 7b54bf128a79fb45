"""Throttling per source (security by default).

- :class:`FailureThrottle`: after ``max_failures`` authentication failures within
  ``window_s`` a source is blocked for ``block_s``: its requests are answered 403 without
  checking credentials, which stops password guessing (the friendly-scanner pattern).
- :class:`RateLimit`: a token bucket per source for new calls (issue 10 §8: 6,000 INVITEs at
  400/s from one source took every RTP port and a real call got nothing for 32 s). A source
  may start ``burst`` calls at once and ``per_second`` on average; beyond that it gets 503.
Memory is bounded: at most ``max_sources`` are tracked.
"""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["FailureThrottle", "RateLimit"]


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


class RateLimit:
    """``per_second`` requests per source on average, ``burst`` at once; ``now`` is passed in."""

    def __init__(self, per_second: float, burst: int, max_sources: int = 10_000) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("a rate limit needs per_second > 0 and burst >= 1")
        self.per_second = per_second
        self.burst = burst
        self.max_sources = max_sources
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, when

    def allow(self, source: str, now: float) -> bool:
        """Take one token from ``source``'s bucket; False when it is empty."""
        tokens, then = self._buckets.pop(source, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + max(0.0, now - then) * self.per_second)
        allowed = tokens >= 1.0
        self._buckets[source] = (tokens - 1.0 if allowed else tokens, now)
        while len(self._buckets) > self.max_sources:
            self._buckets.popitem(last=False)  # the least recently seen: it has refilled most
        return allowed
