"""The conference mixer (PBX6): each hears the others' sum and never itself, saturation,
mute, per-participant codecs, jitter buffer, announcements."""

from __future__ import annotations

import array

import pytest

from vaxel.media.dtmf import goertzel_power
from vaxel.media.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from vaxel.media.mixer import BUFFER_FRAMES, FRAME_SAMPLES, MAX_SPEAKERS, Mixer, law_of
from vaxel.media.tones import tone_pcm


def constant(value: int, law: str = "u") -> bytes:
    pcm = array.array("h", [value] * FRAME_SAMPLES).tobytes()
    return ulaw_encode(pcm) if law == "u" else alaw_encode(pcm)


def samples(payload: bytes, law: str = "u") -> list[int]:
    return list(array.array("h", ulaw_decode(payload) if law == "u" else alaw_decode(payload)))


def level(payload: bytes, law: str = "u") -> float:
    values = samples(payload, law)
    return sum(values) / len(values)


def test_each_hears_the_sum_of_the_others_not_itself() -> None:
    mixer = Mixer()
    for name in "abc":
        mixer.add(name, "u")
    mixer.put("a", constant(1000))
    mixer.put("b", constant(2000))
    mixer.put("c", constant(4000))
    out = mixer.mix()
    assert level(out["a"]) == pytest.approx(6000, rel=0.05)
    assert level(out["b"]) == pytest.approx(5000, rel=0.05)
    assert level(out["c"]) == pytest.approx(3000, rel=0.05)


def test_tones_at_distinct_frequencies_each_hears_the_other_two() -> None:
    mixer = Mixer()
    tones = {"a": 500.0, "b": 900.0, "c": 1400.0}
    for name in tones:
        mixer.add(name, "u")
    heard: dict[str, list[int]] = {name: [] for name in tones}
    pcm = {name: tone_pcm((f,), 200, 6000) for name, f in tones.items()}
    for index in range(10):
        for name in tones:
            start = index * FRAME_SAMPLES * 2
            mixer.put(name, ulaw_encode(pcm[name][start : start + FRAME_SAMPLES * 2]))
        for name, frame in mixer.mix().items():
            heard[name].extend(samples(frame))
    for name, frequency in tones.items():
        assert goertzel_power(heard[name], frequency) < 0.05  # not itself
        others = [f for other, f in tones.items() if other != name]
        assert all(goertzel_power(heard[name], f) > 0.3 for f in others)


def test_the_sum_saturates_instead_of_wrapping() -> None:
    mixer = Mixer()
    for name in "abcd":
        mixer.add(name, "u")
    for name in "abc":
        mixer.put(name, constant(30000))
    mixer.put("d", constant(-30000))
    out = mixer.mix()
    assert min(samples(out["d"])) > 30000  # 90,000 clipped at the top, not wrapped negative
    assert level(out["a"]) == pytest.approx(30000, rel=0.05)  # 30,000 + 30,000 − 30,000


def test_a_muted_participant_is_heard_by_nobody_but_still_hears() -> None:
    mixer = Mixer()
    for name in "abc":
        mixer.add(name, "u")
    mixer.set_muted("a", True)
    assert mixer.is_muted("a")
    mixer.put("a", constant(8000))
    mixer.put("b", constant(1000))
    out = mixer.mix()
    assert level(out["b"]) == pytest.approx(0, abs=10)
    assert level(out["c"]) == pytest.approx(1000, rel=0.05)
    assert level(out["a"]) == pytest.approx(1000, rel=0.05)
    mixer.set_muted("a", False)
    mixer.put("a", constant(8000))
    assert level(mixer.mix()["b"]) == pytest.approx(8000, rel=0.05)


def test_each_participant_hears_in_its_own_law() -> None:
    mixer = Mixer()
    mixer.add("ulaw", "u")
    mixer.add("alaw", "a")
    mixer.put("ulaw", constant(3000, "u"))
    mixer.put("alaw", constant(-2000, "a"))
    out = mixer.mix()
    assert level(out["ulaw"], "u") == pytest.approx(-2000, rel=0.05)
    assert level(out["alaw"], "a") == pytest.approx(3000, rel=0.05)
    assert law_of("PCMA") == "a"
    with pytest.raises(ValueError):
        law_of("G722")


def test_the_jitter_buffer_takes_one_frame_a_tick_and_drops_the_oldest() -> None:
    mixer = Mixer()
    mixer.add("a", "u")
    mixer.add("b", "u")
    for value in range(1, BUFFER_FRAMES + 3):
        mixer.put("a", constant(value * 1000))
    levels = [level(mixer.mix()["b"]) for _ in range(BUFFER_FRAMES + 1)]
    assert levels[0] == pytest.approx(3000, rel=0.05)  # the two oldest were dropped
    assert levels[BUFFER_FRAMES] == pytest.approx(0, abs=10)  # then silence, not a repeat


def test_announcements_are_heard_by_everyone_on_top_of_the_mix() -> None:
    mixer = Mixer()
    mixer.add("a", "u")
    mixer.add("b", "u")
    mixer.announce(array.array("h", [500] * FRAME_SAMPLES * 2).tobytes())
    mixer.put("a", constant(1000))
    first = mixer.mix()
    assert level(first["a"]) == pytest.approx(500, rel=0.1)
    assert level(first["b"]) == pytest.approx(1500, rel=0.05)
    mixer.mix()
    assert level(mixer.mix()["a"]) == pytest.approx(0, abs=10)  # two frames, then done


def test_room_limit_and_leaving() -> None:
    mixer = Mixer(max_participants=20)
    for index in range(20):
        mixer.add(str(index), "u")
    with pytest.raises(ValueError):
        mixer.add("one too many", "u")
    mixer.add("0", "a")  # already in: only its law changes
    mixer.remove("0")
    assert "0" not in mixer and len(mixer) == 19
    mixer.add("twentieth", "u")
    assert len(mixer.mix()) == 20
    with pytest.raises(ValueError):
        Mixer(max_participants=1)


def test_only_the_loudest_speakers_are_mixed_and_silence_is_not() -> None:
    mixer = Mixer()
    for index in range(MAX_SPEAKERS + 3):
        mixer.add(f"s{index}", "u")
    mixer.add("listener", "u")
    for index in range(MAX_SPEAKERS + 3):
        mixer.put(f"s{index}", constant(100 * (index + 1)))
    heard = level(mixer.mix()["listener"])
    loudest = sum(100 * (index + 1) for index in range(3, MAX_SPEAKERS + 3))
    assert heard == pytest.approx(loudest, rel=0.05)

    mixer.put("s0", constant(8))  # below the silence level: not mixed, costs no encode
    mixer.put("s1", constant(2000))
    out = mixer.mix()
    assert level(out["s0"]) == pytest.approx(2000, rel=0.05)
    assert out["s0"] is out["listener"]  # one encoding shared by all who did not speak
