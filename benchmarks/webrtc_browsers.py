"""The far ends of ``benchmarks.webrtc_calls``, in a process of their own (issue 15): N aiortc
peers playing the browsers (DTLS-SRTP, a 1000 Hz tone as microphone) and N plain RTP legs
playing what the media engine would send and hear (a 1500 Hz PCMU tone every 20 ms).

Run by ``benchmarks.webrtc_calls`` as ``python -m benchmarks.webrtc_browsers CORE``; one JSON
object a line on stdin, one answer a line on stdout:

- ``{"open": n}`` → ``{"offers": [sdp, ...], "rtp_ports": [port, ...]}`` (offers with all
  their candidates, as the page sends them);
- ``{"answers": [sdp, ...]}`` → ``{"connected": k}`` once the peers are up (or after 30 s);
- ``{"targets": [port, ...]}`` → ``{"ok": true}``: each RTP leg sends to its port from now;
- ``{"count": true}`` → frames heard per leg since the last count: ``srtp`` (the browser's
  received audio frames), ``srtp_tone`` (of those, with sound), ``rtp`` (packets the plain
  legs got), and ``seconds`` since the last count;
- ``{"close": true}`` closes everything and exits.

Not a test: it is the load, so it does the least a browser and a phone do.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import math
import os
import socket
import struct
import sys
from fractions import Fraction
from typing import Any

from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame

from vaxel.media.g711 import ulaw_encode

RATE = 8000
FRAME = 160
FRAME_S = FRAME / RATE


def tone(hz: float) -> bytes:
    """One 20 ms frame of a tone (a whole number of cycles for 1000 and 1500 Hz)."""
    samples = [int(8000 * math.sin(2 * math.pi * hz * n / RATE)) for n in range(FRAME)]
    return array.array("h", samples).tobytes()


class Microphone(MediaStreamTrack):
    """The browser's microphone: a 1000 Hz tone, one frame per 20 ms."""

    kind = "audio"
    PCM = tone(1000)

    def __init__(self) -> None:
        super().__init__()
        self._start: float | None = None
        self._frames = 0

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        loop = asyncio.get_running_loop()
        if self._start is None:
            self._start = loop.time()
        wait = self._start + self._frames * FRAME_S - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = AudioFrame(format="s16", layout="mono", samples=FRAME)
        frame.planes[0].update(self.PCM)
        frame.sample_rate = RATE
        frame.pts = self._frames * FRAME
        frame.time_base = Fraction(1, RATE)
        self._frames += 1
        return frame


class Browsers:
    def __init__(self) -> None:
        self.peers: list[RTCPeerConnection] = []
        self.socks: list[socket.socket] = []
        self.targets: list[int] = []
        self.srtp: list[int] = []
        self.srtp_tone: list[int] = []
        self.rtp: list[int] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.counted_at = 0.0

    async def open(self, n: int) -> dict[str, Any]:
        offers = []
        self.srtp, self.srtp_tone, self.rtp = [0] * n, [0] * n, [0] * n
        for index in range(n):
            peer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            peer.addTrack(Microphone())
            peer.on("track", lambda track, i=index: self._listen(i, track))
            await peer.setLocalDescription(await peer.createOffer())
            offers.append(peer.localDescription.sdp)
            self.peers.append(peer)
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind(("127.0.0.1", 0))
            sock.setblocking(False)
            asyncio.get_running_loop().add_reader(sock.fileno(), self._drain, index, sock)
            self.socks.append(sock)
        return {"offers": offers, "rtp_ports": [s.getsockname()[1] for s in self.socks]}

    def _listen(self, index: int, track: MediaStreamTrack) -> None:
        task = asyncio.ensure_future(self._hear(index, track))
        self.tasks.add(task)

    async def _hear(self, index: int, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                self.srtp[index] += 1
                if max(array.array("h", bytes(frame.planes[0]))) > 1000:
                    self.srtp_tone[index] += 1

    def _drain(self, index: int, sock: socket.socket) -> None:
        with contextlib.suppress(BlockingIOError):
            while True:
                sock.recv(2048)
                self.rtp[index] += 1

    async def answered(self, answers: list[str]) -> dict[str, Any]:
        for peer, sdp in zip(self.peers, answers, strict=True):
            await peer.setRemoteDescription(RTCSessionDescription(sdp, "answer"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while loop.time() < deadline:
            up = sum(peer.connectionState == "connected" for peer in self.peers)
            if up == len(self.peers):
                break
            await asyncio.sleep(0.05)
        return {"connected": sum(peer.connectionState == "connected" for peer in self.peers)}

    def start_rtp(self, targets: list[int]) -> None:
        self.targets = targets
        task = asyncio.ensure_future(self._engine_side())
        self.tasks.add(task)

    async def _engine_side(self) -> None:
        """Every 20 ms one PCMU packet to each leg's RTP side, as the engine sends."""
        payload = ulaw_encode(tone(1500))
        loop = asyncio.get_running_loop()
        start, tick = loop.time(), 0
        ssrc = os.getpid() & 0xFFFFFFFF
        while True:
            header = struct.pack(
                "!BBHII", 0x80, 0, tick & 0xFFFF, (tick * FRAME) & 0xFFFFFFFF, ssrc
            )
            packet = header + payload
            for sock, port in zip(self.socks, self.targets, strict=False):
                with contextlib.suppress(OSError):
                    sock.sendto(packet, ("127.0.0.1", port))
            tick += 1
            wait = start + tick * FRAME_S - loop.time()
            await asyncio.sleep(max(0.0, wait))

    def count(self) -> dict[str, Any]:
        now = asyncio.get_running_loop().time()
        counts: dict[str, Any] = {"srtp": self.srtp, "srtp_tone": self.srtp_tone, "rtp": self.rtp}
        counts["seconds"] = now - self.counted_at
        self.counted_at = now
        n = len(self.peers)
        self.srtp, self.srtp_tone, self.rtp = [0] * n, [0] * n, [0] * n
        return counts

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for peer in self.peers:
            await peer.close()
        for sock in self.socks:
            asyncio.get_running_loop().remove_reader(sock.fileno())
            sock.close()


async def serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)  # 60 answers are ~200 KB
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    browsers = Browsers()

    def say(answer: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()

    while line := await reader.readline():
        order = json.loads(line)
        if "open" in order:
            say(await browsers.open(int(order["open"])))
        elif "answers" in order:
            say(await browsers.answered(order["answers"]))
        elif "targets" in order:
            browsers.start_rtp(order["targets"])
            say({"ok": True})
        elif "count" in order:
            say(browsers.count())
        elif "close" in order:
            await browsers.close()
            say({"closed": True})
            return


def main() -> None:
    if len(sys.argv) > 1 and hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {int(sys.argv[1])})
    asyncio.run(serve())


if __name__ == "__main__":
    main()
