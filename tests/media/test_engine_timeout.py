"""Media timeout on the wire (127.0.0.1, issue 11 §3): a phone whose RTP stops is reported as
``MediaTimeout`` once; a phone that keeps talking, or holds the call, is not."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.media.test_engine_wire import PROMPTS, Phone
from vaxel.media.backend import MediaDirection, MediaEvent, MediaTimeout, RemoteMedia
from vaxel.media.engine import BuiltinMediaBackend
from vaxel.media.player import Comfort

TIMEOUT_S = 0.3
Engine = tuple[BuiltinMediaBackend, list[MediaEvent]]


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    events: list[MediaEvent] = []
    backend = BuiltinMediaBackend(
        PROMPTS.__getitem__, events.append, ports=(33300, 33398), media_timeout_s=TIMEOUT_S
    )
    yield backend, events
    await backend.close()


def timeouts(events: list[MediaEvent]) -> list[MediaTimeout]:
    return [e for e in events if isinstance(e, MediaTimeout)]


async def test_a_phone_that_stops_sending_is_reported_once(engine: Engine) -> None:
    backend, events = engine
    phone, talking = Phone(), Phone(0x77)
    gone = backend.allocate("gone")
    alive = backend.allocate("alive")
    backend.set_remote(gone.endpoint_id, RemoteMedia("127.0.0.1", phone.port, 0, "PCMU"))
    backend.set_remote(alive.endpoint_id, RemoteMedia("127.0.0.1", talking.port, 0, "PCMU"))
    backend.set_comfort(gone.endpoint_id, Comfort.MUSIC)
    talk = asyncio.ensure_future(talking.talk(alive.port, b"\xff" * 160 * 60))  # 1.2 s
    await phone.talk(gone.port, b"\xff" * 160 * 10)  # 0.2 s of speech, then nothing
    await asyncio.sleep(0.2)
    assert timeouts(events) == []  # 0.2 s silent: not yet
    await asyncio.sleep(0.4)
    reported = timeouts(events)
    assert [e.endpoint_id for e in reported] == [gone.endpoint_id]
    assert TIMEOUT_S <= reported[0].silent_s < TIMEOUT_S + 0.3
    await asyncio.sleep(0.4)
    assert len(timeouts(events)) == 1  # once per silence, though it goes on
    await talk
    phone.close(), talking.close()


@pytest.mark.parametrize("direction", [MediaDirection.SENDONLY, MediaDirection.INACTIVE])
async def test_a_held_phone_is_not_timed_out_and_hears_nothing(
    engine: Engine, direction: MediaDirection
) -> None:
    backend, events = engine
    phone = Phone()
    held = backend.allocate("held")
    remote = RemoteMedia("127.0.0.1", phone.port, 0, "PCMU")
    backend.set_remote(held.endpoint_id, remote)
    backend.set_comfort(held.endpoint_id, Comfort.MUSIC)
    await asyncio.sleep(0.1)
    assert phone.received()  # music while the call is up
    hold = RemoteMedia("127.0.0.1", phone.port, 0, "PCMU", direction=direction)
    backend.set_remote(held.endpoint_id, hold)  # the re-INVITE of hold
    await asyncio.sleep(0.05)
    phone.received()
    await asyncio.sleep(2.5 * TIMEOUT_S)
    assert timeouts(events) == []
    assert phone.received() == []  # RFC 3264 §6.1: nothing is sent to a sendonly peer
    backend.set_remote(held.endpoint_id, remote)  # taken off hold, then the phone dies
    await asyncio.sleep(0.1)
    assert phone.received()
    await asyncio.sleep(TIMEOUT_S + 0.2)
    assert [e.endpoint_id for e in timeouts(events)] == [held.endpoint_id]
    phone.close()


async def test_an_endpoint_without_an_sdp_is_not_watched(engine: Engine) -> None:
    backend, events = engine
    waiting = backend.allocate("no sdp yet")
    await asyncio.sleep(2 * TIMEOUT_S)
    assert timeouts(events) == [] and waiting.endpoint_id


async def test_with_the_timeout_off_a_silent_phone_is_not_reported() -> None:
    events: list[MediaEvent] = []
    backend = BuiltinMediaBackend(
        PROMPTS.__getitem__, events.append, ports=(33400, 33498), media_timeout_s=None
    )
    phone = Phone()
    silent = backend.allocate("silent")
    backend.set_remote(silent.endpoint_id, RemoteMedia("127.0.0.1", phone.port, 0, "PCMU"))
    await asyncio.sleep(0.5)
    assert timeouts(events) == []
    await backend.close()
    with pytest.raises(ValueError, match="media_timeout_s must be positive"):
        BuiltinMediaBackend(PROMPTS.__getitem__, events.append, media_timeout_s=0)
    phone.close()
