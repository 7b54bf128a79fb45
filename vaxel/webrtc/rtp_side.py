"""The browser phone's RTP side toward the media engine (issue 15 §1): a UDP socket on the
switch's host, μ-law both ways, so nothing is transcoded between the engine and aiortc.

- What the engine sends (PCMU) is decoded into a short buffer that :class:`EngineAudio`,
  aiortc's sending track, reads every 20 ms; the buffer keeps at most ``MAX_BUFFER_S``, so
  a stalled browser never builds up delay (the oldest audio is dropped).
- What the browser sends (aiortc decodes it to 8 kHz linear samples) is cut into 20 ms
  PCMU packets toward the engine's address from the SDP, unless the call is held.
- A key pressed in the page goes out as RFC 4733 events on the same stream, in the payload
  type the engine offered (100 ms tone, three end packets).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from fractions import Fraction

from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame

from vaxel.media.dtmf import dtmf_payloads
from vaxel.media.g711 import ulaw_decode, ulaw_encode
from vaxel.media.rtp import RtpError, RtpStream, parse_rtp

__all__ = ["FRAME_SAMPLES", "MAX_BUFFER_S", "EngineAudio", "RtpSide"]

SAMPLE_RATE = 8000
FRAME_SAMPLES = 160
"""20 ms at 8 kHz: the engine's packet and aiortc's PCMU frame."""
FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
MAX_BUFFER_S = 0.2
PCMU = 0
Address = tuple[str, int]


class EngineAudio(MediaStreamTrack):
    """aiortc's sending track: the engine's audio, paced at one 20 ms frame per 20 ms,
    silence when nothing came (no call, or the engine is quiet)."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._pcm = bytearray()
        self._start: float | None = None
        self._frames = 0

    def push(self, pcm16: bytes) -> None:
        """Linear 16-bit samples from the engine, appended; the oldest dropped past the cap."""
        self._pcm += pcm16
        excess = len(self._pcm) - int(MAX_BUFFER_S * SAMPLE_RATE) * 2
        if excess > 0:
            del self._pcm[:excess]

    def clear(self) -> None:
        self._pcm.clear()

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._start is None or now - (self._start + self._frames * FRAME_S) > 0.1:
            self._start, self._frames = now, 0  # first frame, or the loop stalled: restart
        wait = self._start + self._frames * FRAME_S - now
        if wait > 0:
            await asyncio.sleep(wait)
        size = FRAME_SAMPLES * 2
        chunk = bytes(self._pcm[:size])
        del self._pcm[:size]
        frame = AudioFrame(format="s16", layout="mono", samples=FRAME_SAMPLES)
        frame.planes[0].update(chunk.ljust(size, b"\0"))
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self._frames * FRAME_SAMPLES
        frame.time_base = Fraction(1, SAMPLE_RATE)
        self._frames += 1
        return frame


class RtpSide(asyncio.DatagramProtocol):
    """One UDP socket between a browser phone and the media engine."""

    def __init__(self, track: EngineAudio) -> None:
        self.track = track
        self.remote: Address | None = None
        """Where the engine wants our RTP (its SDP); None while no call is connected."""
        self.event_type: int | None = None
        """The engine's telephone-event payload type (None: it offered no RFC 4733)."""
        self.held = False
        self.port = 0
        self._transport: asyncio.DatagramTransport | None = None
        self._stream = RtpStream(secrets.randbits(32), secrets.randbits(16), secrets.randbits(32))
        self._outgoing = bytearray()
        self._keys: asyncio.Task[None] | None = None

    async def open(self, host: str) -> int:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(lambda: self, local_addr=(host, 0))
        self._transport = transport
        self.port = int(transport.get_extra_info("sockname")[1])
        return self.port

    def close(self) -> None:
        self.stop()
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def start(self, remote: Address, event_type: int | None) -> None:
        self.remote, self.event_type, self.held = remote, event_type, False
        self._outgoing.clear()
        self.track.clear()

    def stop(self) -> None:
        self.remote = None
        self.track.clear()
        if self._keys is not None:
            self._keys.cancel()
            self._keys = None

    # -- from the engine ------------------------------------------------------------------

    def datagram_received(self, data: bytes, addr: Address) -> None:
        if self.remote is None:
            return  # no call: nothing to hear
        try:
            packet = parse_rtp(data)
        except RtpError:
            return
        if packet.payload_type == PCMU:
            self.track.push(ulaw_decode(packet.payload))

    # -- toward the engine ----------------------------------------------------------------

    def send_samples(self, pcm16: bytes) -> None:
        """The browser's audio (8 kHz linear), sent in 20 ms packets while a call is up."""
        if self.remote is None or self.held or self._transport is None:
            return
        self._outgoing += pcm16
        size = FRAME_SAMPLES * 2
        while len(self._outgoing) >= size:
            chunk = bytes(self._outgoing[:size])
            del self._outgoing[:size]
            packet = self._stream.packet(PCMU, ulaw_encode(chunk), FRAME_SAMPLES)
            self._transport.sendto(packet.to_bytes(), self.remote)

    def send_key(self, digit: str) -> bool:
        """One key as RFC 4733 events; False when the engine takes none or a key is still
        being sent."""
        if self.remote is None or self.event_type is None:
            return False
        if self._keys is not None and not self._keys.done():
            return False
        self._keys = asyncio.ensure_future(self._send_key(digit, self.event_type, self.remote))
        return True

    async def _send_key(self, digit: str, event_type: int, remote: Address) -> None:
        start = self._stream.timestamp
        with contextlib.suppress(OSError):
            for payload, marker in dtmf_payloads(digit):
                if self._transport is None or self.remote != remote:
                    return
                packet = self._stream.packet(event_type, payload, 0, marker=marker, timestamp=start)
                self._transport.sendto(packet.to_bytes(), remote)
                await asyncio.sleep(FRAME_S)
