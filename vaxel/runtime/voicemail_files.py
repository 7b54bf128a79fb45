"""Voicemail's files under var/ (PBX4): messages as the media engine records them (a stereo
WAV, the caller on the left) and greetings as prompt audio (headerless µ-law, 8 kHz).

Layout, inside ``root``: ``<tenant>/<person>/<message id>.wav`` (the path the IVR's own
voicemail step records to, ``FlowCommands``), ``<tenant>/<person>/greeting-<kind>.ulaw`` and
``greeting-<kind>-draft.wav`` while one is recorded by phone. Every name comes through
:func:`safe_part`, and every path is checked to stay inside ``root``.
"""

from __future__ import annotations

import array
import contextlib
import io
import sys
import wave
from pathlib import Path

from vaxel.media.g711 import ulaw_encode
from vaxel.pbx.voicemail import GreetingKind

__all__ = ["VoicemailFiles", "caller_channel_ulaw", "safe_part", "wav_duration_s"]


def safe_part(text: str) -> str:
    """A file-name part of letters, digits, ``-`` and ``_`` only (as the IVR's step does)."""
    return "".join(c for c in text if c.isalnum() or c in "-_")[:64] or "default"


def wav_duration_s(data: bytes) -> float:
    """The length of a WAV file's audio; 0 for anything unreadable."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            return float(wav.getnframes()) / float(wav.getframerate() or 1)
    except (wave.Error, EOFError):
        return 0.0


def caller_channel_ulaw(data: bytes) -> bytes:
    """The caller's channel of a recording (the left, or the only one) as µ-law for a phone."""
    with wave.open(io.BytesIO(data)) as wav:
        channels, width = wav.getnchannels(), wav.getsampwidth()
        frames = wav.readframes(wav.getnframes())
    if width != 2:
        raise ValueError("a voicemail recording is 16-bit PCM")
    samples = array.array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    mono = samples[::channels] if channels > 1 else samples
    return ulaw_encode(mono.tobytes())  # native order, as ulaw_encode takes it


class VoicemailFiles:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def folder(self, tenant_id: str, person_id: str) -> Path:
        return self.root / safe_part(tenant_id) / safe_part(person_id)

    def message_file(self, tenant_id: str, person_id: str, message_id: str) -> str:
        """Where a message is recorded, relative to ``root`` (what the store keeps)."""
        return f"{safe_part(tenant_id)}/{safe_part(person_id)}/{safe_part(message_id)}.wav"

    def path(self, relative: str) -> Path:
        """``relative`` under ``root``; ValueError for one that would leave it."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"{relative!r} is outside the voicemail folder")
        return path

    def read(self, relative: str) -> bytes | None:
        try:
            return self.path(relative).read_bytes()
        except (OSError, ValueError):
            return None

    def remove(self, relative: str) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.path(relative).unlink(missing_ok=True)

    def greeting(self, tenant_id: str, person_id: str, kind: GreetingKind) -> Path:
        return self.folder(tenant_id, person_id) / f"greeting-{kind.value}.ulaw"

    def greeting_draft(self, tenant_id: str, person_id: str, kind: GreetingKind) -> Path:
        return self.folder(tenant_id, person_id) / f"greeting-{kind.value}-draft.wav"

    def put_greeting(self, tenant_id: str, person_id: str, kind: GreetingKind, ulaw: bytes) -> None:
        target = self.greeting(tenant_id, person_id, kind)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(ulaw)
        partial.replace(target)  # a caller never hears half a greeting

    def remove_greeting(self, tenant_id: str, person_id: str, kind: GreetingKind) -> None:
        self.greeting(tenant_id, person_id, kind).unlink(missing_ok=True)
