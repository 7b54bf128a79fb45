"""The sessions behind the pages' open live streams, re-checked together (issue 10 §9).

A page's live stream must end soon after its session does: signed out, the user
deactivated, the session expired. Each stream used to look its own session up in a worker
thread before a push, once its last look was a second old. With 200 pages and an event
every 0.3 s, every fourth event woke 200 streams that each queued a lookup on the thread
pool before sending, and those deliveries took 110–180 ms instead of 20–50 ms: the steady
1 % tail of the web benchmark (issue 12, BENCHMARKS.md). Now one watch re-checks the
sessions of all open streams in one query every ``SESSION_WATCH_S``, off the push path: a
stream reads a flag before it pushes, and the watch wakes the streams whose session is gone
so that they end.

The watch runs only while streams are open: the first stream starts it, and it stops after
the last one has gone, so it needs no lifespan of its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection

from starlette.concurrency import run_in_threadpool

__all__ = ["SESSION_WATCH_S", "LiveSessions", "SessionWatch", "WatchedStream"]

log = logging.getLogger(__name__)

SESSION_WATCH_S = 1.0
"""A live stream ends at most this long (plus one query) after its session: one query a
second for all open streams, however many pages are open."""

LiveSessions = Callable[[Collection[str], float], set[str]]
"""Those of the tokens whose session is live at the time (``Accounts.live_sessions``)."""


class WatchedStream:
    """One open stream's hold on its session; ``ended`` once the session is gone."""

    __slots__ = ("_wake", "ended", "token")

    def __init__(self, token: str, wake: asyncio.Event) -> None:
        self.token = token
        self.ended = False
        self._wake = wake

    def end(self) -> None:
        """The session is gone: mark the stream and wake it so that it ends now."""
        self.ended = True
        self._wake.set()


class SessionWatch:
    """Every open live stream's session, re-checked in one query every ``interval_s``."""

    def __init__(
        self,
        live_sessions: LiveSessions,
        clock: Callable[[], float],
        interval_s: float = SESSION_WATCH_S,
    ) -> None:
        self._live_sessions = live_sessions
        self._clock = clock
        self.interval_s = interval_s
        self._streams: dict[str, set[WatchedStream]] = {}
        self._task: asyncio.Task[None] | None = None

    def watch(self, token: str, wake: asyncio.Event) -> WatchedStream:
        """Watch the session of ``token`` for a stream that waits on ``wake`` (set when
        the session ends). Called on the event loop, which runs the watch."""
        stream = WatchedStream(token, wake)
        self._streams.setdefault(token, set()).add(stream)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        return stream

    def unwatch(self, stream: WatchedStream) -> None:
        """The stream has ended (or its page went away)."""
        streams = self._streams.get(stream.token)
        if streams is not None:
            streams.discard(stream)
            if not streams:
                del self._streams[stream.token]

    @property
    def watching(self) -> int:
        """How many streams are watched."""
        return sum(len(streams) for streams in self._streams.values())

    async def check(self) -> None:
        """Re-check every watched session now and end the streams of those gone. A check
        that fails ends the streams it could not confirm, as a failed lookup in the stream
        itself did: the pages reconnect, and are refused while sessions cannot be read."""
        tokens = list(self._streams)
        if not tokens:
            return
        try:
            live = await run_in_threadpool(self._live_sessions, tokens, self._clock())
        except Exception:
            log.exception("could not re-check the sessions of %d live streams", len(tokens))
            live = set()
        for token in tokens:
            if token not in live:
                for stream in self._streams.pop(token, ()):
                    stream.end()

    async def _run(self) -> None:
        while self._streams:
            await asyncio.sleep(self.interval_s)
            await self.check()
