"""The session watch (issue 10 §9, issue 12): the open live streams' sessions are
re-checked together, one query for all of them, off the push path; the streams whose
session is gone are woken to end; a check that fails ends the streams it could not
confirm; the watch stops with the last stream. On uvloop, as every asyncio test."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection

import pytest

from vaxel.web.session_watch import SessionWatch

WAIT_S = 10.0
"""Generous: the machine may be loaded; the waits end on events, not on this."""


class Sessions:
    """Stands in for ``Accounts.live_sessions``: the live tokens, and each call's tokens."""

    def __init__(self, live: set[str]) -> None:
        self.live = live
        self.calls: list[list[str]] = []
        self.failing = False

    def __call__(self, tokens: Collection[str], now: float) -> set[str]:
        self.calls.append(sorted(tokens))
        if self.failing:
            raise OSError("the database is unreachable")
        return self.live & set(tokens)


async def until(condition: Callable[[], bool]) -> None:
    """Wait until ``condition`` holds (the watch acts on the loop after a worker thread)."""
    async with asyncio.timeout(WAIT_S):
        while not condition():
            await asyncio.sleep(0.005)


async def test_one_check_covers_every_stream_and_ends_only_those_whose_session_is_gone() -> None:
    sessions = Sessions({"anna", "bo"})
    watch = SessionWatch(sessions, lambda: 1000.0, interval_s=0.01)
    wakes = {token: [asyncio.Event() for _ in range(20)] for token in ("anna", "bo", "cilla")}
    streams = {
        token: [watch.watch(token, wake) for wake in events] for token, events in wakes.items()
    }
    assert watch.watching == 60

    await until(lambda: streams["cilla"][0].ended)
    assert sessions.calls[0] == ["anna", "bo", "cilla"]  # one query for 60 streams
    assert all(s.ended for s in streams["cilla"]) and all(w.is_set() for w in wakes["cilla"])
    assert not any(s.ended for s in streams["anna"] + streams["bo"])
    assert not any(w.is_set() for w in wakes["anna"] + wakes["bo"])
    assert watch.watching == 40

    sessions.live.discard("bo")  # signed out
    await until(lambda: streams["bo"][0].ended)
    assert all(s.ended for s in streams["bo"]) and all(w.is_set() for w in wakes["bo"])
    assert not any(s.ended for s in streams["anna"])
    assert all("cilla" not in call for call in sessions.calls[1:])  # ended streams: unasked
    for stream in streams["anna"]:
        watch.unwatch(stream)
    assert watch.watching == 0


async def test_a_failed_check_ends_the_streams_it_could_not_confirm(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sessions = Sessions({"anna"})
    watch = SessionWatch(sessions, lambda: 1000.0, interval_s=0.01)
    wake = asyncio.Event()
    sessions.failing = True
    with caplog.at_level(logging.ERROR, logger="vaxel.web.session_watch"):
        stream = watch.watch("anna", wake)
        await until(lambda: stream.ended)
    assert wake.is_set()
    assert "could not re-check the sessions of 1 live streams" in caplog.text


async def test_the_watch_stops_with_the_last_stream_and_starts_again_with_the_next() -> None:
    sessions = Sessions({"anna"})
    watch = SessionWatch(sessions, lambda: 1000.0, interval_s=0.01)
    first = watch.watch("anna", asyncio.Event())
    await until(lambda: len(sessions.calls) >= 2)
    task = watch._task
    assert task is not None
    watch.unwatch(first)
    await asyncio.wait_for(task, WAIT_S)  # nothing left to watch: the task ends
    calls = len(sessions.calls)
    await asyncio.sleep(0.1)
    assert len(sessions.calls) == calls

    second = watch.watch("anna", asyncio.Event())
    await until(lambda: len(sessions.calls) > calls)
    assert watch._task is not task and not second.ended
    watch.unwatch(second)
    await asyncio.wait_for(watch._task, WAIT_S)
