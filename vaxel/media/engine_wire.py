"""The built-in media engine's receive path: a datagram in, a DTMF digit or a relayed packet out.

Each endpoint's socket is read when the loop says it is readable. A packet is taken only
from the phone the SDP names (``vaxel.media.engine_leg.accepts``); with no bridge its
telephone-events become digits, and with a bridge it is relayed at once onto the other leg's
own stream (``vaxel.media.relay``), transcoding PCMU↔PCMA when the legs differ. This is the
hot path of bridged calls: one ``recv``, one header unpack, one header pack, one ``send``
(with addresses only until the phones are locked: ``engine_leg.connect``), and no packet
object for the common 12-byte header.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from vaxel.media.backend import DtmfReceived, MediaEvent
from vaxel.media.engine_leg import Leg, accepts, connect
from vaxel.media.g711 import alaw_to_ulaw, ulaw_to_alaw
from vaxel.media.mixer import Mixer
from vaxel.media.rtp import RTP_HEADER, RtpError, parse_rtp, rtp_header

__all__ = ["RtpReceiver"]

_PLAIN_RTP = 0x80
"""The first header byte of RTP version 2 with no padding, extension or CSRC: the payload
starts at byte 12 and runs to the end."""


class RtpReceiver:
    """Reads the endpoints' sockets; ``legs`` and ``stats`` are the engine's own."""

    __slots__ = ("behind", "legs", "on_event", "rooms", "stats", "yield_at")

    def __init__(
        self,
        legs: dict[str, Leg],
        stats: dict[str, int],
        on_event: Callable[[MediaEvent], None],
        rooms: dict[str, Mixer] | None = None,
    ) -> None:
        self.legs = legs
        self.stats = stats
        self.on_event = on_event
        self.rooms: dict[str, Mixer] = {} if rooms is None else rooms
        self.behind = False
        """Set by the ticker while its ticks are late: read sockets to the end."""
        self.yield_at = float("inf")
        """Set by the ticker: the ``time.monotonic`` instant its next phase is due (or its
        readers' slice ends, ``engine_ticker.READ_SLICE_S``); readers stop there."""

    def readable(self, leg: Leg) -> None:
        """Read the leg's socket (called by the loop's reader): one datagram while the engine
        keeps up, everything waiting once it falls behind (``behind``).

        A phone sends one packet per 20 ms, so a wake-up normally finds one datagram, and a
        drain's last ``recvfrom`` only raised BlockingIOError — whose message, built from
        ``strerror`` in the locale's encoding, cost as much as relaying the packet (callgrind:
        one relayed packet with the drain, see BENCHMARKS.md). Level-triggered readiness
        brings the loop back for a second datagram. But when the engine falls behind, each
        waiting datagram would cost a turn of the loop (12.5 µs a packet instead of 7.2 with
        250 bridged pairs on a starved core, load average 15): then it drains again.

        Either way it stops once the ticker's next phase is due (``yield_at``), leaving
        the datagrams to the loop's next turn: the loop calls every ready socket's reader
        before its timers, so a burst of relayed packets (a thousand bridged legs, or
        sockets drained after a stall) would otherwise hold the callers' frames back for
        as long as relaying it takes (issue 11).
        """
        sock = leg.sock
        monotonic = time.monotonic
        while True:
            if monotonic() > self.yield_at:
                return  # level-triggered: the loop comes back once the ticker has run
            try:
                if leg.connected:  # only the locked phone gets through: no address to build
                    data, source = sock.recv(2048), leg.peer
                else:
                    data, source = sock.recvfrom(2048)
            except OSError:  # BlockingIOError: drained; else an ICMP error for an earlier send
                return
            self.received(leg, data, source)  # type: ignore[arg-type]  # peer: set if connected
            if not self.behind:
                return

    def drain(self, leg: Leg, budget: int) -> int:
        """Read up to ``budget`` datagrams of a listening leg (``engine_listen``): what is
        left waits for the next tick or, past the socket's buffer, is dropped by the kernel;
        returns how many were read."""
        sock = leg.sock
        for count in range(budget):
            try:
                if leg.connected:
                    data, source = sock.recv(2048), leg.peer
                else:
                    data, source = sock.recvfrom(2048)
            except OSError:  # drained, or an ICMP error for an earlier send
                return count
            self.received(leg, data, source)  # type: ignore[arg-type]  # peer: set if connected
        return budget

    def received(self, leg: Leg, data: bytes, source: tuple[str, int]) -> None:
        """One datagram from ``source`` (an IPv4 socket's (host, port))."""
        if len(data) > 12 and data[0] == _PLAIN_RTP:
            _, second, sequence, timestamp, ssrc = RTP_HEADER.unpack_from(data)
            payload = data[12:]
            payload_type, marker = second & 0x7F, second > 0x7F
        else:
            try:
                packet = parse_rtp(data)
            except RtpError:
                self.stats["bad_packets"] += 1
                return
            payload_type, marker, payload = packet.payload_type, packet.marker, packet.payload
            sequence, timestamp, ssrc = packet.sequence, packet.timestamp, packet.ssrc
        remote = leg.remote
        if remote is None or (
            # the locked phone (the common case, no call); else the latching rule decides
            not (leg.locked and source == leg.peer)
            and not accepts(leg, remote, source, time.monotonic())
        ):
            self.stats["foreign_packets"] += 1
            return  # only the phone the SDP names may speak or press keys
        if leg.locked and not leg.connected:
            connect(leg)  # from now on the kernel filters, and no address is passed
        self.stats["received"] += 1
        leg.received += 1
        if not leg.sending and remote.await_rtp and remote.direction.peer_receives:
            leg.sending = True  # the phone asked for this media: now it may hear (A4)
        is_event = payload_type == remote.telephone_event_pt
        if not is_event and payload_type != remote.payload_type:
            return  # comfort noise or a codec we did not agree on
        if not is_event and leg.recording is not None:
            said = payload if remote.codec == "PCMU" else alaw_to_ulaw(payload)
            leg.recording.said(said, ssrc, timestamp, time.monotonic())
        if leg.room and not is_event:  # a conference: the mixer takes it (PBX6)
            room = self.rooms.get(leg.room)
            if room is not None:
                room.put(leg.endpoint.endpoint_id, payload)
            return
        other = self.legs.get(leg.bridged_to) if leg.bridged_to else None
        target = other.remote if other is not None else None
        if other is None or target is None or other.peer is None:
            if is_event:
                digit = leg.dtmf_in.handle(payload, timestamp)
                if digit is not None:
                    self.on_event(DtmfReceived(leg.endpoint.endpoint_id, digit))
            return
        # Relay onto the other leg's own stream, with its payload type and codec.
        if not other.sending:  # its remote's direction.peer_receives, kept by set_remote
            return  # the other phone holds the call: it hears nothing
        if is_event:
            if target.telephone_event_pt is None:
                return
            payload_type = target.telephone_event_pt
        else:
            payload_type = target.payload_type
            if remote.codec != target.codec:
                payload = ulaw_to_alaw(payload) if remote.codec == "PCMU" else alaw_to_ulaw(payload)
        stream, recording = other.stream, other.recording
        if recording is None:
            header = other.relay.header(payload_type, ssrc, sequence, timestamp, marker)
        else:
            sequence, timestamp, marker = other.relay.rewrite(ssrc, sequence, timestamp, marker)
            header = rtp_header(payload_type, sequence, timestamp, stream.ssrc, marker)
        try:
            if other.connected:
                other.sock.send(header + payload)
            else:
                other.sock.sendto(header + payload, other.peer)
        except OSError:
            return
        other.sent += 1
        self.stats["sent"] += 1
        if recording is not None and not is_event:
            heard = payload if target.codec == "PCMU" else alaw_to_ulaw(payload)
            recording.heard(heard, stream.ssrc, timestamp, time.monotonic())
