"""Password hashing with argon2id (argon2-cffi's recommended parameters).

Each argon2 computation takes 64 MiB and tens of milliseconds of CPU. Unbounded, 64
concurrent wrong sign-ins took the process from 98 MB to 2.2 GB and every page to 6–10 s
(issue 10 §3). So at most ``SLOTS`` computations run at once in the whole process, on
their own threads (never the event loop, never the web's shared worker pool); the web waits
for them asynchronously, and refuses with :class:`HashingBusy` when more than
``MAX_WAITING`` sign-ins are already queued rather than letting the queue grow.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from vaxel.core.errors import VaxelError

__all__ = ["MAX_WAITING", "PARAMETERS", "PRODUCTION", "SLOTS", "HashingBusy", "PasswordHashing"]

SLOTS = 2
"""argon2 computations at once: bounds their memory to SLOTS × 64 MiB (two cores)."""
MAX_WAITING = 32
"""Sign-ins queued for a slot before new ones are refused (about a second of work)."""
PRODUCTION: Parameters = profiles.RFC_9106_LOW_MEMORY
"""argon2-cffi's recommended argon2id: 64 MiB, three passes (the cost the slots bound)."""
PARAMETERS: Parameters = PRODUCTION
"""What a new :class:`PasswordHashing` hashes with. Always :data:`PRODUCTION` in Växel;
the test suite alone sets argon2's cheapest profile here (tests/conftest.py), since a
web test's set-up hashed three times and each sign-in verified once, 60-200 ms each, for
minutes of a run; test_accounts and test_login_hardening still hash with PRODUCTION."""

T = TypeVar("T")


class HashingBusy(VaxelError):
    """Too many password checks are waiting; the client should retry shortly."""

    code = "hashing-busy"


class PasswordHashing:
    def __init__(
        self,
        slots: int = SLOTS,
        max_waiting: int = MAX_WAITING,
        parameters: Parameters | None = None,
    ) -> None:
        self._hasher = PasswordHasher.from_parameters(parameters or PARAMETERS)
        self._slots = threading.BoundedSemaphore(slots)
        self._pool = ThreadPoolExecutor(slots, thread_name_prefix="argon2")
        self._max_waiting = max_waiting
        self._waiting = 0
        self._waiting_lock = threading.Lock()
        self._dummy = self._hasher.hash("not a password anyone has")

    def hash(self, password: str) -> str:
        """The argon2id hash of ``password`` (blocks: for the CLI and start-up)."""
        if len(password) < 8:
            raise ValueError("a password needs at least 8 characters")
        with self._slots:
            return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; an unknown user costs the same time (no oracle).
        Blocks: the web uses :meth:`check`."""
        try:
            with self._slots:
                matches = self._hasher.verify(password_hash or self._dummy, password)
            return matches and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    async def check(self, password_hash: str | None, password: str) -> bool:
        """:meth:`verify` off the event loop, in turn with every other hash (issue 10 §3)."""
        return await self._off_loop(lambda: self.verify(password_hash, password))

    async def make(self, password: str) -> str:
        """:meth:`hash` off the event loop, in turn with every other hash."""
        if len(password) < 8:
            raise ValueError("a password needs at least 8 characters")
        return await self._off_loop(lambda: self.hash(password))

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    async def _off_loop(self, work: Callable[[], T]) -> T:
        with self._waiting_lock:
            if self._waiting >= self._max_waiting:
                raise HashingBusy("too many password checks are waiting")
            self._waiting += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, work)
        finally:
            with self._waiting_lock:
                self._waiting -= 1
