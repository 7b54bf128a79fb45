"""What an endpoint sends when it is not bridged: prompts, then comfort audio (Q10).

Sans-I/O: the engine asks for one 20 ms frame (160 µ-law bytes) per tick. Prompts play in
order; when a prompt's last frame has gone out a PlaybackFinished is queued for the owner.
With nothing left to play the player sends its comfort source: music on hold, ringback or
(only when asked) silence — a caller never hears dead air by accident.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

from vaxel.media.g711 import ULAW_SILENCE

__all__ = ["FRAME_BYTES", "Comfort", "Player"]

FRAME_BYTES = 160
_SILENT_FRAME = bytes([ULAW_SILENCE]) * FRAME_BYTES


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


class Player:
    def __init__(self) -> None:
        self._items: deque[_Item] = deque()
        self._offset = 0
        self._comfort_audio = b""
        self._comfort_offset = 0
        self.finished: list[str] = []

    @property
    def playing(self) -> bool:
        return bool(self._items)

    def play(self, playback_id: str, prompts: list[bytes]) -> None:
        """Queue ``prompts``; an empty list finishes once what is queued before it has."""
        if not prompts:
            if not self._items:
                self.finished.append(playback_id)
                return
            prompts = [b""]
        for index, audio in enumerate(prompts):
            self._items.append(_Item(playback_id, audio, index == len(prompts) - 1))

    def stop(self) -> None:
        """Drop what is queued (barge-in); no PlaybackFinished for the dropped items."""
        self._items.clear()
        self._offset = 0

    def set_comfort(self, audio: bytes) -> None:
        """Loop ``audio`` when nothing plays (empty: silence)."""
        if audio is not self._comfort_audio:
            self._comfort_audio = audio
            self._comfort_offset = 0

    def frame(self) -> bytes:
        while self._items:
            item = self._items[0]
            chunk = item.audio[self._offset : self._offset + FRAME_BYTES]
            self._offset += FRAME_BYTES
            if self._offset >= len(item.audio):
                self._items.popleft()
                self._offset = 0
                if item.last:
                    self.finished.append(item.playback_id)
            if chunk:
                if len(chunk) < FRAME_BYTES:
                    chunk += bytes([ULAW_SILENCE]) * (FRAME_BYTES - len(chunk))
                self._finish_empty_items()
                return chunk
        audio = self._comfort_audio
        if not audio:
            return _SILENT_FRAME
        start = self._comfort_offset
        chunk = audio[start : start + FRAME_BYTES]
        while len(chunk) < FRAME_BYTES:  # a loop shorter than a frame wraps more than once
            chunk += audio[: FRAME_BYTES - len(chunk)]
        self._comfort_offset = (start + FRAME_BYTES) % len(audio)
        return chunk

    def _finish_empty_items(self) -> None:
        """Empty prompts right after the frame just played take no time: they finish now,
        so an empty playback queued behind another finishes right after it, in order."""
        while self._items and not self._items[0].audio:
            item = self._items.popleft()
            if item.last:
                self.finished.append(item.playback_id)
