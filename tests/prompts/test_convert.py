"""Admin uploads (WAV/MP3, any rate, channels, bit depth) become 8 kHz mono µ-law prompts (IVR5)."""

from __future__ import annotations

import array
import io
import math
import subprocess
import wave
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.media.g711 import ulaw_decode
from vaxel.prompts.convert import (
    ConversionProblem,
    PromptConversionError,
    convert_upload,
    detect_format,
)


def tone_wav(
    seconds: float,
    rate: int = 44_100,
    channels: int = 2,
    width: int = 2,
    frequency: float = 440.0,
    amplitude: float = 0.2,
) -> bytes:
    """A sine tone as a WAV file, written with the stdlib (no sox involved)."""
    full_scale = (1 << (8 * width - 1)) - 1
    frames = bytearray()
    for n in range(int(seconds * rate)):
        value = round(amplitude * full_scale * math.sin(2 * math.pi * frequency * n / rate))
        if width == 1:  # 8-bit WAV is unsigned
            sample = bytes([value + 128])
        else:
            sample = value.to_bytes(width, "little", signed=True)
        frames += sample * channels
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def samples(prompt: bytes) -> array.array[int]:
    return array.array("h", ulaw_decode(prompt))


def zero_crossings_per_second(pcm: array.array[int]) -> float:
    crossings = sum(1 for a, b in pairwise(pcm) if (a < 0) != (b < 0))
    return crossings / (len(pcm) / 8000)


def test_a_44k_stereo_wav_becomes_8k_mono_ulaw_at_the_prompt_level() -> None:
    prompt = convert_upload(tone_wav(2.0), "hälsning.wav")
    assert len(prompt) == 16_000  # 2 s at 8000 one-byte samples a second: mono, 8 kHz
    pcm = samples(prompt)
    peak = max(max(pcm), -min(pcm))
    assert 0.66 * 32767 <= peak <= 0.72 * 32767  # normalised to -3 dBFS (0.708)
    assert 860 <= zero_crossings_per_second(pcm) <= 900  # still a 440 Hz tone


@pytest.mark.parametrize(
    ("rate", "channels", "width"),
    [(48_000, 1, 3), (8_000, 1, 1), (16_000, 2, 2), (22_050, 1, 4)],
)
def test_any_rate_channel_count_and_bit_depth_is_accepted(
    rate: int, channels: int, width: int
) -> None:
    prompt = convert_upload(tone_wav(0.5, rate, channels, width, 300.0), "x.wav")
    assert len(prompt) == 4000
    assert 580 <= zero_crossings_per_second(samples(prompt)) <= 620


def test_an_mp3_made_by_sox_converts_and_the_file_name_is_not_trusted(tmp_path: Path) -> None:
    mp3 = tmp_path / "tone.mp3"
    made = subprocess.run(
        ["sox", "-n", "-r", "44100", "-c", "2", str(mp3), "synth", "1.5", "sine", "500"],
        capture_output=True,
        check=False,
    )
    assert made.returncode == 0, f"sox cannot write MP3: {made.stderr.decode().strip()}"
    data = mp3.read_bytes()
    assert detect_format(data) == "mp3"
    prompt = convert_upload(data, "actually-an-mp3.wav")
    assert 1.45 <= len(prompt) / 8000 <= 1.6  # encoder padding adds a few ms
    middle = samples(prompt)[2000:10_000]
    assert 980 <= zero_crossings_per_second(middle) <= 1020


def test_the_same_upload_always_gives_the_same_bytes() -> None:
    upload = tone_wav(0.3, 11_025, 2, 2, 700.0)
    assert convert_upload(upload, "a.wav") == convert_upload(upload, "a.wav")


def test_longer_than_ten_minutes_is_refused_without_decoding_it_all() -> None:
    with wave.open(io.BytesIO(tone_wav(1, 8000, 1, 1, 200.0, 0.5))) as second:
        one_second = second.readframes(8000)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:  # 601 s of 8-bit 8 kHz tone: 4.8 MB
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(one_second * 601)
    with pytest.raises(PromptConversionError, match="longer than 10 min") as caught:
        convert_upload(buffer.getvalue(), "lång.wav")
    assert caught.value.problem is ConversionProblem.TOO_LONG
    assert caught.value.filename == "lång.wav"
    assert len(convert_upload(tone_wav(2, 8000, 1, 1), "kort.wav", max_seconds=2)) == 16_000


def test_silence_is_refused_rather_than_normalised_into_loud_hiss() -> None:
    with pytest.raises(PromptConversionError) as caught:
        convert_upload(tone_wav(1.0, amplitude=0.0), "tyst.wav")
    assert caught.value.problem is ConversionProblem.SILENT


def test_a_wav_header_over_garbage_is_not_audio() -> None:
    broken = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + b"\xff" * 40
    with pytest.raises(PromptConversionError, match="not a readable WAV") as caught:
        convert_upload(broken, "trasig.wav")
    assert caught.value.problem is ConversionProblem.NOT_AUDIO


@pytest.mark.parametrize(
    ("data", "problem", "words"),
    [
        (b"hello, this is text", ConversionProblem.NOT_AUDIO, "not a WAV or MP3"),
        (b"", ConversionProblem.NOT_AUDIO, "not a WAV or MP3"),
        (b"%PDF-1.7\n", ConversionProblem.NOT_AUDIO, "not a WAV or MP3"),
        (b"OggS\x00\x02" + bytes(40), ConversionProblem.UNSUPPORTED_FORMAT, "Ogg is not"),
        (b"fLaC\x00\x00\x00\x22", ConversionProblem.UNSUPPORTED_FORMAT, "FLAC is not"),
        (b"\x00\x00\x00\x20ftypM4A ", ConversionProblem.UNSUPPORTED_FORMAT, "MP4/M4A is not"),
    ],
)
def test_what_is_not_wav_or_mp3_is_named(
    data: bytes, problem: ConversionProblem, words: str
) -> None:
    with pytest.raises(PromptConversionError, match=words) as caught:
        convert_upload(data, "upload.wav")
    assert caught.value.problem is problem
    assert "'upload.wav'" in str(caught.value)


def test_an_oversized_upload_is_refused_before_anything_runs() -> None:
    with pytest.raises(PromptConversionError) as caught:
        convert_upload(tone_wav(0.1), "stor.wav", max_bytes=1000)
    assert caught.value.problem is ConversionProblem.TOO_LARGE


def test_a_conversion_that_overruns_its_time_is_stopped() -> None:
    with pytest.raises(PromptConversionError) as caught:
        convert_upload(tone_wav(0.5), "x.wav", timeout_s=1e-6)
    assert caught.value.problem is ConversionProblem.TIMEOUT


def test_a_server_without_sox_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PromptConversionError, match="sox is not installed") as caught:
        convert_upload(tone_wav(0.1), "x.wav")
    assert caught.value.problem is ConversionProblem.TOOL_MISSING


@given(st.binary(max_size=64))
def test_format_detection_either_names_a_format_or_raises_the_typed_error(data: bytes) -> None:
    try:
        assert detect_format(data) in ("wav", "mp3")
    except PromptConversionError as error:
        assert error.problem in (ConversionProblem.NOT_AUDIO, ConversionProblem.UNSUPPORTED_FORMAT)


def test_mpeg_frame_headers_are_told_from_lookalikes() -> None:
    assert detect_format(b"\xff\xfb\x90\x64") == "mp3"  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    assert detect_format(b"ID3\x04\x00") == "mp3"
    for lookalike in (b"\xff\xfb\xf0\x64", b"\xff\xf9\x90\x64", b"\xff\xfb\x9c\x64"):
        with pytest.raises(PromptConversionError):  # bad bitrate, layer 0, reserved rate
            detect_format(lookalike)
