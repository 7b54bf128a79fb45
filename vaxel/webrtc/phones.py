"""Browser phones' media side (issue 15 §1): one aiortc RTCPeerConnection per open phone.

The page sends its offer with every ICE candidate gathered (no trickle: aiortc gathers all
of its own before answering, and on a LAN that takes milliseconds). The answer accepts
PCMU only — browsers offer it beside Opus, and μ-law is what the media engine already
mixes and relays, so the common path never transcodes. No STUN or TURN server is used
unless configured (aiortc would otherwise ask a public STUN server): a LAN works with
host candidates, home agents need TURN (``docs/webrtc.md``).

What the phone hears of the browser is kept as the last ``KEEP_S`` seconds of 8 kHz
linear samples: the first slice's proof that audio arrives (``heard``). Bridging it into
the media engine as a call's leg is the next step (``docs/webrtc.md``, "Left to do").
"""

from __future__ import annotations

import array
import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.exceptions import InvalidStateError, OperationError
from av import AudioResampler

__all__ = ["KEEP_S", "BrowserPhone", "BrowserPhones", "IceServersOf", "rtc_ice_servers"]

KEEP_S = 3.0
SAMPLE_RATE = 8000
Send = Callable[[dict[str, Any]], Awaitable[None]]


class BrowserPhone:
    """One signed-in person's browser tab as a phone: its peer connection and what it
    sends."""

    def __init__(
        self,
        send: Send,
        ice_servers: Callable[[], list[dict[str, Any]]],
        on_close: Callable[[], None],
    ) -> None:
        self._send = send
        self._on_close = on_close
        self._ice_servers_now = ice_servers
        self.ice_servers: list[RTCIceServer] = []
        """What the last offer's peer was configured with."""
        self._peer: RTCPeerConnection | None = None
        self._readers: set[asyncio.Task[None]] = set()
        self.samples: deque[int] = deque(maxlen=int(KEEP_S * SAMPLE_RATE))
        self.codec = ""

    def heard(self) -> list[int]:
        """The last ``KEEP_S`` seconds the browser sent, as 8 kHz linear samples."""
        return list(self.samples)

    async def handle(self, message: dict[str, Any]) -> None:
        if message["type"] == "offer":
            await self._answer(message["sdp"])
        elif message["type"] == "hangup":
            await self._hang_up()

    async def _answer(self, sdp: str) -> None:
        await self._hang_up()  # a new offer replaces the call the page had
        # read at each offer, off the loop (the store): a reconnect gets the admin's change
        self.ice_servers = rtc_ice_servers(await asyncio.to_thread(self._ice_servers_now))
        peer = RTCPeerConnection(RTCConfiguration(iceServers=self.ice_servers))
        self._peer = peer
        peer.on("track", self._track)
        # the preference must be set before the offer is applied: aiortc settles the
        # codecs there, on the first audio transceiver without a mid
        pcmu = [
            codec
            for codec in RTCRtpSender.getCapabilities("audio").codecs
            if codec.mimeType.lower() == "audio/pcmu"
        ]
        peer.addTransceiver("audio", direction="recvonly").setCodecPreferences(pcmu)
        try:
            await peer.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
            await peer.setLocalDescription(await peer.createAnswer())
        except (ValueError, InvalidStateError, OperationError):
            # not SDP, or no PCMU offered
            # the web words the code in the page's language; the text is its Swedish
            await self._send(
                {
                    "type": "error",
                    "code": "no-pcmu",
                    "message": "Webbläsaren erbjöd inget ljud i PCMU",
                }
            )
            await self._hang_up()
            return
        answer = peer.localDescription.sdp
        self.codec = next(
            (line.split(" ", 1)[1] for line in answer.splitlines() if line.startswith("a=rtpmap:")),
            "",
        )  # what the answer accepted, e.g. "PCMU/8000"
        await self._send({"type": "answer", "sdp": answer})

    def _track(self, track: MediaStreamTrack) -> None:
        if track.kind == "audio":
            reader = asyncio.ensure_future(self._read(track))
            self._readers.add(reader)
            reader.add_done_callback(self._readers.discard)

    async def _read(self, track: MediaStreamTrack) -> None:
        # aiortc hands decoded PCMU on at 48 kHz; the media engine's rate is 8 kHz
        to_engine = AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        with contextlib.suppress(Exception):  # MediaStreamError when the call ends
            while True:
                frame = await track.recv()
                for resampled in to_engine.resample(frame):  # type: ignore[arg-type]
                    samples = array.array("h", bytes(resampled.planes[0]))
                    self.samples.extend(samples[: resampled.samples])

    async def _hang_up(self) -> None:
        peer, self._peer = self._peer, None
        for reader in list(self._readers):
            reader.cancel()
        if peer is not None:
            await peer.close()

    async def close(self) -> None:
        await self._hang_up()
        self._on_close()


IceServersOf = Callable[[str], list[dict[str, Any]]]
"""A tenant's ICE servers as the page's ``RTCPeerConnection`` takes them: ``{"urls": [...],
"username": ..., "credential": ...}`` (``vaxel.store.webrtc_ice``); called in a worker
thread."""


def rtc_ice_servers(servers: list[dict[str, Any]]) -> list[RTCIceServer]:
    """The page's form of ICE servers as aiortc's: the server's peer uses the same STUN
    and TURN servers as the page (issue 15 §3)."""
    return [
        RTCIceServer(
            urls=list(server["urls"]),
            username=server.get("username") or None,
            credential=server.get("credential") or None,
        )
        for server in servers
    ]


class BrowserPhones:
    """The ``SoftphonePort`` the web app's ``/telefon/ws`` opens phones through; keeps the
    open ones by (tenant, username). ``ice_servers`` gives a tenant's STUN/TURN servers
    (none: host candidates only, no public STUN server asked)."""

    def __init__(self, ice_servers: IceServersOf | None = None) -> None:
        self._ice_servers_of: IceServersOf = ice_servers or (lambda tenant_id: [])
        self.open_phones: dict[tuple[str, str], BrowserPhone] = {}

    def open(self, tenant_id: str, username: str, send: Send) -> BrowserPhone:
        key = (tenant_id, username)

        def closed() -> None:
            if self.open_phones.get(key) is phone:
                del self.open_phones[key]

        phone = BrowserPhone(send, lambda: self._ice_servers_of(tenant_id), closed)
        self.open_phones[key] = phone
        return phone
