"""RTP packets and an outgoing stream's counters (RFC 3550 §5.1).

A stream keeps one SSRC, a sequence number that rises by one per packet and a timestamp in
sample units (8000 Hz for G.711), both wrapping modulo 2^16 / 2^32. Whatever feeds the
stream — the prompt player, a bridged peer, DTMF — the receiver sees one continuous stream,
so its jitter buffer never sees a jump.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["RTP_HEADER", "RtpError", "RtpPacket", "RtpStream", "parse_rtp", "rtp_header"]

RTP_HEADER = struct.Struct("!BBHII")
"""The fixed 12-byte header: V/P/X/CC, M/PT, sequence, timestamp, SSRC."""


class RtpError(ValueError):
    """Bytes that are not an RTP packet."""


@dataclass(frozen=True, slots=True)
class RtpPacket:
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes
    marker: bool = False

    def to_bytes(self) -> bytes:
        second = (0x80 if self.marker else 0) | (self.payload_type & 0x7F)
        return (
            RTP_HEADER.pack(
                0x80,
                second,
                self.sequence & 0xFFFF,
                self.timestamp & 0xFFFFFFFF,
                self.ssrc & 0xFFFFFFFF,
            )
            + self.payload
        )


def rtp_header(payload_type: int, sequence: int, timestamp: int, ssrc: int, marker: bool) -> bytes:
    """A 12-byte header (no CSRC, no extension): ``RtpPacket.to_bytes`` without the object."""
    second = (0x80 if marker else 0) | (payload_type & 0x7F)
    return RTP_HEADER.pack(0x80, second, sequence & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc)


def parse_rtp(data: bytes) -> RtpPacket:
    if len(data) < 12:
        raise RtpError("RTP packet shorter than its header")
    first, second, sequence, timestamp, ssrc = RTP_HEADER.unpack_from(data)
    if first >> 6 != 2:
        raise RtpError("not RTP version 2")
    offset = 12 + 4 * (first & 0x0F)
    if first & 0x10:
        if len(data) < offset + 4:
            raise RtpError("truncated RTP header extension")
        (words,) = struct.unpack_from("!H", data, offset + 2)
        offset += 4 + 4 * words
    end = len(data)
    if first & 0x20:
        if end == 0 or data[-1] > end - offset:
            raise RtpError("bad RTP padding")
        end -= data[-1]
    if offset > end:
        raise RtpError("RTP header longer than the packet")
    return RtpPacket(
        second & 0x7F, sequence, timestamp, ssrc, bytes(data[offset:end]), bool(second & 0x80)
    )


class RtpStream:
    """The counters of one outgoing stream."""

    __slots__ = ("sequence", "ssrc", "timestamp")

    def __init__(self, ssrc: int, sequence: int = 0, timestamp: int = 0) -> None:
        self.ssrc = ssrc
        self.sequence = sequence & 0xFFFF
        self.timestamp = timestamp & 0xFFFFFFFF

    def packet(
        self,
        payload_type: int,
        payload: bytes,
        samples: int,
        *,
        marker: bool = False,
        timestamp: int | None = None,
    ) -> RtpPacket:
        """The next packet; advances the timestamp by ``samples`` unless one is given."""
        self.sequence = (self.sequence + 1) & 0xFFFF
        if timestamp is None:
            self.timestamp = (self.timestamp + samples) & 0xFFFFFFFF
            timestamp = self.timestamp
        return RtpPacket(payload_type, self.sequence, timestamp, self.ssrc, payload, marker)

    def next_header(self, payload_type: int, samples: int) -> bytes:
        """The next packet's 12-byte header, advancing sequence and timestamp: ``packet``
        without the packet object, for the engine's per-frame hot path."""
        self.sequence = sequence = (self.sequence + 1) & 0xFFFF
        self.timestamp = timestamp = (self.timestamp + samples) & 0xFFFFFFFF
        return RTP_HEADER.pack(0x80, payload_type & 0x7F, sequence, timestamp, self.ssrc)
