"""Relaying a bridged peer's packets onto a leg's own outgoing stream (RFC 3550 §5.1).

The phone on a leg must see one stream whatever feeds it (prompts, the other leg, DTMF):
one SSRC, sequence numbers and timestamps that go on where they left off. So when a relayed
source starts (or changes SSRC) its sequence numbers and timestamps are shifted by fixed
offsets that make its first packet follow the stream's last one, with the marker set to tell
the jitter buffer. After that the offsets stay fixed: a packet the sender lost leaves a gap in
the sequence and a reordered one keeps its place, so the receiver still sees both (issue 11
§3). Only a newer packet moves the stream on, so the player resumes after the newest.
"""

from __future__ import annotations

from vaxel.media.rtp import RTP_HEADER, RtpStream

__all__ = ["Relay"]

_FRAME_SAMPLES = 160


class Relay:
    """The offsets of the source being relayed onto one leg's ``stream``."""

    __slots__ = ("_sequence_offset", "_source", "_timestamp_offset", "stream")

    def __init__(self, stream: RtpStream) -> None:
        self.stream = stream
        self._source: int | None = None
        self._sequence_offset = 0
        self._timestamp_offset = 0

    def restart(self) -> None:
        """The stream went on without the relay (a new bridge, DTMF sent by the engine):
        the next relayed packet is anchored anew."""
        self._source = None

    def rewrite(
        self, ssrc: int, sequence: int, timestamp: int, marker: bool
    ) -> tuple[int, int, bool]:
        """(sequence, timestamp, marker) for a relayed packet on the leg's stream."""
        stream = self.stream
        if self._source != ssrc:
            self._source = ssrc
            self._timestamp_offset = (stream.timestamp + _FRAME_SAMPLES - timestamp) & 0xFFFFFFFF
            self._sequence_offset = (stream.sequence + 1 - sequence) & 0xFFFF
            marker = True
        timestamp = (timestamp + self._timestamp_offset) & 0xFFFFFFFF
        sequence = (sequence + self._sequence_offset) & 0xFFFF
        if (sequence - stream.sequence) & 0xFFFF < 0x8000:  # newer: the stream moves on
            stream.sequence = sequence
            if (timestamp - stream.timestamp) & 0xFFFFFFFF < 0x80000000:
                stream.timestamp = timestamp
        return sequence, timestamp, marker

    def header(
        self, payload_type: int, ssrc: int, sequence: int, timestamp: int, marker: bool
    ) -> bytes:
        """The 12-byte header of a relayed packet on the leg's stream: ``rewrite`` and
        ``rtp_header`` in one call, for the bridge's hot path (issue 11, Benchmarks)."""
        stream = self.stream
        if self._source != ssrc:
            sequence, timestamp, marker = self.rewrite(ssrc, sequence, timestamp, marker)
        else:
            timestamp = (timestamp + self._timestamp_offset) & 0xFFFFFFFF
            sequence = (sequence + self._sequence_offset) & 0xFFFF
            if (sequence - stream.sequence) & 0xFFFF < 0x8000:  # newer: the stream moves on
                stream.sequence = sequence
                if (timestamp - stream.timestamp) & 0xFFFFFFFF < 0x80000000:
                    stream.timestamp = timestamp
        return RTP_HEADER.pack(
            0x80, (0x80 if marker else 0) | (payload_type & 0x7F), sequence, timestamp, stream.ssrc
        )
