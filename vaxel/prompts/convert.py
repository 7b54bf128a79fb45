"""Turning an admin's uploaded recording into a prompt file (IVR5, ADM1).

An upload is a WAV or an MP3 of any rate, channel count and bit depth; a prompt is headerless
G.711 µ-law, 8000 Hz mono (what ``PromptLibrary`` loads and RTP sends). sox does the
decoding and resampling (its ``rate`` effect band-limits before decimating, so speech stays
clean at 8 kHz). This module is the I/O side of ``vaxel.prompts``: it runs sox in a
subprocess, feeding it through a private temporary directory, with bounds on everything an
upload controls:

- the upload's size (``max_bytes``) before anything runs;
- its format, from the bytes themselves (a file name can lie): RIFF/WAVE or MPEG audio
  (an ID3 tag or a frame header); other audio containers are named as unsupported;
- its length: sox stops decoding ``max_seconds`` + 1 s in, so a lying header or an hours-long
  file costs a bounded amount of work, and anything longer than ``max_seconds`` is refused;
- wall time: each sox run is killed after ``timeout_s``.

Two passes keep the audio quantised to µ-law once: decode to 16-bit PCM at 8 kHz (checked
for length and silence here), then normalise the peak to -3 dBFS, the level of the built-in
prompts, so a caller does not hear a quiet upload after a loud generated phrase, and encode.
sox runs with ``-R`` so the same upload always gives the same bytes.
"""

from __future__ import annotations

import array
import io
import subprocess
import sys
import tempfile
import wave
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vaxel.core.errors import VaxelError
from vaxel.media.g711 import ulaw_decode

__all__ = [
    "MAX_PROMPT_SECONDS",
    "MAX_UPLOAD_BYTES",
    "ConversionProblem",
    "PromptConversionError",
    "convert_upload",
    "detect_format",
    "wav_from_ulaw",
]

MAX_PROMPT_SECONDS = 600
"""Ten minutes: longer than any announcement; music on hold loops, so it need not be longer."""
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
"""Ten minutes of 48 kHz 24-bit stereo WAV is 173 MB; anything past this is not a prompt."""
_RATE = 8000
_SILENT_PEAK = 33  # about -60 dBFS: nothing but hiss; normalising it would blast noise
_PEAK_DBFS = "-3"


class ConversionProblem(StrEnum):
    """What was wrong with an upload; the API maps these to a message for the admin."""

    NOT_AUDIO = "not_audio"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_LARGE = "too_large"
    TOO_LONG = "too_long"
    SILENT = "silent"
    TIMEOUT = "timeout"
    TOOL_MISSING = "tool_missing"  # the server lacks sox or its MP3 support: not the admin's fault


class PromptConversionError(VaxelError):
    """An upload could not become a prompt; says which file and what is wrong with it."""

    def __init__(self, filename: str, problem: ConversionProblem, detail: str) -> None:
        self.filename = filename
        self.problem = problem
        self.detail = detail
        self.code = "upload-" + problem.value.replace("_", "-")  # stable (issue 12 §4)
        super().__init__(f"{filename!r}: {detail}")

    @property
    def params(self) -> Mapping[str, Any]:
        """The file's name as the admin chose it (the web words the problem by code)."""
        return MappingProxyType({"filename": self.filename})


# Containers we recognise but do not take (IVR5 names WAV and MP3), by their opening bytes.
_UNSUPPORTED_MAGIC = {
    b"OggS": "Ogg",
    b"fLaC": "FLAC",
    b"FORM": "AIFF",
    b"\x1aE\xdf\xa3": "WebM/Matroska",
    b"#!AMR": "AMR",
    b".snd": "Sun/NeXT audio",
    b"0&\xb2u": "WMA/ASF",
}


def _mpeg_frame_header(head: bytes) -> bool:
    """An MPEG-1/2/2.5 audio frame header (ISO 11172-3 §2.4.1.3): sync, layer, rates valid."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0x03, (head[1] >> 1) & 0x03
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0x03
    return version != 0x01 and layer != 0 and bitrate not in (0, 15) and sample_rate != 3


def detect_format(data: bytes) -> str:
    """``"wav"`` or ``"mp3"`` from an upload's first bytes; ``PromptConversionError`` if
    neither (naming a recognised but unsupported container). The file name is not trusted."""
    if len(data) >= 12 and data[:4] in (b"RIFF", b"RF64") and data[8:12] == b"WAVE":
        return "wav"
    if data[:3] == b"ID3" or _mpeg_frame_header(data[:4]):
        return "mp3"
    if data[4:8] == b"ftyp":
        kind = "MP4/M4A"
    else:
        kind = next(
            (name for magic, name in _UNSUPPORTED_MAGIC.items() if data.startswith(magic)), ""
        )
    if kind:
        raise PromptConversionError(
            "", ConversionProblem.UNSUPPORTED_FORMAT, f"{kind} is not supported; upload WAV or MP3"
        )
    raise PromptConversionError("", ConversionProblem.NOT_AUDIO, "not a WAV or MP3 audio file")


def _sox(
    arguments: list[str], filename: str, timeout_s: float
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["sox", "-R", "-V1", *arguments],
            capture_output=True,
            timeout=timeout_s,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as error:
        raise PromptConversionError(
            filename,
            ConversionProblem.TOOL_MISSING,
            "sox is not installed on the server (scripts/system-packages.sh installs it)",
        ) from error
    except subprocess.TimeoutExpired as error:
        raise PromptConversionError(
            filename, ConversionProblem.TIMEOUT, f"conversion took longer than {timeout_s:g} s"
        ) from error


def _decode_failure(filename: str, kind: str, stderr: bytes) -> PromptConversionError:
    message = stderr.decode("utf-8", "replace").strip().splitlines()
    last = message[-1] if message else "sox failed"
    if "no handler" in last or "not supported" in last.lower():
        return PromptConversionError(
            filename,
            ConversionProblem.TOOL_MISSING,
            f"the server cannot decode {kind.upper()} (install libsox-fmt-mp3): {last}",
        )
    return PromptConversionError(
        filename, ConversionProblem.NOT_AUDIO, f"not a readable {kind.upper()} file: {last}"
    )


def convert_upload(
    data: bytes,
    filename: str,
    *,
    max_seconds: int = MAX_PROMPT_SECONDS,
    max_bytes: int = MAX_UPLOAD_BYTES,
    timeout_s: float = 60.0,
) -> bytes:
    """An uploaded WAV/MP3 as prompt audio: µ-law, 8000 Hz, mono, headerless, peak -3 dBFS.

    Raises ``PromptConversionError`` (with a ``ConversionProblem``) for an upload that is too
    large, not audio, of another format, longer than ``max_seconds``, silent, or that sox
    cannot finish within ``timeout_s``; also when sox or its MP3 support is missing.
    """
    if len(data) > max_bytes:
        raise PromptConversionError(
            filename,
            ConversionProblem.TOO_LARGE,
            f"{len(data)} bytes is more than the {max_bytes} an upload may be",
        )
    try:
        kind = detect_format(data)
    except PromptConversionError as error:
        raise PromptConversionError(filename, error.problem, error.detail) from None
    with tempfile.TemporaryDirectory(prefix="vaxel-prompt-") as work:
        source, pcm, target = (
            Path(work) / name for name in (f"upload.{kind}", "pcm.raw", "out.ulaw")
        )
        source.write_bytes(data)
        pcm_format = ["-t", "raw", "-e", "signed-integer", "-b", "16", "-r", str(_RATE), "-c", "1"]
        decoded = _sox(
            ["-t", kind, str(source), *pcm_format, str(pcm), "trim", "0", str(max_seconds + 1)],
            filename,
            timeout_s,
        )
        if decoded.returncode != 0:
            raise _decode_failure(filename, kind, decoded.stderr)
        samples = array.array("h", pcm.read_bytes())  # raw output is in the machine's order
        if not samples:
            raise PromptConversionError(filename, ConversionProblem.NOT_AUDIO, "it holds no sound")
        if len(samples) > max_seconds * _RATE:
            raise PromptConversionError(
                filename,
                ConversionProblem.TOO_LONG,
                f"longer than {max_seconds // 60} min {max_seconds % 60} s; shorten it",
            )
        if max(max(samples), -min(samples)) < _SILENT_PEAK:
            raise PromptConversionError(
                filename, ConversionProblem.SILENT, "it is silent (nothing louder than -60 dBFS)"
            )
        encoded = _sox(
            [*pcm_format, str(pcm), "-t", "raw", "-e", "u-law", "-b", "8", str(target),
             "norm", _PEAK_DBFS],
            filename,
            timeout_s,
        )  # fmt: skip
        if encoded.returncode != 0:
            raise _decode_failure(filename, "pcm", encoded.stderr)
        return target.read_bytes()


def wav_from_ulaw(audio: bytes) -> bytes:
    """8 kHz µ-law prompt audio as a 16-bit PCM WAV file, which every browser plays
    (the admin pages' player; the web does not decode telephone audio itself)."""
    samples = array.array("h", ulaw_decode(audio))
    if sys.byteorder == "big":
        samples.byteswap()  # WAV is little-endian
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()
