"""The built-in media engine: RTP over asyncio UDP sockets, one shared 20 ms clock.

This module holds the endpoints: one UDP socket per endpoint on a random even port of the
range (issue 10 §2: ports handed out in sequence told an attacker where the next call would
be), read with ``loop.add_reader``; what each plays, whom it is bridged to, what it records.
Its parts: ``engine_leg`` (an endpoint's state and whom it listens to), ``engine_wire`` (the
receive path: DTMF in, bridged packets relayed onto the other leg's own stream, RFC 3550
§5.1), ``engine_ticker`` (the one ticker task that sends every playing endpoint's frame),
``engine_listen``, ``engine_quiet`` and ``engine_filter`` (a queued caller's input: read by
the ticker, most of its audio dropped in the kernel while nobody needs it), and ``mixer``
for conference rooms (PBX6: a leg in a room feeds the room's mix and hears it).

Whom a leg listens to is set here from the SDP: its address and port, and for ``learn_s``
after it the phone's NAT-ed source (symmetric RTP). Addresses are IP literals only, so a
send never resolves a name on the event loop. Recordings are stereo WAV: left what the phone
sent, right what it heard (REC1).
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
from pathlib import Path
from typing import Protocol

from vaxel.media.backend import (
    Endpoint,
    JoinTone,
    MediaError,
    MediaEvent,
    PortsExhausted,
    RemoteMedia,
)
from vaxel.media.dtmf import dtmf_payloads
from vaxel.media.engine_filter import SUPPORTED as FILTER_SUPPORTED
from vaxel.media.engine_filter import sample_for
from vaxel.media.engine_leg import Leg, disconnect
from vaxel.media.engine_listen import Listeners
from vaxel.media.engine_quiet import QueuedAudioFilter
from vaxel.media.engine_ticker import SLOTS, Ticker
from vaxel.media.engine_wire import RtpReceiver
from vaxel.media.mixer import Mixer, law_of
from vaxel.media.player import Comfort, Loop
from vaxel.media.recording import StereoRecording
from vaxel.media.relay import Relay
from vaxel.media.rtp import RtpStream
from vaxel.media.silence import SilenceWatch
from vaxel.media.tones import join_tone_pcm, leave_tone_pcm, ringback_ulaw, warning_tone_pcm

__all__ = ["BuiltinMediaBackend", "MediaError"]

log = logging.getLogger(__name__)

LEARN_S = 3.0
"""How long after an SDP a NAT-ed phone's real RTP source may still be learned."""
MAX_LOOPS = 32
"""Comfort loops kept for sharing (music per tenant, ringback): a bound, not a working set."""
MEDIA_TIMEOUT_S = 30.0
"""How long a ``sendrecv`` peer may send no RTP before ``MediaTimeout`` (setting
``media_timeout_s``)."""


class PortRandomness(Protocol):
    """What port choice needs of ``random.Random`` (seeded in tests) or ``secrets``."""

    def randrange(self, start: int, stop: int | None = ..., step: int = ...) -> int: ...


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
        filter_queued_audio: bool = True,
    ) -> None:
        """``media_timeout_s`` None: never report a silent peer. ``filter_queued_audio``:
        the kernel drops most of a queued caller's audio (``engine_filter``; False for the
        benchmarks' comparison)."""
        self.prompts = prompts
        self.on_event = on_event
        self.host = host
        self.ports = ports
        self.randomness: PortRandomness = randomness or secrets.SystemRandom()
        self.learn_s = learn_s
        if media_timeout_s is not None and not media_timeout_s > 0:
            raise ValueError(f"media_timeout_s must be positive, got {media_timeout_s!r}")
        self.media_timeout_s = media_timeout_s
        filtered = filter_queued_audio and FILTER_SUPPORTED
        self._sample = sample_for(media_timeout_s) if filtered else 1
        self._legs: dict[str, Leg] = {}
        self._in_use: set[int] = set()
        self._ticker_task: asyncio.Task[None] | None = None
        self._sequence = 0
        self.stats = {
            "sent": 0,
            "received": 0,
            "bad_packets": 0,
            "foreign_packets": 0,
            "late_ticks": 0,
        }
        self._rooms: dict[str, Mixer] = {}
        self._loops: dict[bytes, Loop] = {}
        self._receiver = RtpReceiver(self._legs, self.stats, on_event, self._rooms)
        self._ticker = Ticker(self._legs, self.stats, on_event, media_timeout_s, self._rooms)
        self._ticker.receiver = self._receiver
        self._filter = QueuedAudioFilter(self._sample, lambda leg: leg in self._listeners)
        self._listeners = Listeners(
            SLOTS, self._receiver.drain, self._filter.update, clock=time.monotonic
        )
        self._ticker.listeners = self._listeners
        self.timing_errors: deque[float] = self._ticker.timing_errors
        """Each sent frame's lateness against its slot, in seconds (for the benchmarks)."""
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
        leg = Leg(endpoint, sock, stream, Relay(stream))
        self._legs[endpoint.endpoint_id] = leg
        self._ticker.add(leg)
        self._ticker.listen(leg, True)  # until bridged or in a room: read by the ticker
        loop = asyncio.get_running_loop()
        if self._ticker_task is None or self._ticker_task.done():
            self._ticker_task = loop.create_task(self._ticker.run())
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

    def _leg(self, endpoint_id: str) -> Leg:
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
        leg.sending = remote.direction.peer_receives and not (remote.await_rtp and not leg.received)
        if leg.room:
            self._rooms[leg.room].set_law(endpoint_id, law_of(remote.codec))
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
            disconnect(leg)  # the new phone may send from elsewhere: the rule decides anew
            leg.peer = (remote.address, remote.port)
            leg.locked = False
            leg.learn_until = now + self.learn_s
        self._filter.update(leg)  # the phone moved, or its payload type changed

    def release(self, endpoint_id: str) -> None:
        leg = self._legs.pop(endpoint_id, None)
        if leg is None:
            return
        self._ticker.remove(leg)
        if leg.room:
            self._leave(leg)
        if leg.recording is not None:
            self._write_recording(leg)
        other = self._legs.get(leg.bridged_to)
        if other is not None and other.bridged_to == endpoint_id:
            other.bridged_to = ""
            self._read_by(other)
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
            leg.player.set_comfort(self._loop(ringback_ulaw()))
        elif comfort is Comfort.MUSIC:
            leg.player.set_comfort(self._loop(self.prompts(music_id or "music_on_hold")))
        else:
            leg.player.set_comfort(b"")

    def _loop(self, audio: bytes) -> Loop:
        """The one ``Loop`` of ``audio`` every leg looping it shares (its frames cut once)."""
        loop = self._loops.get(audio)
        if loop is None:
            if len(self._loops) >= MAX_LOOPS:  # the oldest goes; its players keep theirs
                del self._loops[next(iter(self._loops))]
            loop = self._loops[audio] = Loop(audio)
        return loop

    def bridge(self, a: str, b: str) -> None:
        first, second = self._leg(a), self._leg(b)
        first.bridged_to, second.bridged_to = b, a
        first.relay.restart()
        second.relay.restart()
        self._read_by(first)
        self._read_by(second)

    def _read_by(self, leg: Leg) -> None:
        """A leg whose packets are relayed or mixed is read as they come (a readiness
        callback); one that only listens is read by the ticker after its frames went, in a
        bounded batch (``engine_listen``: under overload, input waits, not what callers
        hear)."""
        relays = bool(leg.bridged_to or leg.room)
        listening = leg in self._listeners
        if relays == listening:
            fd = leg.sock.fileno()
            loop = asyncio.get_running_loop()
            if relays:
                self._ticker.listen(leg, False)
                loop.add_reader(fd, self._receiver.readable, leg)
            else:
                loop.remove_reader(fd)
                self._ticker.listen(leg, True)
        self._filter.update(leg)

    def unbridge(self, endpoint_id: str) -> None:
        leg = self._leg(endpoint_id)
        other = self._legs.get(leg.bridged_to)
        leg.bridged_to = ""
        self._read_by(leg)
        if other is not None:
            other.bridged_to = ""
            self._read_by(other)

    # -- conference rooms (PBX6) ------------------------------------------------------------

    def join_room(
        self, endpoint_id: str, room_id: str, *, muted: bool = False, tone: JoinTone = JoinTone.JOIN
    ) -> None:
        """The leg hears room ``room_id``'s mix and is heard in it; everyone hears ``tone``.
        Raises ``MediaError`` when the room is full (the mixer's ceiling)."""
        leg = self._leg(endpoint_id)
        if leg.bridged_to:
            self.unbridge(endpoint_id)
        if leg.room and leg.room != room_id:
            self._leave(leg)
        room = self._rooms.get(room_id)
        if room is None:
            room = self._rooms[room_id] = Mixer()
        codec = leg.remote.codec if leg.remote is not None else "PCMU"
        try:
            room.add(endpoint_id, law_of(codec), muted=muted)
        except ValueError as error:
            if not room:
                del self._rooms[room_id]
            raise MediaError(str(error)) from None
        leg.room = room_id
        self._read_by(leg)
        if tone is not JoinTone.NONE:
            room.announce(join_tone_pcm() if tone is JoinTone.JOIN else warning_tone_pcm())

    def leave_room(self, endpoint_id: str) -> None:
        """The leg leaves its room (if any); those left hear the leave tone."""
        leg = self._leg(endpoint_id)
        if leg.room:
            self._leave(leg)

    def set_muted(self, endpoint_id: str, muted: bool) -> None:
        """Whether the room hears this leg (the leg still hears the room)."""
        leg = self._leg(endpoint_id)
        room = self._rooms.get(leg.room)
        if room is not None:
            room.set_muted(endpoint_id, muted)

    def _leave(self, leg: Leg) -> None:
        room_id, leg.room = leg.room, ""
        if leg.endpoint.endpoint_id in self._legs:  # not being released
            self._read_by(leg)
        room = self._rooms.get(room_id)
        if room is None:
            return
        room.remove(leg.endpoint.endpoint_id)
        if room:
            room.announce(leave_tone_pcm())
        else:
            del self._rooms[room_id]
            self._ticker.forget_room(room_id)

    def send_dtmf(self, endpoint_id: str, digit: str) -> None:
        leg = self._leg(endpoint_id)
        leg.dtmf_out.extend(dtmf_payloads(digit))

    def start_recording(self, endpoint_id: str, path: str) -> None:
        leg = self._leg(endpoint_id)
        leg.recording = StereoRecording(path, time.monotonic())
        self._filter.update(leg)  # what the phone says is wanted now, every packet

    def stop_recording(self, endpoint_id: str) -> None:
        leg = self._leg(endpoint_id)
        if leg.recording is not None:
            self._write_recording(leg)
            self._filter.update(leg)

    def _write_recording(self, leg: Leg) -> None:
        recording, leg.recording = leg.recording, None
        assert recording is not None
        path = Path(recording.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with wave.open(str(path), "wb") as out:
                out.setnchannels(2)
                out.setsampwidth(2)
                out.setframerate(8000)
                out.writeframes(recording.stereo_pcm())
        except OSError as error:  # a full disk costs the recording, not the call or its port
            log.error("recording %s could not be written: %s", path, error)

    async def close(self) -> None:
        for endpoint_id in list(self._legs):
            self.release(endpoint_id)
        if self._ticker_task is not None:
            self._ticker_task.cancel()
