"""Browser phones (issue 15 §1): one aiortc RTCPeerConnection per open phone, and behind
it a SIP line (:mod:`vaxel.webrtc.line`) the switch rings like any device of the person.

The page sends its offer with every ICE candidate gathered (no trickle: aiortc gathers all
of its own before answering, and on a LAN that takes milliseconds). The answer accepts
PCMU only — browsers offer it beside Opus, and μ-law is what the media engine already
mixes and relays, so the common path never transcodes. No STUN or TURN server is used
unless configured (aiortc would otherwise ask a public STUN server): a LAN works with
host candidates, home agents need TURN (``docs/webrtc.md``).

Once the peer is answered, the phone binds its line to the person's extension
(:mod:`vaxel.webrtc.link`): calls to the extension, and queue offers to its agent, ring the
page (``ringing``) beside the desk phone. The peer stays up between calls; what the browser
sends goes to the call's RTP side only while a call is connected, and the engine's audio
comes back on the peer's sending track. What the phone hears of the browser is also kept
as the last ``KEEP_S`` seconds of 8 kHz samples (``heard``), for the tests.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import logging
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

from vaxel.webrtc import outgoing
from vaxel.webrtc.ice import IceServersOf, rtc_ice_servers
from vaxel.webrtc.line import BrowserLine
from vaxel.webrtc.link import BIND_S, SwitchLink
from vaxel.webrtc.resume import RESUME_GRACE_S, KeptCalls, new_token, resumed, worth_keeping
from vaxel.webrtc.rtp_side import EngineAudio, RtpSide
from vaxel.webrtc.unable import UNABLE_REASONS, Readiness

__all__ = [
    "KEEP_S",
    "NO_EXTENSION",
    "NO_SWITCH",
    "TRUSTED_HOST",
    "BrowserPhone",
    "BrowserPhones",
]

log = logging.getLogger(__name__)
KEEP_S = 3.0
SAMPLE_RATE = 8000
RENEW_S = BIND_S / 2
"""The binding is renewed halfway through its life, as a phone re-registers."""
CALL_COMMANDS = frozenset({"accept", "decline", "end", "hold", "dtmf", "transfer"})
NO_EXTENSION = (
    "Ansluten, men inga samtal kan nå webbtelefonen: du har ingen anknytning i växeln. "
    "Be administratören koppla en anknytning till dig."
)
TRUSTED_HOST = (
    "Webbtelefonen kan inte ringa ut: växelns egen adress är betrodd utan lösenord "
    "(sip_trusted), så samtalet skulle inte gå som från din anknytning. Be administratören "
    "ta bort den."
)
NO_SWITCH = "Ansluten, men inga samtal kan nå webbtelefonen: växeln är inte igång på servern."
Send = Callable[[dict[str, Any]], Awaitable[None]]


class BrowserPhone:
    """One signed-in person's browser tab as a phone: its peer connection, what it sends,
    and the SIP line calls reach it on."""

    def __init__(
        self,
        send: Send,
        ice_servers: Callable[[], list[dict[str, Any]]],
        on_close: Callable[[], None],
        link: SwitchLink | None = None,
        owner: tuple[str, str] = ("", ""),
        readiness: Readiness | None = None,
        kept: KeptCalls[BrowserPhone] | None = None,
    ) -> None:
        self._send = send
        self._kept = kept
        self.resume_token = ""
        """Given to the page with the answer: its next socket resumes this phone with it."""
        self.lost = asyncio.Event()
        self._attached = asyncio.Event()
        self._attached.set()
        self._readiness = readiness
        self._on_close = on_close
        self._ice_servers_now = ice_servers
        self.ice_servers: list[RTCIceServer] = []
        """What the last offer's peer was configured with."""
        self._link = link
        self.owner = owner
        self._peer: RTCPeerConnection | None = None
        self._readers: set[asyncio.Task[None]] = set()
        self._failing: set[asyncio.Future[None]] = set()
        self.samples: deque[int] = deque(maxlen=int(KEEP_S * SAMPLE_RATE))
        self.codec = ""
        self.line: BrowserLine | None = None
        self._track: EngineAudio | None = None
        self._bound: Any = None
        self._renew: asyncio.Task[None] | None = None
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._pump = asyncio.ensure_future(self._deliver())

    @property
    def media_state(self) -> str:
        """The server's peer's connection state ("connected", "failed" …); "" with none."""
        return self._peer.connectionState if self._peer is not None else ""

    def heard(self) -> list[int]:
        """The last ``KEEP_S`` seconds the browser sent, as 8 kHz linear samples."""
        return list(self.samples)

    def tell(self, message: dict[str, Any]) -> None:
        """A message to the page, in order, from the loop's callbacks (SIP, timers); held
        while the page's socket is away (``drop``)."""
        if message.get("type") == "ended" and not self._attached.is_set():
            self.lost.set()  # the kept call is over: the phone closes (vaxel.webrtc.resume)
        self._outbox.put_nowait(message)

    async def _deliver(self) -> None:
        while True:
            message = await self._outbox.get()
            await self._attached.wait()
            with contextlib.suppress(Exception):  # the socket closed: the phone closes too
                await self._send(message)
            self._outbox.task_done()

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "offer":
            await self._answer(message["sdp"])
        elif kind == "hangup":  # the phone turned off: as a closed page for the calls
            await (self._unable("closed") if self.line is not None else self._hang_up())
        elif kind == "dial":
            refusal = self._dial(message.get("number"))
            if refusal is not None:
                self.tell({"type": "error", "message": refusal})
        elif kind == "unable":
            await self._unable(str(message.get("reason")))
        elif kind in CALL_COMMANDS:
            line = self.line
            refusal = line.command(message) if line is not None else "Samtalet finns inte längre."
            if refusal is not None:
                self.tell({"type": "error", "message": refusal})
        await self._outbox.join()  # what this message caused has reached the page

    def _keeps_call(self) -> bool:
        return worth_keeping(self.line.call if self.line else None, self.media_state)

    async def drop(self) -> None:
        """The page's socket went without the server closing it (a network drop): a call
        up on a media path still connected is kept for the page's next socket
        (``vaxel.webrtc.resume``); otherwise the phone closes as ``close`` does."""
        if self._kept is None or not self._keeps_call():
            await self.close()
            return
        self._attached.clear()
        self._kept.keep(self)

    def attach(self, send: Send) -> None:
        """The page's new socket took this phone back: the call's state to it first, then
        whatever waited."""
        self._send = send
        extension = self._bound.extension if self._bound is not None else ""
        self.tell(resumed(self.line.call if self.line else None, extension))
        self._attached.set()

    async def _unable(self, reason: str) -> None:
        """The page cannot take calls (issue 15 "Bad input"): its binding goes, so the
        switch rings only the person's other phones, and an agent with none is paused
        with the reason (``vaxel.telephony.browser_readiness``)."""
        if reason not in UNABLE_REASONS:
            return
        extension = self._bound
        await self._hang_up()
        if extension is None and self._link is not None:
            extension = self._link.line(*self.owner)
        if extension is not None and self._readiness is not None:
            self._readiness.cannot_take_calls(extension, reason)

    def _peer_state(self, peer: RTCPeerConnection) -> None:
        """The server's side of the media path: failed → as the page's report; connected
        with the line bound → an agent paused for the phone is ready again."""
        if peer is not self._peer:
            return  # a peer this phone replaced or closed
        if peer.connectionState in ("failed", "closed") and not self._attached.is_set():
            self.lost.set()  # a kept call's media path is gone too
        if peer.connectionState == "failed":
            failed = asyncio.ensure_future(self._unable("media-failed"))
            self._failing.add(failed)
            failed.add_done_callback(self._failing.discard)
        elif peer.connectionState == "connected":
            self._able()

    def _able(self) -> None:
        peer, bound = self._peer, self._bound
        if peer is None or bound is None or self._readiness is None:
            return
        if peer.connectionState == "connected":
            self._readiness.can_take_calls(bound)

    def _dial(self, number: object) -> str | None:
        """A call from the page, placed as the person's extension would (issue 15 §2): the
        extension is looked up again now, so a changed password or a removed extension
        counts at once."""
        line, link = self.line, self._link
        if line is None or link is None:
            return "Webbtelefonen kan inte ringa: den har ingen anknytning i växeln."
        extension = link.line(*self.owner)
        if extension is None:
            return "Webbtelefonen kan inte ringa: den har ingen anknytning i växeln."
        if not link.dials_as_phone:
            return TRUSTED_HOST
        if not isinstance(number, str):
            return outgoing.dial_refusal(number)
        return line.dial(
            number,
            extension.extension,
            extension.display_name,
            extension.password,
            link.switch_address,
        )

    async def _answer(self, sdp: str) -> None:
        await self._hang_up()  # a new offer replaces the call the page had
        # read at each offer, off the loop (the store): a reconnect gets the admin's change
        self.ice_servers = rtc_ice_servers(await asyncio.to_thread(self._ice_servers_now))
        peer = RTCPeerConnection(RTCConfiguration(iceServers=self.ice_servers))
        self._peer = peer
        peer.on("track", self._track_arrived)
        peer.on("connectionstatechange", lambda: self._peer_state(peer))
        # the preference must be set before the offer is applied: aiortc settles the
        # codecs there, on the first audio transceiver without a mid
        pcmu = [
            codec
            for codec in RTCRtpSender.getCapabilities("audio").codecs
            if codec.mimeType.lower() == "audio/pcmu"
        ]
        self._track = EngineAudio()
        peer.addTransceiver(self._track, direction="sendrecv").setCodecPreferences(pcmu)
        try:
            await peer.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
            await peer.setLocalDescription(await peer.createAnswer())
        except (ValueError, InvalidStateError, OperationError):
            # not SDP, or no PCMU offered
            # the web words the code in the page's language; the text is its Swedish
            refusal = "Webbläsaren erbjöd inget ljud i PCMU"
            self.tell({"type": "error", "code": "no-pcmu", "message": refusal})
            await self._hang_up()
            return
        answer = peer.localDescription.sdp
        self.codec = next(
            (line.split(" ", 1)[1] for line in answer.splitlines() if line.startswith("a=rtpmap:")),
            "",
        )  # what the answer accepted, e.g. "PCMU/8000"
        self.resume_token = new_token()
        self.tell({"type": "answer", "sdp": answer, "resume": self.resume_token})
        await self._open_line(self._track)

    async def _open_line(self, track: EngineAudio) -> None:
        """Bind the person's extension to a fresh SIP line: calls ring the page from now."""
        link = self._link
        if link is None:
            self.tell({"type": "error", "code": "no-switch", "message": NO_SWITCH})
            return
        extension = link.line(*self.owner)
        if extension is None:
            self.tell({"type": "error", "code": "no-extension", "message": NO_EXTENSION})
            return
        rtp = RtpSide(track)
        await rtp.open(link.host)
        line = BrowserLine(link.host, rtp, self.tell)
        await line.start()
        self.line, self._bound = line, extension
        link.bind(extension, line.contact, line.address, BIND_S)
        self._renew = asyncio.ensure_future(self._renewing(link, line))
        self.tell({"type": "line", "extension": extension.extension})
        self._able()  # the media path may have come up before the binding

    async def _renewing(self, link: SwitchLink, line: BrowserLine) -> None:
        while True:
            await asyncio.sleep(RENEW_S)
            link.bind(self._bound, line.contact, line.address, BIND_S)

    async def _close_line(self) -> None:
        line, self.line = self.line, None
        if self._renew is not None:
            self._renew.cancel()
            self._renew = None
        if line is None:
            return
        if self._link is not None and self._bound is not None:
            self._link.bind(self._bound, line.contact, line.address, 0)
        self._bound = None
        await line.close()
        line.rtp.close()

    def _track_arrived(self, track: MediaStreamTrack) -> None:
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
                    pcm = bytes(resampled.planes[0])[: resampled.samples * 2]
                    self.samples.extend(array.array("h", pcm))
                    if self.line is not None:
                        self.line.rtp.send_samples(pcm)

    async def _hang_up(self) -> None:
        await self._close_line()
        peer, self._peer = self._peer, None
        for reader in list(self._readers):
            reader.cancel()
        if self._track is not None:
            self._track.stop()
            self._track = None
        if peer is not None:
            await peer.close()

    async def close(self) -> None:
        if self.line is not None:  # the page went while calls could reach it
            await self._unable("closed")
        await self._hang_up()
        self._pump.cancel()
        self._attached.set()
        self._on_close()


class BrowserPhones:
    """The ``SoftphonePort`` the web app's ``/telefon/ws`` opens phones through; keeps the
    open ones by (tenant, username). ``ice_servers`` gives a tenant's STUN/TURN servers
    (none: host candidates only, no public STUN server asked); ``link`` reaches the switch
    (None: no telephony on this server, the page is told calls cannot reach it)."""

    def __init__(
        self,
        ice_servers: IceServersOf | None = None,
        link: SwitchLink | None = None,
        readiness: Readiness | None = None,
        grace_s: float = RESUME_GRACE_S,
    ) -> None:
        self._ice_servers_of: IceServersOf = ice_servers or (lambda tenant_id: [])
        self.kept: KeptCalls[BrowserPhone] = KeptCalls(grace_s)
        self.link = link
        self.readiness = readiness
        self.open_phones: dict[tuple[str, str], BrowserPhone] = {}

    def open(self, tenant_id: str, username: str, send: Send) -> BrowserPhone:
        key = (tenant_id, username)

        def closed() -> None:
            if self.open_phones.get(key) is phone:
                del self.open_phones[key]

        phone = BrowserPhone(
            send,
            lambda: self._ice_servers_of(tenant_id),
            closed,
            self.link,
            key,
            self.readiness,
            self.kept,
        )
        self.open_phones[key] = phone
        return phone

    def resume(self, tenant_id: str, username: str, token: str, send: Send) -> BrowserPhone | None:
        """The phone whose socket dropped during a call, re-attached to the page's new
        socket — only for the same tenant and user, with the token its page was given;
        None otherwise (the page then makes a new peer)."""
        key = (tenant_id, username)
        phone = self.kept.take(key, token)
        if phone is None:
            return None
        self.open_phones[key] = phone
        phone.attach(send)
        return phone
