"""What an endpoint sends when it is not bridged: prompts, then comfort audio (Q10).

Sans-I/O: the engine asks for one 20 ms frame (160 µ-law bytes) per tick. Prompts play in
order; when a prompt's last frame has gone out a PlaybackFinished is queued for the owner.
With nothing left to play the player sends its comfort source: music on hold, ringback or
(only when asked) silence — a caller never hears dead air by accident.

A comfort source is a ``Loop``: its frames cut once and shared by every player that loops
the same audio, so a queue of 2,000 callers hearing the same music sends 2,000 references to
the same few hundred frames instead of slicing a new frame for each caller every 20 ms (issue
11, Benchmarks: the send path is the media engine's hot path).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from math import gcd

from vaxel.media.g711 import ULAW_SILENCE

__all__ = ["FRAME_BYTES", "Comfort", "Loop", "Player"]

FRAME_BYTES = 160
_SILENT_FRAME = bytes([ULAW_SILENCE]) * FRAME_BYTES
MAX_CUT_BYTES = 8 * 1024 * 1024
"""A loop whose frames would take more than this (one whose length shares few factors with
160 repeats only after up to 160 laps) is cut frame by frame as it plays instead."""


class Comfort(Enum):
    SILENCE = "silence"
    RINGBACK = "ringback"
    MUSIC = "music"


@dataclass(slots=True)
class _Item:
    playback_id: str
    audio: bytes
    last: bool
    """The last item of its playback: finishing it finishes the playback."""


class _Cutter(Sequence[bytes]):
    """Frame ``index`` of a loop cut when asked: for loops too long to cut in advance."""

    __slots__ = ("_audio", "_count", "_length")

    def __init__(self, audio: bytes, count: int) -> None:
        assert len(audio) >= FRAME_BYTES
        self._length = len(audio)
        self._audio = audio + audio[:FRAME_BYTES]  # a frame over the seam is one slice
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> bytes:  # type: ignore[override]
        start = index * FRAME_BYTES % self._length
        return self._audio[start : start + FRAME_BYTES]


class Loop:
    """µ-law ``audio`` looped without a seam, as 20 ms frames: frame n is bytes n·160 to
    n·160 + 160 of the audio repeated forever; ``count`` frames, then it starts again."""

    __slots__ = ("audio", "count", "frames")

    def __init__(self, audio: bytes) -> None:
        self.audio = audio
        if not audio:
            self.count = 1
            self.frames: Sequence[bytes] = (_SILENT_FRAME,)
            return
        laps = FRAME_BYTES // gcd(len(audio), FRAME_BYTES)  # after this many it lines up again
        self.count = len(audio) * laps // FRAME_BYTES
        if len(audio) * laps > MAX_CUT_BYTES:
            self.frames = _Cutter(audio, self.count)
            return
        looped = audio * laps
        self.frames = tuple(
            looped[start : start + FRAME_BYTES] for start in range(0, len(looped), FRAME_BYTES)
        )


_SILENCE = Loop(b"")


class Player:
    __slots__ = ("_offset", "finished", "loop", "loop_index", "queued")

    def __init__(self) -> None:
        self.queued: deque[_Item] = deque()
        """What is still to play, in order (read-only outside): empty, the loop plays."""
        self._offset = 0
        self.loop = _SILENCE
        """The comfort loop and the index of its next frame: read by the engine's ticker,
        whose hot path takes a frame from them itself while ``playing`` is false."""
        self.loop_index = 0
        self.finished: list[str] = []

    @property
    def playing(self) -> bool:
        return bool(self.queued)

    def play(self, playback_id: str, prompts: list[bytes]) -> None:
        """Queue ``prompts``; an empty list finishes once what is queued before it has."""
        if not prompts:
            if not self.queued:
                self.finished.append(playback_id)
                return
            prompts = [b""]
        for index, audio in enumerate(prompts):
            self.queued.append(_Item(playback_id, audio, index == len(prompts) - 1))

    def stop(self) -> None:
        """Drop what is queued (barge-in); no PlaybackFinished for the dropped items."""
        self.queued.clear()
        self._offset = 0

    def set_comfort(self, audio: bytes | Loop) -> None:
        """Loop ``audio`` when nothing plays (empty: silence); the same audio again goes on
        where it was. A ``Loop`` is shared as it is: give the same one to every player."""
        if isinstance(audio, Loop):
            if audio is not self.loop:
                self.loop, self.loop_index = audio, 0
        elif audio is not self.loop.audio:
            self.loop, self.loop_index = (Loop(audio) if audio else _SILENCE), 0

    def frame(self) -> bytes:
        while self.queued:
            item = self.queued[0]
            chunk = item.audio[self._offset : self._offset + FRAME_BYTES]
            self._offset += FRAME_BYTES
            if self._offset >= len(item.audio):
                self.queued.popleft()
                self._offset = 0
                if item.last:
                    self.finished.append(item.playback_id)
            if chunk:
                if len(chunk) < FRAME_BYTES:
                    chunk += bytes([ULAW_SILENCE]) * (FRAME_BYTES - len(chunk))
                self._finish_empty_items()
                return chunk
        loop, index = self.loop, self.loop_index
        self.loop_index = index + 1 if index + 1 < loop.count else 0
        return loop.frames[index]

    def _finish_empty_items(self) -> None:
        """Empty prompts right after the frame just played take no time: they finish now,
        so an empty playback queued behind another finishes right after it, in order."""
        while self.queued and not self.queued[0].audio:
            item = self.queued.popleft()
            if item.last:
                self.finished.append(item.playback_id)
