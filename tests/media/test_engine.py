"""The built-in media engine against raw UDP "phones" on 127.0.0.1: prompts, DTMF, bridge,
recording (Q10, REC1, RFC 3550, RFC 4733)."""

from __future__ import annotations

import array
import asyncio
import itertools
import socket
import wave
from pathlib import Path

from vaxel.media.backend import DtmfReceived, MediaEvent, PlaybackFinished, RemoteMedia
from vaxel.media.dtmf import TelephoneEvent, dtmf_payloads, goertzel_power
from vaxel.media.engine import BuiltinMediaBackend
from vaxel.media.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_to_alaw
from vaxel.media.player import Comfort
from vaxel.media.rtp import RtpPacket, RtpStream, parse_rtp
from vaxel.media.tones import tone_pcm, tone_ulaw

PROMPTS = {"tone-1k": tone_ulaw(1000, 400), "music_on_hold": tone_ulaw(600, 1000)}


class Phone:
    """A UDP socket standing in for a phone's RTP stack."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.stream = RtpStream(0x1234)

    def received(self) -> list[RtpPacket]:
        packets = []
        while True:
            try:
                packets.append(parse_rtp(self.sock.recv(2048)))
            except BlockingIOError:
                return packets

    def send(self, port: int, packet: RtpPacket) -> None:
        self.sock.sendto(packet.to_bytes(), ("127.0.0.1", port))


def samples(payload: bytes, codec: str = "PCMU") -> list[int]:
    pcm = ulaw_decode(payload) if codec == "PCMU" else alaw_decode(payload)
    return list(array.array("h", pcm))


async def test_callers_sharing_the_music_each_hear_it_whole_from_its_start() -> None:
    """Q10, issue 11 (Benchmarks): the music's frames are cut once and shared by every caller
    hearing it, yet each caller hears it from its own beginning, byte for byte and without a
    seam, on its own RTP stream — in µ-law, or in A-law for a phone that chose PCMA."""
    music = bytes(range(256)) * 7  # 1,792 bytes: not a whole number of frames
    engine = BuiltinMediaBackend(
        {"music_on_hold": music}.__getitem__, lambda e: None, ports=(33500, 33598)
    )
    phones = [Phone(), Phone(), Phone()]
    codecs = [(0, "PCMU"), (8, "PCMA"), (0, "PCMU")]
    endpoints = []
    for phone, (payload_type, codec) in zip(phones, codecs, strict=True):
        endpoint = engine.allocate("queue")
        engine.set_remote(
            endpoint.endpoint_id, RemoteMedia("127.0.0.1", phone.port, payload_type, codec)
        )
        engine.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
        endpoints.append(endpoint)
        await asyncio.sleep(0.07)  # each caller joins the queue a few frames after the last
    await asyncio.sleep(0.5)
    ssrcs = set()
    for phone, (payload_type, codec) in zip(phones, codecs, strict=True):
        packets = phone.received()
        assert len(packets) >= 20
        heard = b"".join(p.payload for p in packets)
        looped = music * (len(heard) // len(music) + 1)
        assert heard == (looped if codec == "PCMU" else ulaw_to_alaw(looped))[: len(heard)]
        assert {p.payload_type for p in packets} == {payload_type}
        assert all((b.sequence - a.sequence) & 0xFFFF == 1 for a, b in itertools.pairwise(packets))
        assert all(
            (b.timestamp - a.timestamp) & 0xFFFFFFFF == 160 for a, b in itertools.pairwise(packets)
        )
        ssrcs.add(packets[0].ssrc)
    assert len(ssrcs) == 3  # a stream of its own each
    await engine.close()


async def test_prompt_then_comfort_music_and_dtmf_reported_once() -> None:
    events: list[MediaEvent] = []
    engine = BuiltinMediaBackend(PROMPTS.__getitem__, events.append, ports=(31000, 31100))
    phone = Phone()
    endpoint = engine.allocate("call")
    engine.set_remote(endpoint.endpoint_id, RemoteMedia("127.0.0.1", phone.port, 0, "PCMU", 101))
    engine.set_comfort(endpoint.endpoint_id, Comfort.MUSIC)
    playback = engine.play(endpoint.endpoint_id, ["tone-1k"])
    await asyncio.sleep(0.6)
    packets = phone.received()
    assert PlaybackFinished(endpoint.endpoint_id, playback) in events
    audio = [s for p in packets[:20] for s in samples(p.payload)]
    assert goertzel_power(audio, 1000) > 0.8  # the prompt first …
    tail = [s for p in packets[-5:] for s in samples(p.payload)]
    assert goertzel_power(tail, 600) > 0.8  # … then music, never silence (Q10)
    sequence = [p.sequence for p in packets]
    assert all((b - a) & 0xFFFF == 1 for a, b in itertools.pairwise(sequence))
    assert len({p.ssrc for p in packets}) == 1

    for payload, marker in dtmf_payloads("5"):
        phone.send(
            endpoint.port, phone.stream.packet(101, payload, 0, marker=marker, timestamp=8000)
        )
    await asyncio.sleep(0.05)
    assert [e for e in events if isinstance(e, DtmfReceived)] == [
        DtmfReceived(endpoint.endpoint_id, "5")
    ]

    engine.send_dtmf(endpoint.endpoint_id, "#")
    await asyncio.sleep(0.3)
    sent_events = [
        TelephoneEvent.parse(p.payload) for p in phone.received() if p.payload_type == 101
    ]
    assert {e.digit for e in sent_events} == {"#"} and sum(e.end for e in sent_events) == 3
    await engine.close()


def sounding(channel: array.array[int]) -> list[int]:
    """The channel from its first to its last audible sample."""
    loud = [n for n, sample in enumerate(channel) if abs(sample) > 8]
    return list(channel[loud[0] : loud[-1] + 1]) if loud else []


async def test_bridge_relays_a_tone_between_pcmu_and_pcma_phones_and_records_it(
    tmp_path: Path,
) -> None:
    engine = BuiltinMediaBackend(PROMPTS.__getitem__, lambda e: None, ports=(31200, 31300))
    caller, agent = Phone(), Phone()
    a, b = engine.allocate("caller"), engine.allocate("agent")
    engine.set_remote(a.endpoint_id, RemoteMedia("127.0.0.1", caller.port, 0, "PCMU", 101))
    engine.set_remote(b.endpoint_id, RemoteMedia("127.0.0.1", agent.port, 8, "PCMA", 101))
    engine.bridge(a.endpoint_id, b.endpoint_id)
    engine.start_recording(a.endpoint_id, str(tmp_path / "call.wav"))
    await asyncio.sleep(0.05)
    caller.received(), agent.received()
    tone = tone_ulaw(1000, 400)
    low = alaw_encode(tone_pcm((440.0,), 400))
    for n in range(20):
        caller.send(a.port, caller.stream.packet(0, tone[n * 160 : (n + 1) * 160], 160))
        agent.send(b.port, agent.stream.packet(8, low[n * 160 : (n + 1) * 160], 160))
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.05)
    at_agent = [p for p in agent.received() if p.payload_type == 8]
    at_caller = [p for p in caller.received() if p.payload_type == 0]
    assert len(at_agent) >= 18 and len(at_caller) >= 18
    assert goertzel_power([s for p in at_agent for s in samples(p.payload, "PCMA")], 1000) > 0.8
    assert goertzel_power([s for p in at_caller for s in samples(p.payload)], 440) > 0.8
    engine.stop_recording(a.endpoint_id)
    with wave.open(str(tmp_path / "call.wav")) as recording:
        assert recording.getnchannels() == 2 and recording.getframerate() == 8000
        frames = array.array("h", recording.readframes(recording.getnframes()))
    # Both channels are on the recording's timeline (REC1): each starts with the 50 ms
    # before anyone spoke, so the tone is measured where it sounds.
    assert goertzel_power(sounding(frames[0::2]), 1000) > 0.8  # left: what the caller said
    assert goertzel_power(sounding(frames[1::2]), 440) > 0.8  # right: what the caller heard
    await engine.close()
