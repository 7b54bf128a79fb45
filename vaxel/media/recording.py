"""A call recording's two channels on one timeline (REC1): left what the phone said, right
what it heard.

Appending packets as they come shifts one channel against the other as soon as a phone
starts talking late or stops sending in silence, and words no longer line up. So each
channel places audio by time instead: the first packet of a stream (an SSRC) is placed at
the moment it arrived, counted from the start of the recording, and every later packet of
that stream by its RTP timestamp relative to the first (RFC 3550 §5.1: the sampling clock),
so network jitter moves nothing. What nobody said is silence. A timestamp that would place
audio far from when it arrived (a new stream without a new SSRC, a jump) anchors the stream
anew. Sans-I/O: ``now`` comes in, µ-law bytes go in, 16-bit stereo PCM comes out.
"""

from __future__ import annotations

import array

from vaxel.media.g711 import ULAW_SILENCE, ulaw_decode

__all__ = ["StereoRecording"]

RATE = 8000
_DRIFT = RATE // 2
"""Samples (0.5 s) a packet may land away from its arrival time before the stream re-anchors."""


class _Channel:
    __slots__ = ("_anchor", "audio")

    def __init__(self) -> None:
        self.audio = bytearray()
        self._anchor: tuple[int, int, int] | None = None
        """(ssrc, RTP timestamp, sample position) of the stream's anchoring packet."""

    def put(self, payload: bytes, ssrc: int, timestamp: int, arrived: int) -> None:
        """Place ``payload`` (µ-law) that arrived at sample ``arrived`` of the recording."""
        anchor = self._anchor
        position = -1
        if anchor is not None and anchor[0] == ssrc:
            step = (timestamp - anchor[1]) & 0xFFFFFFFF
            if step >= 0x80000000:
                step -= 0x100000000  # an older packet, reordered on the wire
            position = anchor[2] + step
        if position < 0 or abs(position - arrived) > _DRIFT:
            position = arrived
            self._anchor = (ssrc, timestamp, arrived)
        end = position + len(payload)
        if end > len(self.audio):
            self.audio.extend(bytes([ULAW_SILENCE]) * (end - len(self.audio)))
        self.audio[position:end] = payload


class StereoRecording:
    """One endpoint's recording, started at ``started`` (seconds, the engine's clock)."""

    __slots__ = ("_heard", "_said", "path", "started")

    def __init__(self, path: str, started: float) -> None:
        self.path = path
        self.started = started
        self._said = _Channel()
        self._heard = _Channel()

    def _sample(self, now: float) -> int:
        return max(0, round((now - self.started) * RATE))

    def said(self, payload: bytes, ssrc: int, timestamp: int, now: float) -> None:
        """Audio from the phone (µ-law), as received."""
        self._said.put(payload, ssrc, timestamp, self._sample(now))

    def heard(self, payload: bytes, ssrc: int, timestamp: int, now: float) -> None:
        """Audio sent to the phone (µ-law), on the endpoint's own outgoing stream."""
        self._heard.put(payload, ssrc, timestamp, self._sample(now))

    def stereo_pcm(self) -> bytes:
        """Interleaved 16-bit little-endian samples, left said, right heard, equal length."""
        left, right = self._said.audio, self._heard.audio
        length = max(len(left), len(right))
        silence = bytes([ULAW_SILENCE])
        left_pcm = array.array("h", ulaw_decode(bytes(left) + silence * (length - len(left))))
        right_pcm = array.array("h", ulaw_decode(bytes(right) + silence * (length - len(right))))
        samples = array.array("h", bytes(4 * length))
        samples[0::2] = left_pcm
        samples[1::2] = right_pcm
        return samples.tobytes()
