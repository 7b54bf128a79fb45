"""Back-off on failed sign-ins, per account and per source (issue 10 §3).

Rules:

* Each key (an account ``tenant/username``, or a source address) counts its recent
  failures. The first ``free`` failures cost nothing; after that the key must wait
  ``base · 2^(failures − free)`` seconds after its last failure, never more than its
  ``cap``.
* An attempt is refused (not hashed, not checked) while any of its keys must wait: a
  throttled guess costs the server nothing and tells the guesser nothing.
* The account's cap is short, so an attacker cannot lock a real user out for long: the
  right password from a source with no failures works again at most ``cap`` seconds after
  the attacker's last guess. The source's cap is longer: one address guessing many
  accounts slows down more.
* A success clears the account's count (the user knows the password); the source's count
  is kept, so an attacker cannot wash it with an account of their own.
* A key forgets its failures ``forget_s`` after its last one, and at most ``max_keys`` keys
  are remembered (the oldest go first), so a spray of made-up names cannot grow memory.

Pure: time is passed in as ``now``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

__all__ = ["Backoff", "LoginThrottle"]


@dataclass(frozen=True, slots=True)
class Backoff:
    free: int
    """Failures allowed before any wait."""
    base_s: float
    cap_s: float

    def wait(self, failures: int) -> float:
        """Seconds a key with ``failures`` recent failures waits after its last one."""
        if failures < self.free:
            return 0.0
        return min(self.cap_s, self.base_s * 2.0 ** (failures - self.free))


ACCOUNT = Backoff(free=3, base_s=1.0, cap_s=30.0)
SOURCE = Backoff(free=10, base_s=1.0, cap_s=120.0)


class LoginThrottle:
    def __init__(
        self,
        account: Backoff = ACCOUNT,
        source: Backoff = SOURCE,
        *,
        forget_s: float = 900.0,
        max_keys: int = 10_000,
    ) -> None:
        self._rules = {"account": account, "source": source}
        self._forget_s = forget_s
        self._max_keys = max_keys
        self._failures: OrderedDict[tuple[str, str], tuple[int, float]] = OrderedDict()

    def retry_after(self, account: str, source: str, now: float) -> float:
        """Seconds until an attempt on ``account`` from ``source`` may be checked (0: now)."""
        wait = 0.0
        for kind, key in (("account", account), ("source", source)):
            count, last = self._recent((kind, key), now)
            if count:
                wait = max(wait, last + self._rules[kind].wait(count) - now)
        return max(0.0, wait)

    def failed(self, account: str, source: str, now: float) -> None:
        for entry in (("account", account), ("source", source)):
            count, _ = self._recent(entry, now)
            self._failures.pop(entry, None)
            self._failures[entry] = (count + 1, now)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, account: str) -> None:
        self._failures.pop(("account", account), None)

    def _recent(self, entry: tuple[str, str], now: float) -> tuple[int, float]:
        count, last = self._failures.get(entry, (0, 0.0))
        if count and now - last >= self._forget_s:
            del self._failures[entry]
            return 0, 0.0
        return count, last
