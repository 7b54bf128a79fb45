"""The built-in media engine's clock: every playing endpoint's next 20 ms frame, on time.

One ticker task for all endpoints, on an absolute schedule (tick k at start + k·20 ms, so
errors never accumulate); hundreds of calls cost one timer. Endpoints are spread over
``SLOTS`` phases of the 20 ms period (endpoint k sends at start + n·20 ms + (k mod SLOTS)·
20/SLOTS ms), so a thousand calls are a thousand small sends spread evenly, not one burst
that makes the last packets late. Time is ``time.monotonic`` throughout, for the schedule
and for the error measured.

Media timeout (issue 11 §3): about once a second the ticker checks each endpoint whose peer
is ``sendrecv``, a phase's endpoints after that phase's frames (2,000 at once took 0.8 ms, a
phase late once a second); one that accepted no RTP for the timeout is reported once as
``MediaTimeout`` (see ``vaxel.media.silence``). A ``sendonly`` or ``inactive`` peer (hold)
is not watched and is sent nothing (RFC 3264 §6.1).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable

from vaxel.media.backend import MediaEvent, MediaTimeout, PlaybackFinished
from vaxel.media.engine_leg import Leg, send
from vaxel.media.engine_listen import Listeners
from vaxel.media.engine_wire import RtpReceiver
from vaxel.media.g711 import alaw_to_ulaw, ulaw_to_alaw
from vaxel.media.mixer import Mixer
from vaxel.media.player import FRAME_BYTES
from vaxel.media.rtp import RTP_HEADER

__all__ = ["READ_SLICE_S", "SLOTS", "TICK_S", "Ticker"]

log = logging.getLogger(__name__)
TICK_S = 0.020
SLOTS = 10
STALL_S = 0.2
"""A tick this late means the machine stalled: the schedule starts anew from now."""
BEHIND_S = TICK_S / SLOTS
"""A tick later than one phase: the engine is behind, and its receive path drains sockets
(``RtpReceiver.behind``) instead of reading one datagram per wake-up."""
READ_SLICE_S = BEHIND_S / 2
"""After a phase's work the loop's readers (bridged and conference legs) may read at least
this long, even when the next phase is already due (``RtpReceiver.yield_at``): under
overload relayed audio still flows, and a burst of it delays a phase by about this much,
not by the whole burst."""


class Ticker:
    """Sends the frames of the endpoints it holds, each on its phase of the 20 ms period."""

    def __init__(
        self,
        legs: dict[str, Leg],
        stats: dict[str, int],
        on_event: Callable[[MediaEvent], None],
        media_timeout_s: float | None,
        rooms: dict[str, Mixer] | None = None,
    ) -> None:
        self.legs = legs
        self.rooms: dict[str, Mixer] = {} if rooms is None else rooms
        self.cycle = 0
        """Counts 20 ms periods: a room is mixed once a period, whichever phase comes first."""
        self._mixed: dict[str, tuple[int, dict[str, bytes]]] = {}
        self.stats = stats
        self.on_event = on_event
        self.media_timeout_s = media_timeout_s
        self.phases: list[dict[Leg, None]] = [{} for _ in range(SLOTS)]
        """The legs of each phase, in the order they came; a dict, so a release is O(1)."""
        self._phase_of: dict[Leg, int] = {}
        self.timing_errors: deque[float] = deque(maxlen=200_000)
        self._silence_check_s = min(1.0, (media_timeout_s or 1.0) / 5)
        self._next_silence_check = [0.0] * SLOTS
        self.receiver: RtpReceiver | None = None
        """Told whether the engine is behind (see ``BEHIND_S``)."""
        self.listeners: Listeners | None = None
        """Listening legs, read right after their phase's frames went (``engine_listen``)."""

    def add(self, leg: Leg) -> None:
        phase = min(range(SLOTS), key=lambda index: len(self.phases[index]))  # evenly loaded
        self.phases[phase][leg] = None
        self._phase_of[leg] = phase

    def remove(self, leg: Leg) -> None:
        phase = self._phase_of.pop(leg, None)
        if phase is not None:
            del self.phases[phase][leg]
        if self.listeners is not None:
            self.listeners.remove(leg)

    def listen(self, leg: Leg, listening: bool) -> None:
        """Whether the ticker reads ``leg`` (it only listens) or the loop's reader does."""
        phase = self._phase_of.get(leg)
        if self.listeners is None or phase is None:
            return
        if listening:
            self.listeners.add(leg, phase)
        else:
            self.listeners.remove(leg)

    async def run(self) -> None:
        """Tick while any endpoint is allocated."""
        try:
            await self._run()
        finally:  # no phase will come: the readers read as they please
            if self.receiver is not None:
                self.receiver.yield_at = float("inf")

    async def _run(self) -> None:
        step = TICK_S / SLOTS
        due = time.monotonic()
        phase = 0
        while self.legs:
            due += step
            phase = (phase + 1) % SLOTS
            delay = due - time.monotonic()
            if self.receiver is not None:
                self.receiver.behind = delay < -BEHIND_S
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                self.stats["late_ticks"] += 1
                if delay < -STALL_S:
                    due = time.monotonic()
                await asyncio.sleep(0)
            try:
                self.tick(due, phase)  # the frames first: under overload input waits
                if self.listeners is not None:
                    self.listeners.drain(phase, due + step)
                if self.media_timeout_s is not None and due >= self._next_silence_check[phase]:
                    self._next_silence_check[phase] = due + self._silence_check_s
                    self.check_silence(due, phase)
            except Exception:
                log.exception("media tick failed")
            if self.receiver is not None:
                self.receiver.yield_at = max(due + step, time.monotonic() + READ_SLICE_S)

    def tick(self, due: float, phase: int) -> None:
        """Send this phase's frames.

        The hot path of a queue full of callers hearing music (issue 11, Benchmarks: ≥ 2,000
        per core): ``Player.frame`` (a frame of the shared comfort loop, by index), the header
        packed inline (no packet object, no stream call), one ``send`` per frame (``sendto``
        until the phone is locked); everything else — DTMF, rooms, hold — leaves it. Copying
        the player's comfort branch in here saved 392 of ~10,900 instructions a frame
        (callgrind) but no CPU time that could be measured (BENCHMARKS.md): not done."""
        events: list[MediaEvent] = []
        note_error = self.timing_errors.append
        monotonic = time.monotonic
        pack = RTP_HEADER.pack
        sent = 0
        if phase == 0:
            self.cycle += 1
        for leg in self.phases[phase]:
            player = leg.player
            if leg.room:
                sent += self._send_room_frame(leg, due)
            elif not leg.sending:
                if leg.remote is not None and not leg.bridged_to:
                    player.frame()  # on hold: the prompt runs on, the clock too
                    leg.stream.timestamp = (leg.stream.timestamp + FRAME_BYTES) & 0xFFFFFFFF
            elif leg.dtmf_out:
                sent += self._send_dtmf_packet(leg)
            elif not leg.bridged_to and leg.peer is not None:
                frame = player.frame()  # a comfort frame is a shared Loop's, by index
                remote = leg.remote
                assert remote is not None
                stream = leg.stream
                stream.sequence = sequence = (stream.sequence + 1) & 0xFFFF
                stream.timestamp = timestamp = (stream.timestamp + FRAME_BYTES) & 0xFFFFFFFF
                data = pack(0x80, remote.payload_type & 0x7F, sequence, timestamp, stream.ssrc) + (
                    frame if remote.codec == "PCMU" else ulaw_to_alaw(frame)
                )
                try:
                    if leg.connected:  # the locked phone: no address to parse
                        leg.sock.send(data)
                    else:
                        leg.sock.sendto(data, leg.peer)
                except OSError:
                    pass
                else:
                    leg.sent += 1
                    sent += 1
                    if leg.recording is not None:
                        leg.recording.heard(frame, stream.ssrc, timestamp, monotonic())
                note_error(monotonic() - due)
            if player.finished:
                for playback_id in player.finished:
                    if playback_id in leg.playback_ids:
                        del leg.playback_ids[playback_id]
                        events.append(PlaybackFinished(leg.endpoint.endpoint_id, playback_id))
                player.finished.clear()
        self.stats["sent"] += sent
        if events:
            self._report(events)

    def _send_room_frame(self, leg: Leg, due: float) -> int:
        """A conference participant's frame: a prompt meant for it alone (if one plays),
        else what the room's mix has for it, already in its own codec; 1 if sent."""
        room_id = leg.room
        cached = self._mixed.get(room_id)
        if cached is None or cached[0] != self.cycle:
            room = self.rooms.get(room_id)
            cached = self._mixed[room_id] = (self.cycle, room.mix() if room else {})
        mixed = cached[1].get(leg.endpoint.endpoint_id)
        remote = leg.remote
        if not leg.sending or remote is None or leg.peer is None:
            leg.stream.timestamp = (leg.stream.timestamp + FRAME_BYTES) & 0xFFFFFFFF
            return 0
        if leg.dtmf_out:
            return self._send_dtmf_packet(leg)
        if leg.player.playing or mixed is None:
            frame = leg.player.frame()
            payload = frame if remote.codec == "PCMU" else ulaw_to_alaw(frame)
        else:
            payload = mixed
        stream = leg.stream
        try:
            send(leg, stream.next_header(remote.payload_type, FRAME_BYTES) + payload)
        except OSError:
            return 0
        leg.sent += 1
        if leg.recording is not None:
            heard = payload if remote.codec == "PCMU" else alaw_to_ulaw(payload)
            leg.recording.heard(heard, stream.ssrc, stream.timestamp, time.monotonic())
        self.timing_errors.append(time.monotonic() - due)
        return 1

    def forget_room(self, room_id: str) -> None:
        self._mixed.pop(room_id, None)

    def check_silence(self, now: float, phase: int | None = None) -> None:
        """Report each ``sendrecv`` peer that has sent nothing for the timeout (once), of
        ``phase`` or of every phase."""
        timeouts: list[MediaEvent] = []
        for leg in self.legs.values() if phase is None else self.phases[phase]:
            watch, remote = leg.silence, leg.remote
            if watch is None or remote is None:
                continue
            silent = watch.check(leg.received, remote.direction.watched_for_timeout, now)
            if silent is not None:
                timeouts.append(MediaTimeout(leg.endpoint.endpoint_id, silent))
        self._report(timeouts)

    def _report(self, events: list[MediaEvent]) -> None:
        for event in events:
            try:
                self.on_event(event)
            except Exception:
                log.exception("media event handler failed")

    def _send_dtmf_packet(self, leg: Leg) -> int:
        """The next packet of the DTMF the leg sends (RFC 4733); 1 if one was sent."""
        remote = leg.remote
        assert remote is not None
        payload, marker = leg.dtmf_out.popleft()
        if remote.telephone_event_pt is None:
            leg.dtmf_out.clear()
            return 0
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
        if leg.peer is None:
            return 0
        try:
            send(leg, packet.to_bytes())
        except OSError:
            return 0
        leg.sent += 1
        return 1
