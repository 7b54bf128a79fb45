"""``vaxel serve``'s background loops ride out a database outage quietly (issue 10 §1): the
center logs the outage once; a traceback a second from each loop would drown that line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from vaxel.serve import _drive_closures, _drive_timers
from vaxel.store.availability import StoreUnavailable


class Away:
    """A keeper or center whose every write meets a database that is away."""

    def __init__(self) -> None:
        self.tries = 0

    def apply(self, now: float) -> None:
        self.tries += 1
        raise StoreUnavailable("database is locked", 0.01)

    def tick(self, now: float) -> None:
        self.apply(now)

    def next_deadline(self) -> float | None:
        return None


@pytest.mark.parametrize("drive", [_drive_closures, _drive_timers])
async def test_an_outage_is_retried_without_a_traceback(
    drive: Callable[[Any], Coroutine[Any, Any, None]], caplog: pytest.LogCaptureFixture
) -> None:
    away = Away()
    with caplog.at_level(logging.WARNING):
        loop = asyncio.create_task(drive(away))
        await asyncio.sleep(1.3)
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop
    assert away.tries >= 2  # tried again
    assert [r for r in caplog.records if r.exc_info] == []
