"""DTMF as RFC 4733 telephone events, and in-band tone detection (Goertzel) for checks.

Receiving: one key press is one event, identified by its RTP timestamp; it arrives as a
start packet (marker), updates and three end packets. It is reported once — on its first
packet — whatever is lost or repeated. A press held longer than the 16-bit duration field
(65535 samples, 8.2 s) goes on as a new segment: a new timestamp, the previous one plus its
duration, no marker (RFC 4733 §2.5.1.5) — the same press, not reported again. Sending: start
with marker, updates every 20 ms, three end packets, all with the event's timestamp
(RFC 4733 §2.5).
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


_MAX_DURATION = 0xFFFF
_SEGMENT_SLACK = 1600
"""A segment whose last update we saw within 200 ms of the 16-bit limit may be continued:
the updates in between may have been lost."""


class DtmfReceiver:
    """Turns telephone-event packets into key presses, each exactly once."""

    def __init__(self) -> None:
        self._seen: list[int] = []
        self._last: tuple[int, str, int, bool] | None = None
        """The newest event: its timestamp, key, longest duration seen and whether it ended."""

    def handle(self, payload: bytes, timestamp: int) -> str | None:
        try:
            event = TelephoneEvent.parse(payload)
        except ValueError:
            return None
        if timestamp in self._seen:
            self._note(timestamp, event)
            return None
        continued = self._continues(timestamp, event)
        self._seen.append(timestamp)
        del self._seen[:-8]
        self._last = (timestamp, event.digit, event.duration, event.end)
        return None if continued else event.digit

    def _note(self, timestamp: int, event: TelephoneEvent) -> None:
        last = self._last
        if last is not None and last[0] == timestamp:
            self._last = (timestamp, last[1], max(last[2], event.duration), last[3] or event.end)

    def _continues(self, timestamp: int, event: TelephoneEvent) -> bool:
        """Whether this new timestamp is the next segment of a long press (§2.5.1.5)."""
        last = self._last
        if last is None:
            return False
        start, digit, duration, ended = last
        step = (timestamp - start) & 0xFFFFFFFF
        return (
            digit == event.digit
            and not ended
            and duration >= _MAX_DURATION - _SEGMENT_SLACK
            and duration <= step <= _MAX_DURATION
        )


def dtmf_payloads(
    digit: str, duration_ms: int = 100, volume: int = 10
) -> Iterator[tuple[bytes, bool]]:
    """(payload, marker) for each 20 ms packet of one key press, end repeated three times."""
    if len(digit) != 1 or digit not in DIGITS:  # `in` alone takes '' and '12' as keys
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
