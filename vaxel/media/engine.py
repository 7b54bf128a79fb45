"""The built-in media engine: RTP over asyncio UDP sockets, one shared 20 ms clock.

One UDP socket per endpoint on a random even port of the range (issue 10 §2: ports handed
out in sequence told an attacker where the next call would be), read with ``loop.add_reader``.
Every endpoint that is not bridged sends one 20 ms frame per tick of ONE ticker task, on an
absolute schedule (tick k at start + k·20 ms, so errors never accumulate); hundreds of
calls cost one timer. Bridged endpoints relay what they receive at once, rewritten onto
the other leg's own stream (SSRC, sequence, timestamp — RFC 3550 §5.1), transcoding
PCMU↔PCMA when the legs differ.

Whom a leg listens to (issue 10 §2: latching onto the first packet from anyone let an attacker
take over a call's audio and DTMF): packets from the SDP's address and port are always taken,
and lock the leg to it. A phone behind NAT sends from another port, or from its SIP source
host instead of the private address in its SDP; for ``learn_s`` after the SDP arrives the leg
follows (symmetric RTP) a packet from the SDP's host or the signalling host. Everything else
is dropped and counted in ``stats["foreign_packets"]``. Addresses are IP literals only, so a
send never resolves a name on the event loop. Recordings are stereo WAV: left what the phone
sent, right what it heard (REC1).

Media timeout (issue 11 §3): about once a second the ticker checks each endpoint whose peer
is ``sendrecv``; one that accepted no RTP for ``media_timeout_s`` is reported once as
``MediaTimeout`` (see ``vaxel.media.silence``). A ``sendonly`` or ``inactive`` peer (hold)
is not watched and is sent nothing (RFC 3264 §6.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import secrets
import socket
import time
import wave
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from vaxel.media.backend import (
    DtmfReceived,
    Endpoint,
    MediaError,
    MediaEvent,
    MediaTimeout,
    PlaybackFinished,
    PortsExhausted,
    RemoteMedia,
)
from vaxel.media.dtmf import DtmfReceiver, dtmf_payloads
from vaxel.media.g711 import alaw_to_ulaw, ulaw_to_alaw
from vaxel.media.player import FRAME_BYTES, Comfort, Player
from vaxel.media.recording import StereoRecording
from vaxel.media.relay import Relay
from vaxel.media.rtp import RtpError, RtpPacket, RtpStream, parse_rtp, rtp_header
from vaxel.media.silence import SilenceWatch
from vaxel.media.tones import ringback_ulaw

__all__ = ["BuiltinMediaBackend", "MediaError"]

log = logging.getLogger(__name__)
TICK_S = 0.020
SLOTS = 10
LEARN_S = 3.0
"""How long after an SDP a NAT-ed phone's real RTP source may still be learned."""
MEDIA_TIMEOUT_S = 30.0
"""How long a ``sendrecv`` peer may send no RTP before ``MediaTimeout`` (setting
``media_timeout_s``)."""


class PortRandomness(Protocol):
    """What port choice needs of ``random.Random`` (seeded in tests) or ``secrets``."""

    def randrange(self, start: int, stop: int | None = ..., step: int = ...) -> int: ...


@dataclass(slots=True)
class _Leg:
    endpoint: Endpoint
    sock: socket.socket
    stream: RtpStream
    relay: Relay
    player: Player = field(default_factory=Player)
    remote: RemoteMedia | None = None
    peer: tuple[str, int] | None = None
    locked: bool = False
    learn_until: float = 0.0
    bridged_to: str = ""
    dtmf_in: DtmfReceiver = field(default_factory=DtmfReceiver)
    dtmf_out: deque[tuple[bytes, bool]] = field(default_factory=deque)
    dtmf_timestamp: int = 0
    playback_ids: dict[str, None] = field(default_factory=dict)
    recording: StereoRecording | None = None
    received: int = 0
    sent: int = 0
    silence: SilenceWatch | None = None
    sending: bool = False
    """An SDP is known and its peer receives: the ticker's one test per frame."""


class BuiltinMediaBackend:
    """``MediaBackend`` on asyncio sockets. ``prompts`` loads a prompt id as µ-law bytes."""

    def __init__(
        self,
        prompts: Callable[[str], bytes],
        on_event: Callable[[MediaEvent], None],
        *,
        host: str = "127.0.0.1",
        ports: tuple[int, int] = (20000, 29998),
        randomness: PortRandomness | None = None,
        learn_s: float = LEARN_S,
        media_timeout_s: float | None = MEDIA_TIMEOUT_S,
    ) -> None:
        """``media_timeout_s`` None: never report a silent peer."""
        self.prompts = prompts
        self.on_event = on_event
        self.host = host
        self.ports = ports
        self.randomness: PortRandomness = randomness or secrets.SystemRandom()
        self.learn_s = learn_s
        if media_timeout_s is not None and not media_timeout_s > 0:
            raise ValueError(f"media_timeout_s must be positive, got {media_timeout_s!r}")
        self.media_timeout_s = media_timeout_s
        self._silence_check_s = min(1.0, (media_timeout_s or 1.0) / 5)
        self._next_silence_check = 0.0
        self._legs: dict[str, _Leg] = {}
        self._phases: list[list[_Leg]] = [[] for _ in range(SLOTS)]
        self._in_use: set[int] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._sequence = 0
        self.timing_errors: deque[float] = deque(maxlen=200_000)
        self.stats = {
            "sent": 0,
            "received": 0,
            "bad_packets": 0,
            "foreign_packets": 0,
            "late_ticks": 0,
        }
        ringback_ulaw()  # build the G.711 tables now, not during the first call

    # -- endpoints -------------------------------------------------------------------------

    def allocate(self, session_id: str) -> Endpoint:
        sock = self._bind()
        port = sock.getsockname()[1]
        self._in_use.add(port)
        self._sequence += 1
        endpoint = Endpoint(f"{session_id}/{self._sequence}", self.host, port)
        ssrc = int.from_bytes(os.urandom(4), "big")
        stream = RtpStream(
            ssrc, int.from_bytes(os.urandom(2), "big"), int.from_bytes(os.urandom(4), "big")
        )
        leg = _Leg(endpoint, sock, stream, Relay(stream))
        self._legs[endpoint.endpoint_id] = leg
        min(self._phases, key=len).append(leg)  # keep the phases evenly loaded
        loop = asyncio.get_running_loop()
        loop.add_reader(sock.fileno(), self._readable, leg)
        if self._ticker is None or self._ticker.done():
            self._ticker = loop.create_task(self._tick_forever())
        return endpoint

    def _bind(self) -> socket.socket:
        """A socket on a free even port, from a random point of the range onwards."""
        low, high = self.ports
        span = (high - low) // 2 + 1
        start = self.randomness.randrange(span)
        for step in range(span):
            port = low + 2 * ((start + step) % span)
            if port in self._in_use:
                continue
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                sock.bind((self.host, port))
            except OSError:
                sock.close()
                continue
            sock.setblocking(False)
            return sock
        raise PortsExhausted(low, high)

    def _leg(self, endpoint_id: str) -> _Leg:
        leg = self._legs.get(endpoint_id)
        if leg is None:
            raise MediaError(f"unknown media endpoint {endpoint_id}")
        return leg

    def set_remote(self, endpoint_id: str, remote: RemoteMedia) -> None:
        leg = self._leg(endpoint_id)
        for address in (remote.address, remote.signalling_host):
            if address:
                try:
                    ipaddress.ip_address(address)
                except ValueError:
                    raise MediaError(f"not an IP address: {address[:64]!r}") from None
        previous, leg.remote = leg.remote, remote
        leg.sending = remote.direction.peer_receives
        now = time.monotonic()
        if self.media_timeout_s is not None:
            if leg.silence is None:
                leg.silence = SilenceWatch(self.media_timeout_s, now)
            leg.silence.restart(now, leg.received)
        moved = previous is None or (previous.address, previous.port) != (
            remote.address,
            remote.port,
        )
        if moved and (previous is None or remote.address != "0.0.0.0"):  # 0.0.0.0: on hold
            leg.peer = (remote.address, remote.port)
            leg.locked = False
            leg.learn_until = now + self.learn_s

    def release(self, endpoint_id: str) -> None:
        leg = self._legs.pop(endpoint_id, None)
        if leg is None:
            return
        for phase in self._phases:
            if leg in phase:
                phase.remove(leg)
                break
        if leg.recording is not None:
            self._write_recording(leg)
        other = self._legs.get(leg.bridged_to)
        if other is not None and other.bridged_to == endpoint_id:
            other.bridged_to = ""
        self._in_use.discard(leg.endpoint.port)
        with contextlib.suppress(RuntimeError):  # the loop is already closed at shutdown
            asyncio.get_running_loop().remove_reader(leg.sock.fileno())
        leg.sock.close()

    # -- what the leg hears -----------------------------------------------------------------

    def play(self, endpoint_id: str, prompt_ids: Sequence[str]) -> str:
        leg = self._leg(endpoint_id)
        self._sequence += 1
        playback_id = f"p{self._sequence}"
        leg.player.play(playback_id, [self.prompts(p) for p in prompt_ids])
        leg.playback_ids[playback_id] = None
        return playback_id

    def stop_playback(self, endpoint_id: str) -> None:
        leg = self._leg(endpoint_id)
        leg.player.stop()
        leg.playback_ids.clear()

    def set_comfort(self, endpoint_id: str, comfort: Comfort, music_id: str = "") -> None:
        leg = self._leg(endpoint_id)
        if comfort is Comfort.RINGBACK:
            leg.player.set_comfort(ringback_ulaw())
        elif comfort is Comfort.MUSIC:
            leg.player.set_comfort(self.prompts(music_id or "music_on_hold"))
        else:
            leg.player.set_comfort(b"")

    def bridge(self, a: str, b: str) -> None:
        first, second = self._leg(a), self._leg(b)
        first.bridged_to, second.bridged_to = b, a
        first.relay.restart()
        second.relay.restart()

    def unbridge(self, endpoint_id: str) -> None:
        leg = self._leg(endpoint_id)
        other = self._legs.get(leg.bridged_to)
        leg.bridged_to = ""
        if other is not None:
            other.bridged_to = ""

    def send_dtmf(self, endpoint_id: str, digit: str) -> None:
        leg = self._leg(endpoint_id)
        leg.dtmf_out.extend(dtmf_payloads(digit))

    def start_recording(self, endpoint_id: str, path: str) -> None:
        leg = self._leg(endpoint_id)
        leg.recording = StereoRecording(path, time.monotonic())

    def stop_recording(self, endpoint_id: str) -> None:
        leg = self._leg(endpoint_id)
        if leg.recording is not None:
            self._write_recording(leg)

    def _write_recording(self, leg: _Leg) -> None:
        recording, leg.recording = leg.recording, None
        assert recording is not None
        path = Path(recording.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(path), "wb") as out:
            out.setnchannels(2)
            out.setsampwidth(2)
            out.setframerate(8000)
            out.writeframes(recording.stereo_pcm())

    # -- the wire ---------------------------------------------------------------------------

    def _readable(self, leg: _Leg) -> None:
        while True:
            try:
                data, source = leg.sock.recvfrom(2048)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self._received(leg, data, (source[0], source[1]))

    def _received(self, leg: _Leg, data: bytes, source: tuple[str, int]) -> None:
        try:
            packet = parse_rtp(data)
        except RtpError:
            self.stats["bad_packets"] += 1
            return
        remote = leg.remote
        if remote is None or not self._accepts(leg, remote, source):
            self.stats["foreign_packets"] += 1
            return  # only the phone the SDP names may speak or press keys
        self.stats["received"] += 1
        leg.received += 1
        is_event = packet.payload_type == remote.telephone_event_pt
        other = self._legs.get(leg.bridged_to) if leg.bridged_to else None
        if not is_event and packet.payload_type != remote.payload_type:
            return  # comfort noise or a codec we did not agree on
        if not is_event and leg.recording is not None:
            said = packet.payload if remote.codec == "PCMU" else alaw_to_ulaw(packet.payload)
            leg.recording.said(said, packet.ssrc, packet.timestamp, time.monotonic())
        if other is None or other.remote is None or other.peer is None:
            if is_event:
                digit = leg.dtmf_in.handle(packet.payload, packet.timestamp)
                if digit is not None:
                    self.on_event(DtmfReceived(leg.endpoint.endpoint_id, digit))
            return
        self._forward(packet, is_event, remote.codec, other)

    def _accepts(self, leg: _Leg, remote: RemoteMedia, source: tuple[str, int]) -> bool:
        """The latching rule (issue 10 §2, see the module docstring); follows the source."""
        if source == (remote.address, remote.port):
            leg.peer, leg.locked = source, True
            return True
        if source == leg.peer:
            return True
        if (
            not leg.locked
            and source[0] in (remote.address, remote.signalling_host)
            and time.monotonic() < leg.learn_until
        ):
            leg.peer = source  # symmetric RTP: the phone behind NAT, from its own host
            return True
        return False

    def _forward(self, packet: RtpPacket, is_event: bool, codec: str, other: _Leg) -> None:
        """Relay onto the other leg's own stream, with its payload type and codec (the
        rewrite's rules: ``vaxel.media.relay``)."""
        target = other.remote
        assert target is not None and other.peer is not None
        if not target.direction.peer_receives:
            return  # the other phone holds the call: it hears nothing
        payload = packet.payload
        if is_event:
            if target.telephone_event_pt is None:
                return
            payload_type = target.telephone_event_pt
        else:
            payload_type = target.payload_type
            if codec != target.codec:
                payload = ulaw_to_alaw(payload) if codec == "PCMU" else alaw_to_ulaw(payload)
        sequence, timestamp, marker = other.relay.rewrite(
            packet.ssrc, packet.sequence, packet.timestamp, packet.marker
        )
        stream = other.stream
        if other.peer is None:
            return
        try:
            other.sock.sendto(
                rtp_header(payload_type, sequence, timestamp, stream.ssrc, marker) + payload,
                other.peer,
            )
        except OSError:
            return
        other.sent += 1
        self.stats["sent"] += 1
        if other.recording is not None and not is_event:
            heard = payload if target.codec == "PCMU" else alaw_to_ulaw(payload)
            other.recording.heard(heard, stream.ssrc, timestamp, time.monotonic())

    def _send(self, leg: _Leg, packet: RtpPacket, heard: bytes | None) -> None:
        """Send ``packet`` to the leg's peer; ``heard`` is its audio as µ-law, to record."""
        if leg.peer is None:
            return
        try:
            leg.sock.sendto(packet.to_bytes(), leg.peer)
        except OSError:
            return
        leg.sent += 1
        self.stats["sent"] += 1
        if leg.recording is not None and heard is not None:
            leg.recording.heard(heard, packet.ssrc, packet.timestamp, time.monotonic())

    async def _tick_forever(self) -> None:
        """Send every playing endpoint's next frame on its own 20 ms slot.

        Endpoints are spread over ``SLOTS`` phases of the 20 ms period (endpoint k sends at
        start + n·20 ms + (k mod SLOTS)·20/SLOTS ms), so a thousand calls are a thousand small
        sends spread evenly, not one burst that makes the last packets late. Time is
        ``time.monotonic`` throughout, for the schedule and for the error we measure.
        """
        step = TICK_S / SLOTS
        due = time.monotonic()
        phase = 0
        while self._legs:
            due += step
            phase = (phase + 1) % SLOTS
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                self.stats["late_ticks"] += 1
                if delay < -0.2:
                    due = time.monotonic()  # the machine stalled: resynchronise
                await asyncio.sleep(0)
            try:
                self._tick(due, phase)
                if self.media_timeout_s is not None and due >= self._next_silence_check:
                    self._next_silence_check = due + self._silence_check_s
                    self._check_silence(due)
            except Exception:
                log.exception("media tick failed")

    def _tick(self, due: float, phase: int) -> None:
        """Send this phase's frames. The hot path of a queue full of callers: no packet
        objects, one header pack and one send per frame."""
        events: list[MediaEvent] = []
        errors = self.timing_errors
        monotonic = time.monotonic
        sent = 0
        for leg in self._phases[phase]:
            if not leg.sending:
                if leg.remote is not None and not leg.bridged_to:
                    leg.player.frame()  # on hold: the prompt runs on, the clock too
                    leg.stream.timestamp = (leg.stream.timestamp + FRAME_BYTES) & 0xFFFFFFFF
            elif leg.dtmf_out:
                assert leg.remote is not None
                self._send_dtmf_packet(leg, leg.remote)
            elif not leg.bridged_to and leg.peer is not None:
                remote = leg.remote
                assert remote is not None
                frame = leg.player.frame()
                stream = leg.stream
                header = stream.next_header(remote.payload_type, FRAME_BYTES)
                try:
                    leg.sock.sendto(
                        header + (frame if remote.codec == "PCMU" else ulaw_to_alaw(frame)),
                        leg.peer,
                    )
                except OSError:
                    pass
                else:
                    leg.sent += 1
                    sent += 1
                    if leg.recording is not None:
                        leg.recording.heard(frame, stream.ssrc, stream.timestamp, monotonic())
                errors.append(monotonic() - due)
            if leg.player.finished:
                for playback_id in leg.player.finished:
                    if playback_id in leg.playback_ids:
                        del leg.playback_ids[playback_id]
                        events.append(PlaybackFinished(leg.endpoint.endpoint_id, playback_id))
                leg.player.finished.clear()
        self.stats["sent"] += sent
        for event in events:
            try:
                self.on_event(event)
            except Exception:
                log.exception("media event handler failed")

    def _check_silence(self, now: float) -> None:
        """Report each ``sendrecv`` peer that has sent nothing for the timeout (once)."""
        timeouts = []
        for leg in self._legs.values():
            watch, remote = leg.silence, leg.remote
            if watch is None or remote is None:
                continue
            silent = watch.check(leg.received, remote.direction.watched_for_timeout, now)
            if silent is not None:
                timeouts.append(MediaTimeout(leg.endpoint.endpoint_id, silent))
        for event in timeouts:
            try:
                self.on_event(event)
            except Exception:
                log.exception("media event handler failed")

    def _send_dtmf_packet(self, leg: _Leg, remote: RemoteMedia) -> None:
        payload, marker = leg.dtmf_out.popleft()
        if remote.telephone_event_pt is None:
            leg.dtmf_out.clear()
            return
        stream = leg.stream
        if marker:
            leg.dtmf_timestamp = (stream.timestamp + FRAME_BYTES) & 0xFFFFFFFF
        packet = stream.packet(
            remote.telephone_event_pt, payload, 0, marker=marker, timestamp=leg.dtmf_timestamp
        )
        # The sampling clock runs on through the press, one frame per tick, so the audio
        # after it carries the timestamp it would have had (RFC 3550 §5.1).
        stream.timestamp = (stream.timestamp + FRAME_BYTES) & 0xFFFFFFFF
        leg.relay.restart()  # a relayed stream goes on from here, not from its offsets
        self._send(leg, packet, None)

    async def close(self) -> None:
        for endpoint_id in list(self._legs):
            self.release(endpoint_id)
        if self._ticker is not None:
            self._ticker.cancel()
