"""The browser phone's RTP side toward the engine (issue 15 §1): a keypad key goes out as
RFC 4733 events the engine's own receiver reads as that key, the browser's audio as 20 ms
PCMU packets (none while held), and the engine's audio reaches the sending track."""

from __future__ import annotations

import asyncio
import socket

import pytest

from vaxel.media.dtmf import DtmfReceiver
from vaxel.media.g711 import ulaw_encode
from vaxel.media.rtp import RtpPacket, parse_rtp
from vaxel.webrtc.rtp_side import EngineAudio, RtpSide

pytestmark = pytest.mark.timeout(30)
EVENT_PT = 101


async def packets(engine: socket.socket, seconds: float) -> list[RtpPacket]:
    found: list[RtpPacket] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        try:
            found.append(parse_rtp(engine.recv(2048)))
        except BlockingIOError:
            await asyncio.sleep(0.01)
    return found


@pytest.fixture
async def sides() -> tuple[RtpSide, socket.socket]:  # type: ignore[misc]
    engine = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    engine.bind(("127.0.0.1", 0))
    engine.setblocking(False)
    side = RtpSide(EngineAudio())
    await side.open("127.0.0.1")
    side.start(engine.getsockname(), EVENT_PT)
    yield side, engine  # type: ignore[misc]
    side.close()
    engine.close()


async def test_a_key_goes_out_as_rfc_4733_events_the_engine_reads_as_that_key(
    sides: tuple[RtpSide, socket.socket],
) -> None:
    side, engine = sides
    assert side.send_key("5")
    assert not side.send_key("6")  # one key at a time: the page is told it was not sent
    sent = [p for p in await packets(engine, 0.4) if p.payload_type == EVENT_PT]
    receiver = DtmfReceiver()
    keys = [receiver.handle(p.payload, p.timestamp) for p in sent]
    assert [k for k in keys if k] == ["5"] and sent[0].marker
    assert side.send_key("#")  # the next key once the first is out


async def test_the_browsers_audio_goes_out_in_20_ms_pcmu_packets_and_not_while_held(
    sides: tuple[RtpSide, socket.socket],
) -> None:
    side, engine = sides
    side.send_samples(b"\x10\x00" * 400)  # 50 ms: two whole packets, 10 ms kept
    sent = await packets(engine, 0.1)
    assert [(p.payload_type, len(p.payload)) for p in sent] == [(0, 160), (0, 160)]
    assert sent[1].timestamp - sent[0].timestamp == 160
    side.held = True
    side.send_samples(b"\x10\x00" * 400)
    assert await packets(engine, 0.1) == []


async def test_the_engines_audio_reaches_the_sending_track_and_stops_with_the_call(
    sides: tuple[RtpSide, socket.socket],
) -> None:
    side, engine = sides
    payload = ulaw_encode(b"\x00\x10" * 160)
    engine.sendto(RtpPacket(0, 1, 160, 7, payload).to_bytes(), ("127.0.0.1", side.port))
    await asyncio.sleep(0.1)
    frame = await side.track.recv()
    assert frame.samples == 160 and frame.sample_rate == 8000
    assert any(bytes(frame.planes[0])[:320])  # the engine's audio, not silence
    side.stop()
    engine.sendto(RtpPacket(0, 2, 320, 7, payload).to_bytes(), ("127.0.0.1", side.port))
    await asyncio.sleep(0.1)
    assert not any(bytes((await side.track.recv()).planes[0])[:320])  # no call: silence
