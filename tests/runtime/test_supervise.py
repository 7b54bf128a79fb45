"""Supervised parts (issue 9 §1): a failing part is logged with its name, restarted after a
back-off or stopped alone, and the other parts go on meanwhile."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from vaxel.acd.events import QueueConfigured
from vaxel.acd.model import QueueConfig
from vaxel.runtime import ContactCenter
from vaxel.runtime.supervise import Backoff, start_supervised
from vaxel.store import open_database, upgrade

QUICK = Backoff(first_s=0.01, longest_s=0.04)


async def test_a_failing_part_restarts_while_another_part_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []
    beats: list[int] = []

    async def flaky() -> None:
        runs.append(len(beats))
        if len(runs) <= 3:
            raise KeyError("callback-1")
        while True:
            await asyncio.sleep(0.005)

    async def steady() -> None:
        while True:
            beats.append(1)
            await asyncio.sleep(0.005)

    with caplog.at_level(logging.ERROR, "vaxel.runtime.supervise"):
        parts = [
            start_supervised("flaky", flaky, backoff=QUICK),
            start_supervised("steady", steady),
        ]
        await asyncio.sleep(0.3)
    assert len(runs) == 4, "restarted after each of its three failures"
    assert runs[-1] > runs[0], "the other part went on meanwhile"
    assert not parts[1].done() and not parts[0].done()
    failures = [r for r in caplog.records if "flaky failed" in r.getMessage()]
    assert len(failures) == 3 and all(r.exc_info for r in failures), "logged with the traceback"
    for part in parts:
        part.cancel()
    await asyncio.gather(*parts, return_exceptions=True)
    assert all(part.cancelled() for part in parts), "cancelling stops a part, never restarts it"


async def test_a_part_that_keeps_failing_can_be_stopped_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs: list[int] = []

    async def broken() -> None:
        runs.append(1)
        raise RuntimeError("always")

    with caplog.at_level(logging.ERROR, "vaxel.runtime.supervise"):
        await start_supervised("broken", broken, backoff=QUICK, give_up_after=2)
    assert len(runs) == 3
    assert "broken failed 3 times in a row; stopped alone" in caplog.text


def test_a_failing_listener_neither_fails_the_event_nor_hides_it_from_the_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(database)
    center = ContactCenter(database)
    heard: list[str] = []

    def broken(*_: object) -> None:
        raise KeyError("callback-1")

    center.listeners += [broken, lambda event, commands, now: heard.append(type(event).__name__)]
    with caplog.at_level(logging.ERROR, "vaxel.runtime.contact_center"):
        center.submit(QueueConfigured(QueueConfig("t", "q", "Kö")), 0.0)
    assert heard == ["QueueConfigured"]
    assert "broken failed on QueueConfigured (tenant t)" in caplog.text
    assert center.last_seq == 1
