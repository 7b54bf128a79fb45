"""The garbage collector's policy for a running server (issue 11, Benchmarks).

CPython's full (generation-2) collection scans every tracked object. A server's start-up
objects (configuration, catalogs, the web app, the engine) never die, and at 800 calls/s the
default thresholds ran a full collection every few seconds over some 140,000 objects: a
30–120 ms pause during which SIP datagrams piled up and were dropped. So once start-up is
over the survivors are frozen out of every scan.

CPython would still collect generation 2 by count: whenever a quarter as many objects as
the last full collection kept have been promoted into it. After the start-up freeze that is
some 47,000 objects, which a server reaches within a minute or two at 1,000 calls/s (a
call's two server transactions wait out 32 s timers there), and every later full collection
comes sooner, as only the live calls were kept. The start-up heap's full collection took
77–89 ms of CPU on the loaded test machine (load average 15–16). A finished call leaves no
reference cycle (``tests/flow/test_session_footprint.py``; the collection at exit after
2,400 benchmark calls freed nothing), so there is little for such collections to free. So
generation 2 is never collected by count; :class:`FullCollections`, a scheduler machine,
runs one every ``FULL_COLLECTION_EVERY_S`` so a rare cycle is still freed, at a known
rhythm instead of in the middle of a burst.
Reference counting frees almost everything a call makes, at once.
"""

from __future__ import annotations

import gc
import logging
import time

__all__ = [
    "FULL_COLLECTION_EVERY_S",
    "RUNNING_THRESHOLDS",
    "FullCollections",
    "settle_after_start_up",
]

log = logging.getLogger(__name__)

RUNNING_THRESHOLDS = (700, 10, 1_000_000)
"""Generations 0 and 1 as CPython's default; generation 2 only by :class:`FullCollections`
(a million generation-1 collections is days of traffic)."""
FULL_COLLECTION_EVERY_S = 600.0


def settle_after_start_up() -> tuple[int, int, int]:
    """Collect once, freeze what survived start-up and set the running thresholds; call it
    once, when the server is ready. Returns the previous thresholds."""
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*RUNNING_THRESHOLDS)
    return previous


class FullCollections:
    """A scheduler machine: the full collection CPython no longer runs by itself, every
    ``every_s`` of the platform's clock."""

    name = "full collections"

    def __init__(self, every_s: float = FULL_COLLECTION_EVERY_S) -> None:
        if not every_s > 0:
            raise ValueError(f"every_s must be positive, got {every_s!r}")
        self.every_s = every_s
        self._due: float | None = None

    def next_deadline(self, now: float) -> float | None:
        if self._due is None:
            self._due = now + self.every_s
        return self._due

    def on_deadline(self, now: float) -> None:
        started = time.perf_counter()
        freed = gc.collect()
        log.debug(
            "full collection: %d freed in %.1f ms", freed, 1e3 * (time.perf_counter() - started)
        )
        self._due = now + self.every_s
