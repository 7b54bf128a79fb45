"""Throttling per source and per username (security by default).

- :class:`FailureThrottle`: after ``max_failures`` failures within ``window_s`` a key is
  blocked for ``block_s``.
- :class:`AuthThrottle` puts two of them together (issue 10 §4):
  per source address, a guesser at one address is answered 403 without its credentials
  being checked (the friendly-scanner pattern); per username, guessing one extension from
  many addresses is stopped too, with a short back-off for that extension (10 failures in
  5 min → 60 s by default, doubling while the guessing goes on, up to an hour) rather than
  long blocks for whole addresses; a (source, username) pair that authenticated recently is
  *known good* and exempt from both, so a phone keeps registering while a neighbour behind
  the same NAT address, or an attacker elsewhere, trips a block. A counted failure of that
  pair ends its exemption. Callers count only failures that answered a nonce issued to that
  source (``Verdict.counted``): forged source addresses cannot block anyone.
- :class:`RateLimit`: a token bucket per source for new calls (issue 10 §8: 6,000 INVITEs at
  400/s from one source took every RTP port and a real call got nothing for 32 s). A source
  may start ``burst`` calls at once and ``per_second`` on average; beyond that it gets 503.
Memory is bounded: at most ``max_sources`` keys are tracked.
"""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["AuthThrottle", "FailureThrottle", "RateLimit"]


class FailureThrottle:
    """Blocks a key after ``max_failures`` failures in ``window_s``, for ``block_s``.

    With ``max_block_s`` above ``block_s`` each block that follows within ``max_block_s`` of
    the last one lasts twice as long (up to ``max_block_s``): a patient guesser gets ever
    fewer tries, while a one-off slip still costs only ``block_s``.
    """

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 60.0,
        block_s: float = 300.0,
        max_sources: int = 10_000,
        max_block_s: float | None = None,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.block_s = block_s
        self.max_block_s = max(block_s, max_block_s or block_s)
        self.max_sources = max_sources
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._blocked_until: dict[str, float] = {}
        self._strikes: OrderedDict[str, tuple[int, float]] = OrderedDict()
        """Key → (blocks in a row, when the last one ended), for the doubling."""

    def record_failure(self, source: str, now: float) -> None:
        times = [t for t in self._failures.pop(source, []) if now - t < self.window_s]
        times.append(now)
        self._failures[source] = times
        if len(times) >= self.max_failures:
            self._block(source, now)
        while len(self._failures) > self.max_sources:
            oldest, _ = self._failures.popitem(last=False)
            self._blocked_until.pop(oldest, None)

    def _block(self, source: str, now: float) -> None:
        strikes, last_end = self._strikes.pop(source, (0, now))
        if now - last_end > self.max_block_s:
            strikes = 0
        until = now + min(self.block_s * 2**strikes, self.max_block_s)
        self._blocked_until[source] = until
        if self.max_block_s > self.block_s:
            self._strikes[source] = (min(strikes + 1, 32), until)
            while len(self._strikes) > self.max_sources:
                self._strikes.popitem(last=False)

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


class AuthThrottle:
    """Failures per source and per username; recently successful pairs exempt."""

    def __init__(
        self,
        *,
        per_source: FailureThrottle | None = None,
        per_username: FailureThrottle | None = None,
        remember_s: float = 7200.0,
        max_known: int = 100_000,
    ) -> None:
        self.per_source = per_source or FailureThrottle()
        self.per_username = per_username or FailureThrottle(
            max_failures=10, window_s=300.0, block_s=60.0, max_block_s=3600.0
        )
        self.remember_s = remember_s
        """How long a success exempts its pair: longer than a registration lives (3600 s),
        so a phone re-registering on time is always known."""
        self.max_known = max_known
        self._known: OrderedDict[tuple[str, str], float] = OrderedDict()

    def known_good(self, source: str, username: str, now: float) -> bool:
        at = self._known.get((source, username))
        return at is not None and now - at < self.remember_s

    def refuses(self, source: str, username: str, now: float) -> bool:
        """Whether to answer 403 without checking this attempt's credentials."""
        source_blocked = self.per_source.is_blocked(source, now)
        username_blocked = self.per_username.is_blocked(username, now)
        return (source_blocked or username_blocked) and not self.known_good(source, username, now)

    def record_failure(self, source: str, username: str, now: float) -> None:
        """A counted failure: a wrong answer to a fresh nonce issued to ``source``."""
        self._known.pop((source, username), None)
        self.per_source.record_failure(source, now)
        self.per_username.record_failure(username, now)

    def record_success(self, source: str, username: str, now: float) -> None:
        """Earlier failures still count: a phone's success behind a shared address must not
        wipe a guesser's count there."""
        self._known[(source, username)] = now
        self._known.move_to_end((source, username))
        while len(self._known) > self.max_known:
            self._known.popitem(last=False)
