"""Generated audio: tones, silence and the Swedish ringback cadence (Q10: never silence).

Swedish ringback is 425 Hz, 1 s on, 5 s off (PTS, as in ITU-T E.180 for Sweden).
"""

from __future__ import annotations

import array
import math
from functools import cache

from vaxel.media.g711 import ULAW_SILENCE, ulaw_encode

__all__ = [
    "join_tone_pcm",
    "leave_tone_pcm",
    "ringback_ulaw",
    "silence_ulaw",
    "tone_pcm",
    "tone_ulaw",
    "warning_tone_pcm",
]


def tone_pcm(
    frequencies: tuple[float, ...], ms: int, amplitude: int = 8000, sample_rate: int = 8000
) -> bytes:
    count = sample_rate * ms // 1000
    share = amplitude / max(1, len(frequencies))
    samples = array.array(
        "h",
        (
            int(sum(share * math.sin(2 * math.pi * f * n / sample_rate) for f in frequencies))
            for n in range(count)
        ),
    )
    return samples.tobytes()


def tone_ulaw(frequency: float, ms: int, amplitude: int = 8000) -> bytes:
    return ulaw_encode(tone_pcm((frequency,), ms, amplitude))


def silence_ulaw(ms: int) -> bytes:
    return bytes([ULAW_SILENCE]) * (8 * ms)


@cache
def ringback_ulaw() -> bytes:
    """One 6-second cycle of Swedish ringback, to be looped."""
    return tone_ulaw(425.0, 1000, 6000) + silence_ulaw(5000)


@cache
def join_tone_pcm() -> bytes:
    """Someone joined a conference (PBX6): a short rising pair of beeps."""
    gap = bytes(2 * 8 * 40)
    return tone_pcm((600.0,), 100, 4000) + gap + tone_pcm((900.0,), 100, 4000)


@cache
def leave_tone_pcm() -> bytes:
    """Someone left a conference (PBX6): the same pair, falling."""
    gap = bytes(2 * 8 * 40)
    return tone_pcm((900.0,), 100, 4000) + gap + tone_pcm((600.0,), 100, 4000)


@cache
def warning_tone_pcm() -> bytes:
    """The operator broke in on a call (spec §48): three 1400 Hz beeps, 300 ms each with
    300 ms between, louder than the join tone — both parties must notice."""
    gap = bytes(2 * 8 * 300)
    beep = tone_pcm((1400.0,), 300, 8000)
    return beep + gap + beep + gap + beep
