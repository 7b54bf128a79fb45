"""Supervision of the long-running tasks a composition root starts (issue 9 §1).

One process runs the web app, SIP, the ACD's timers, planned closures and — in the demo —
the simulator, each as its own asyncio task. A bug in one of them must not take the others
down: an exception is logged with the task's name and traceback, and that part alone is
restarted after a back-off that doubles while it keeps failing (so a part that fails at
once does not spin), or — with ``give_up_after`` — stopped alone. Calls, pages and the
journal go on meanwhile. Cancellation is not a failure: it stops the part.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["Backoff", "start_supervised", "supervise"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    """How long to wait before restarting a failed part."""

    first_s: float = 0.5
    longest_s: float = 30.0
    healthy_after_s: float = 60.0
    """A run that lasted this long before failing starts the back-off afresh."""


async def supervise(
    name: str,
    run: Callable[[], Awaitable[object]],
    *,
    backoff: Backoff = Backoff(),
    give_up_after: int | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run ``run()`` until it returns; restart it whenever it raises.

    ``name`` says which part failed in the log. After ``give_up_after`` failures in a row
    the part stays stopped (None: it is always restarted)."""
    delay = backoff.first_s
    failures = 0
    while True:
        started = clock()
        try:
            await run()
            return  # finished by itself: nothing to restart
        except Exception:
            if clock() - started >= backoff.healthy_after_s:
                delay, failures = backoff.first_s, 0
            failures += 1
            if give_up_after is not None and failures > give_up_after:
                log.exception("%s failed %d times in a row; stopped alone", name, failures)
                return
            log.exception("%s failed; restarting it in %.1f s, the rest runs on", name, delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, backoff.longest_s)


def start_supervised(
    name: str,
    run: Callable[[], Awaitable[object]],
    *,
    backoff: Backoff = Backoff(),
    give_up_after: int | None = None,
) -> asyncio.Task[None]:
    """:func:`supervise` as a task of the running loop, named ``name`` (for debugging)."""
    loop = asyncio.get_running_loop()
    return loop.create_task(
        supervise(name, run, backoff=backoff, give_up_after=give_up_after), name=name
    )
