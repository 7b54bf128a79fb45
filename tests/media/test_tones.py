"""Generated audio: tones, silence and the Swedish ringback cadence, 425 Hz 1 s on, 5 s off
(Q10; ITU-T E.180 supplement for Sweden)."""

from __future__ import annotations

import array

import pytest

from vaxel.media.dtmf import goertzel_power
from vaxel.media.g711 import ULAW_SILENCE, ulaw_decode
from vaxel.media.tones import (
    ringback_ulaw,
    silence_ulaw,
    tone_pcm,
    tone_ulaw,
    warning_tone_pcm,
)


def samples(pcm16: bytes) -> list[int]:
    return list(array.array("h", pcm16))


@pytest.mark.parametrize(("ms", "count"), [(0, 0), (1, 8), (20, 160), (1000, 8000)])
def test_lengths_are_8_samples_per_ms(ms: int, count: int) -> None:
    assert len(tone_pcm((440.0,), ms)) == 2 * count
    assert len(tone_ulaw(440.0, ms)) == count
    assert len(silence_ulaw(ms)) == count


def test_a_tone_is_that_frequency_at_that_loudness() -> None:
    tone = samples(tone_pcm((1000.0,), 100, amplitude=8000))
    assert goertzel_power(tone, 1000) > 0.95
    assert 7900 <= max(tone) <= 8000 and -8000 <= min(tone) <= -7900
    assert tone[0] == 0  # starts at a zero crossing: no click


def test_several_frequencies_share_the_amplitude_and_never_clip() -> None:
    pair = samples(tone_pcm((697.0, 1209.0), 200, amplitude=30000))
    assert max(abs(s) for s in pair) <= 30000
    assert goertzel_power(pair, 697) > 0.4 and goertzel_power(pair, 1209) > 0.4


def test_mu_law_tone_decodes_to_the_same_tone() -> None:
    tone = samples(ulaw_decode(tone_ulaw(425.0, 200)))
    assert goertzel_power(tone, 425) > 0.95


def test_silence_is_the_mu_law_zero_code() -> None:
    assert set(silence_ulaw(40)) == {ULAW_SILENCE}
    assert set(samples(ulaw_decode(silence_ulaw(40)))) == {0}


def test_swedish_ringback_is_one_second_of_425_hz_then_five_seconds_of_silence() -> None:
    cycle = ringback_ulaw()
    assert len(cycle) == 6 * 8000
    on, off = cycle[:8000], cycle[8000:]
    assert goertzel_power(samples(ulaw_decode(on)), 425) > 0.95
    # Every 20 ms frame of the "on" second carries the tone, not only the second as a whole.
    for start in range(0, 8000, 160):
        assert goertzel_power(samples(ulaw_decode(on[start : start + 160])), 425) > 0.8
    assert set(off) == {ULAW_SILENCE}


def test_ringback_is_built_once() -> None:
    assert ringback_ulaw() is ringback_ulaw()


def test_the_break_in_warning_is_three_1400_hz_beeps_of_300_ms() -> None:
    """Spec §48 (issue 16 §3): both parties of a call the operator breaks in on hear it."""
    tone = samples(warning_tone_pcm())
    assert len(tone) == 8 * (3 * 300 + 2 * 300)
    beeps = [tone[start : start + 2400] for start in (0, 4800, 9600)]
    gaps = [tone[start : start + 2400] for start in (2400, 7200)]
    assert all(goertzel_power(beep, 1400) > 0.95 for beep in beeps)
    assert all(max(beep) >= 7900 for beep in beeps)  # louder than the join tone's 4000
    assert all(not any(gap) for gap in gaps)
