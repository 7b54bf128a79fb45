"""The kernel filter on a queued caller's socket (issue 11: ≥ 2,000 queued callers per core
with their phones talking; ``vaxel.media.engine_filter``), on 127.0.0.1.

A queued caller's audio is needed by nobody: the kernel drops it but one packet in 16, while
its keys (RFC 4733), its comfort noise and anything unexpected still reach the engine, a
phone that stops is still timed out (issue 11 §3), and the audio comes back in full as soon
as someone needs it — a bridge (Q12), a conference room (PBX6), a recording (REC1, voicemail).
"""

from __future__ import annotations

import array
import asyncio
import socket
import struct
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.media.test_engine_wire import PROMPTS, Phone
from vaxel.media import engine as engine_module
from vaxel.media.backend import DtmfReceived, MediaEvent, MediaTimeout, RemoteMedia
from vaxel.media.dtmf import dtmf_payloads, goertzel_power
from vaxel.media.engine import BuiltinMediaBackend
from vaxel.media.engine_filter import SAMPLE, UDP_HEADER, attach, detach, program, sample_for
from vaxel.media.g711 import ulaw_decode, ulaw_encode
from vaxel.media.player import Comfort
from vaxel.media.rtp import RtpStream
from vaxel.media.tones import tone_pcm

POOL = (34000, 34098)
Engine = tuple[BuiltinMediaBackend, list[MediaEvent]]
_RTP = struct.Struct("!BBHII")


def _pair() -> tuple[socket.socket, socket.socket]:
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.setblocking(False)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind(("127.0.0.1", 0))
    return receiver, sender


def _queued(receiver: socket.socket) -> list[bytes]:
    datagrams = []
    while True:
        try:
            datagrams.append(receiver.recv(2048))
        except BlockingIOError:
            return datagrams


def _keep_if(load: int, offset: int, value: int) -> bytes:
    """A program keeping a datagram whose byte (``load`` 0x30) or big-endian half-word
    (0x28) at ``offset`` equals ``value``: where the filter looks, found out."""
    code = [(load, 0, 0, offset), (0x15, 0, 1, value), (0x06, 0, 0, 0xFFFF), (0x06, 0, 0, 0)]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in code)


def test_a_udp_sockets_filter_sees_the_udp_header_then_the_payload() -> None:
    receiver, sender = _pair()
    payload = b"\xabRTP here"
    source, destination = sender.getsockname()[1], receiver.getsockname()[1]
    checks = [
        (0x28, 0, source),  # the UDP header: source port …
        (0x28, 2, destination),  # … destination port …
        (0x28, 4, 8 + len(payload)),  # … length (header and payload)
        (0x30, UDP_HEADER, 0xAB),  # then the payload: the RTP header at 8
    ]
    for load, offset, value in checks:
        attach(receiver, _keep_if(load, offset, value))
        sender.sendto(payload, receiver.getsockname())
        attach(receiver, _keep_if(load, offset, value + 1))
        sender.sendto(payload, receiver.getsockname())
        assert _queued(receiver) == [payload], (offset, value)  # the first kept, not the second
    detach(receiver)
    detach(receiver)  # none attached: harmless
    sender.sendto(payload, receiver.getsockname())
    assert _queued(receiver) == [payload]
    receiver.close(), sender.close()


def test_the_filter_drops_audio_but_one_in_sixteen_and_keeps_everything_else() -> None:
    receiver, sender = _pair()
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    attach(receiver, program(8, SAMPLE))
    to = receiver.getsockname()
    for sequence in range(65530, 65530 + 320):  # across the wrap
        marker = 0x80 if sequence % 7 == 0 else 0
        sender.sendto(_RTP.pack(0x80, marker | 8, sequence & 0xFFFF, 0, 7) + bytes(160), to)
    others = [
        _RTP.pack(0x80, 101, 3, 0, 7) + b"\x05\x0a\x00\xa0",  # a key (RFC 4733)
        _RTP.pack(0x80, 13, 5, 0, 7) + b"\x40",  # comfort noise (RFC 3389)
        _RTP.pack(0x80, 0, 5, 0, 7) + bytes(160),  # a codec not agreed (PCMU, not PCMA)
        _RTP.pack(0x90, 8, 5, 0, 7) + bytes(4) + bytes(160),  # PCMA with an extension
        _RTP.pack(0x81, 8, 5, 0, 7) + bytes(4) + bytes(160),  # … with a CSRC
        _RTP.pack(0x80, 8, 5, 0, 7),  # a header with no payload
        b"\x80",
        b"",
        b"not rtp at all, but long enough to look at",
    ]
    for datagram in others:
        sender.sendto(datagram, to)
    queued = _queued(receiver)
    audio = [d for d in queued if len(d) == 172 and d[0] == 0x80 and d[1] & 0x7F == 8]
    assert [int.from_bytes(d[2:4], "big") % SAMPLE for d in audio] == [0] * 20  # 320 / 16
    assert queued[len(audio) :] == others
    assert _kernel_drops(receiver) == 300  # counted by the kernel as the socket's drops
    receiver.close(), sender.close()


def _kernel_drops(sock: socket.socket) -> int:
    """The socket's ``drops`` in /proc/net/udp (what operators see: docs/telephony.md)."""
    local = f"0100007F:{sock.getsockname()[1]:04X}"
    for line in Path("/proc/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local:
            return int(fields[-1])
    raise AssertionError(f"{local} not in /proc/net/udp")


def test_how_many_packets_pass_follows_the_media_timeout() -> None:
    assert sample_for(None) == sample_for(30.0) == sample_for(3.2) == SAMPLE == 16
    assert sample_for(1.0) == 4  # the shortest setting: still 12 packets a second
    assert sample_for(0.3) == 1  # no filter: three packets would be too few to judge by
    with pytest.raises(ValueError):
        program(8, 1)
    with pytest.raises(ValueError):
        program(128, 16)


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    events: list[MediaEvent] = []
    backend = BuiltinMediaBackend(PROMPTS.__getitem__, events.append, ports=POOL)
    yield backend, events
    await backend.close()


def _queue(backend: BuiltinMediaBackend, phone: Phone) -> str:
    """A caller in a queue hearing music, its phone's keys as payload type 101."""
    endpoint = backend.allocate("caller")
    remote = RemoteMedia("127.0.0.1", phone.port, 0, "PCMU", 101)
    backend.set_remote(endpoint.endpoint_id, remote)
    backend.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
    return endpoint.endpoint_id


async def _lock(backend: BuiltinMediaBackend, phone: Phone, endpoint_id: str) -> None:
    """The phone's first packets: the leg locks onto it (and is filtered from then on)."""
    await phone.talk(backend._legs[endpoint_id].endpoint.port, bytes(160 * 3))
    await asyncio.sleep(0.05)


async def test_a_talking_queued_caller_is_filtered_and_its_key_still_reaches_the_flow(
    engine: Engine,
) -> None:
    backend, events = engine
    phone = Phone(sequence=7)
    caller = _queue(backend, phone)
    port = backend._legs[caller].endpoint.port
    await _lock(backend, phone, caller)
    before = backend.stats["received"]
    phone.received()
    talk = asyncio.ensure_future(phone.talk(port, bytes(160 * 80)))  # 1.6 s of speech
    await asyncio.sleep(0.8)
    key = RtpStream(0x1234, 500, 99_000)  # the phone's keys, mid-speech (RFC 4733)
    for payload, marker in dtmf_payloads("5"):
        phone.send(port, key.packet(101, payload, 0, marker=marker))
    await talk
    await asyncio.sleep(0.05)
    assert [e.digit for e in events if isinstance(e, DtmfReceived)] == ["5"]
    audio = backend.stats["received"] - before - len(list(dtmf_payloads("5")))
    assert 80 // SAMPLE - 1 <= audio <= 80 // SAMPLE + 1  # 5 of 80: the kernel dropped 75
    assert len(phone.received()) >= 80  # the caller heard its music all the while
    phone.close()


async def test_a_filtered_phone_that_stops_is_timed_out_and_one_that_talks_is_not() -> None:
    events: list[MediaEvent] = []
    timeout = 3.2  # the shortest with the full sample of 1 in 16 (``sample_for``)
    backend = BuiltinMediaBackend(
        PROMPTS.__getitem__, events.append, ports=POOL, media_timeout_s=timeout
    )
    talking, stopping = Phone(0x71), Phone(0x72)
    alive, gone = _queue(backend, talking), _queue(backend, stopping)
    alive_port = backend._legs[alive].endpoint.port
    await _lock(backend, stopping, gone)
    await _lock(backend, talking, alive)
    received = backend.stats["received"]
    talk = asyncio.ensure_future(talking.talk(alive_port, bytes(160 * 240)))  # 4.8 s
    await asyncio.sleep(timeout + 1.2)
    assert [e.endpoint_id for e in events if isinstance(e, MediaTimeout)] == [gone]
    await talk
    assert backend.stats["received"] - received <= 240 // SAMPLE + 2  # filtered all along
    await backend.close()
    talking.close(), stopping.close()


async def test_a_bridged_caller_is_heard_in_full_and_filtered_again_once_unbridged(
    engine: Engine,
) -> None:
    backend, _ = engine
    caller_phone, agent_phone = Phone(0x51), Phone(0x52)
    caller = _queue(backend, caller_phone)
    agent = _queue(backend, agent_phone)
    caller_port = backend._legs[caller].endpoint.port
    await _lock(backend, caller_phone, caller)
    await _lock(backend, agent_phone, agent)
    speech = b"\x17" * 160 * 50  # 1 s, a payload the music never has
    backend.bridge(caller, agent)
    agent_phone.received()
    await caller_phone.talk(caller_port, speech)
    await asyncio.sleep(0.05)
    heard = [p for p in agent_phone.received() if p.payload == b"\x17" * 160]
    assert len(heard) == 50  # every packet relayed: no filter while bridged
    backend.unbridge(caller)
    received = backend.stats["received"]
    await caller_phone.talk(caller_port, speech)
    await asyncio.sleep(0.05)
    assert backend.stats["received"] - received <= 50 // SAMPLE + 2  # back in the queue
    caller_phone.close(), agent_phone.close()


async def test_a_caller_in_a_conference_room_is_read_in_full(engine: Engine) -> None:
    backend, _ = engine
    phone = Phone(0x61)
    caller = _queue(backend, phone)
    port = backend._legs[caller].endpoint.port
    await _lock(backend, phone, caller)
    backend.join_room(caller, "room-1")
    received = backend.stats["received"]
    await phone.talk(port, bytes(160 * 50))
    await asyncio.sleep(0.05)
    assert backend.stats["received"] - received >= 49  # the room mixes what it says
    backend.leave_room(caller)
    received = backend.stats["received"]
    await phone.talk(port, bytes(160 * 50))
    await asyncio.sleep(0.05)
    assert backend.stats["received"] - received <= 50 // SAMPLE + 2
    phone.close()


async def test_a_recorded_caller_is_recorded_in_full(engine: Engine, tmp_path: Path) -> None:
    backend, _ = engine
    phone = Phone(0x81)
    caller = _queue(backend, phone)  # e.g. leaving a voicemail
    port = backend._legs[caller].endpoint.port
    await _lock(backend, phone, caller)
    path = tmp_path / "voicemail.wav"
    backend.start_recording(caller, str(path))
    said = ulaw_encode(tone_pcm((440.0,), 1000))
    before = backend.stats["received"]
    await phone.talk(port, said)
    for _ in range(100):  # the last packets may still wait in the socket: read, then stop
        if backend.stats["received"] - before >= len(said) // 160:
            break
        await asyncio.sleep(0.02)
    backend.stop_recording(caller)
    with wave.open(str(path)) as recording:
        left = array.array("h", recording.readframes(recording.getnframes()))[0::2]
    loud = sum(abs(sample) > 1000 for sample in array.array("h", ulaw_decode(said)))
    assert sum(abs(sample) > 1000 for sample in left) >= 0.98 * loud  # every packet, not 1/16
    start = next(index for index, sample in enumerate(left) if abs(sample) > 1000)
    assert goertzel_power(list(left[start : start + 1600]), 440) > 0.8  # the caller's tone
    received = backend.stats["received"]
    await phone.talk(port, bytes(160 * 50))  # recording over: filtered again
    await asyncio.sleep(0.05)
    assert backend.stats["received"] - received <= 50 // SAMPLE + 2
    phone.close()


@pytest.mark.parametrize("how", ["engine told not to", "not Linux"])
async def test_without_the_filter_every_packet_is_read(
    how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "not Linux":
        monkeypatch.setattr(engine_module, "FILTER_SUPPORTED", False)
    backend = BuiltinMediaBackend(
        PROMPTS.__getitem__,
        lambda event: None,
        ports=POOL,
        filter_queued_audio=how != "engine told not to",
    )
    phone = Phone(0x91)
    caller = _queue(backend, phone)
    port = backend._legs[caller].endpoint.port
    await _lock(backend, phone, caller)
    received = backend.stats["received"]
    await phone.talk(port, bytes(160 * 50))
    await asyncio.sleep(0.05)
    assert backend.stats["received"] - received == 50
    await backend.close()
    phone.close()
