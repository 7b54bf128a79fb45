"""DTMF as RFC 4733 telephone events, and in-band tone detection (Goertzel) for checks.

Receiving: one key press is one event, identified by its RTP timestamp; it arrives as a
start packet (marker), updates and three end packets. It is reported once — on its first
packet — whatever is lost or repeated. Sending: start with marker, updates every 20 ms,
three end packets, all with the event's timestamp (RFC 4733 §2.5).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "DIGITS",
    "DtmfReceiver",
    "TelephoneEvent",
    "detect_dtmf_digit",
    "dtmf_payloads",
    "goertzel_power",
]

DIGITS = "0123456789*#ABCD"
_FORMAT = struct.Struct("!BBH")


@dataclass(frozen=True, slots=True)
class TelephoneEvent:
    digit: str
    end: bool
    volume: int
    duration: int

    @classmethod
    def parse(cls, payload: bytes) -> TelephoneEvent:
        if len(payload) < 4:
            raise ValueError("telephone-event payload shorter than 4 bytes")
        event, flags, duration = _FORMAT.unpack_from(payload)
        if event >= len(DIGITS):
            raise ValueError(f"telephone-event {event} is not a DTMF key")
        return cls(DIGITS[event], bool(flags & 0x80), flags & 0x3F, duration)

    def to_bytes(self) -> bytes:
        flags = (0x80 if self.end else 0) | (self.volume & 0x3F)
        return _FORMAT.pack(DIGITS.index(self.digit), flags, self.duration & 0xFFFF)


class DtmfReceiver:
    """Turns telephone-event packets into key presses, each exactly once."""

    def __init__(self) -> None:
        self._seen: list[int] = []

    def handle(self, payload: bytes, timestamp: int) -> str | None:
        try:
            event = TelephoneEvent.parse(payload)
        except ValueError:
            return None
        if timestamp in self._seen:
            return None
        self._seen.append(timestamp)
        del self._seen[:-8]
        return event.digit


def dtmf_payloads(
    digit: str, duration_ms: int = 100, volume: int = 10
) -> Iterator[tuple[bytes, bool]]:
    """(payload, marker) for each 20 ms packet of one key press, end repeated three times."""
    if digit not in DIGITS:
        raise ValueError(f"{digit!r} is not a DTMF key")
    steps = max(1, duration_ms // 20)
    for step in range(1, steps + 1):
        yield TelephoneEvent(digit, False, volume, step * 160).to_bytes(), step == 1
    for _ in range(3):
        yield TelephoneEvent(digit, True, volume, steps * 160).to_bytes(), False


def goertzel_power(samples: list[int], frequency: float, sample_rate: int = 8000) -> float:
    """Relative power of ``frequency`` in ``samples`` (0…1 of the signal's energy)."""
    if not samples:
        return 0.0
    coefficient = 2 * math.cos(2 * math.pi * frequency / sample_rate)
    previous = before = 0.0
    for sample in samples:
        previous, before = sample + coefficient * previous - before, previous
    power = previous * previous + before * before - coefficient * previous * before
    energy = sum(s * s for s in samples) or 1.0
    return float(power / (energy * len(samples) / 2))


_ROWS = (697, 770, 852, 941)
_COLUMNS = (1209, 1336, 1477, 1633)
_KEYPAD = ("123A", "456B", "789C", "*0#D")


def detect_dtmf_digit(samples: list[int], sample_rate: int = 8000) -> str | None:
    """The DTMF key sounding in ``samples`` (in-band), or None."""
    rows = [goertzel_power(samples, f, sample_rate) for f in _ROWS]
    columns = [goertzel_power(samples, f, sample_rate) for f in _COLUMNS]
    row, column = max(range(4), key=rows.__getitem__), max(range(4), key=columns.__getitem__)
    if rows[row] < 0.2 or columns[column] < 0.2:
        return None
    return _KEYPAD[row][column]
