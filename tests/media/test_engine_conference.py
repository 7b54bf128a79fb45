"""Conference rooms in the built-in media engine (PBX6): three UDP "phones" sending tones at
distinct frequencies each hear the other two and not themselves, in their own codec; mute;
join and leave tones; a full room is refused."""

from __future__ import annotations

import array
import asyncio
import socket
from collections.abc import AsyncIterator

import pytest

from vaxel.media.backend import MediaError, MediaEvent, RemoteMedia
from vaxel.media.dtmf import goertzel_power
from vaxel.media.engine import BuiltinMediaBackend
from vaxel.media.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from vaxel.media.mixer import FRAME_SAMPLES
from vaxel.media.rtp import RtpStream, parse_rtp
from vaxel.media.tones import tone_pcm

TONES = {"PCMU": 500.0, "PCMA": 1100.0, "PCMU2": 1700.0}  # not the join tones


class TonePhone:
    """A UDP socket that sends a tone in 20 ms RTP packets and keeps what it hears."""

    def __init__(self, codec: str, frequency: float) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.codec = codec
        self.stream = RtpStream(0x4242)
        self.pcm = tone_pcm((frequency,), 1000, 6000)
        self.offset = 0
        self.heard: list[int] = []

    def remote(self) -> RemoteMedia:
        return RemoteMedia("127.0.0.1", self.port, 0 if self.codec == "PCMU" else 8, self.codec)

    def send_frame(self, engine_port: int) -> None:
        size = FRAME_SAMPLES * 2
        chunk = self.pcm[self.offset : self.offset + size]
        self.offset = (self.offset + size) % len(self.pcm)
        payload = ulaw_encode(chunk) if self.codec == "PCMU" else alaw_encode(chunk)
        packet = self.stream.packet(0 if self.codec == "PCMU" else 8, payload, FRAME_SAMPLES)
        self.sock.sendto(packet.to_bytes(), ("127.0.0.1", engine_port))

    def drain(self) -> None:
        while True:
            try:
                payload = parse_rtp(self.sock.recv(2048)).payload
            except BlockingIOError:
                return
            pcm = ulaw_decode(payload) if self.codec == "PCMU" else alaw_decode(payload)
            self.heard.extend(array.array("h", pcm))


@pytest.fixture
async def engine() -> AsyncIterator[BuiltinMediaBackend]:
    events: list[MediaEvent] = []
    backend = BuiltinMediaBackend(lambda prompt: b"", events.append, ports=(36000, 36998))
    yield backend
    await backend.close()


async def talk(engine: BuiltinMediaBackend, phones: dict[str, tuple[TonePhone, int]]) -> None:
    """Half a second of every phone sending, then what each heard in the last 200 ms."""
    for phone, _ in phones.values():
        phone.drain()
        phone.heard.clear()
    for _ in range(25):
        for phone, port in phones.values():
            phone.send_frame(port)
        await asyncio.sleep(0.02)
        for phone, _ in phones.values():
            phone.drain()
    for phone, _ in phones.values():
        phone.heard = phone.heard[-1600:]


async def test_each_phone_hears_the_other_two_and_not_itself(
    engine: BuiltinMediaBackend,
) -> None:
    phones: dict[str, tuple[TonePhone, int]] = {}
    endpoints: dict[str, str] = {}
    for name, frequency in TONES.items():
        phone = TonePhone(name[:4], frequency)
        endpoint = engine.allocate(name)
        engine.set_remote(endpoint.endpoint_id, phone.remote())
        engine.join_room(endpoint.endpoint_id, "tenant/room-1")
        phones[name], endpoints[name] = (phone, endpoint.port), endpoint.endpoint_id
    await talk(engine, phones)
    for name, (phone, _) in phones.items():
        assert len(phone.heard) >= 800, name
        assert goertzel_power(phone.heard, TONES[name]) < 0.05, name
        for other, frequency in TONES.items():
            if other != name:
                assert goertzel_power(phone.heard, frequency) > 0.2, (name, other)

    engine.set_muted(endpoints["PCMA"], True)
    await talk(engine, phones)
    first, _ = phones["PCMU"]
    assert goertzel_power(first.heard, TONES["PCMA"]) < 0.05  # nobody hears the muted one
    muted, _ = phones["PCMA"]
    assert goertzel_power(muted.heard, TONES["PCMU"]) > 0.2  # who still hears the others

    engine.leave_room(endpoints["PCMU2"])
    engine.leave_room(endpoints["PCMU2"])  # twice is harmless
    engine.release(endpoints["PCMA"])
    assert "tenant/room-1" in engine._rooms
    engine.release(endpoints["PCMU"])
    assert engine._rooms == {}  # the last one out closes the room


async def test_join_tone_heard_by_the_one_already_in(engine: BuiltinMediaBackend) -> None:
    phone = TonePhone("PCMU", 500.0)
    first = engine.allocate("first")
    engine.set_remote(first.endpoint_id, phone.remote())
    engine.join_room(first.endpoint_id, "t/r")
    await asyncio.sleep(0.4)  # its own join tone goes by
    phone.drain()
    phone.heard.clear()
    second = engine.allocate("second")
    engine.set_remote(second.endpoint_id, TonePhone("PCMU", 900.0).remote())
    engine.join_room(second.endpoint_id, "t/r")
    for _ in range(100):
        await asyncio.sleep(0.02)
        phone.drain()
        if len(phone.heard) >= 2400:
            break
    heard = phone.heard
    assert goertzel_power(heard, 600.0) > 0.05 and goertzel_power(heard, 900.0) > 0.05


async def test_a_full_room_is_refused(engine: BuiltinMediaBackend) -> None:
    endpoints = [engine.allocate(f"p{index}") for index in range(101)]
    for endpoint in endpoints[:100]:
        engine.join_room(endpoint.endpoint_id, "big")
    with pytest.raises(MediaError):
        engine.join_room(endpoints[100].endpoint_id, "big")
