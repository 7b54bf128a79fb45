"""An N-party conference mixer (PBX6): each participant hears the sum of the others.

Sans-I/O: the engine puts each received G.711 frame in (``put``) and asks, once per 20 ms
tick, for the frame every participant is to hear (``mix``). The rules:

- Each participant's audio is decoded to 16-bit linear PCM by its own codec (µ-law or
  A-law) when it arrives, and the frame it hears is encoded in its own codec, so a room may
  mix PCMU and PCMA phones without transcoding one into the other.
- A participant hears the linear sum of everyone else, never itself: the room's total minus
  its own frame. A sum past 16 bits saturates (clips) rather than wraps; clipping needs
  several people shouting at once, and a normalised mix would make each voice quieter the
  fuller the room is.
- A muted participant is heard by nobody, and still hears the others.
- Only the ``MAX_SPEAKERS`` loudest participants of a tick are mixed, and a participant
  whose frame is silence (below ``SILENCE_LEVEL``) is not one of them: in a big room most
  people listen, and everyone who is not mixed hears the same sum, encoded once per law. So
  the cost of a tick grows with the speakers, not with the room (issue 14 Benchmarks).
- Each participant has a small jitter buffer (``BUFFER_FRAMES``): one frame is taken per
  tick, a participant with nothing buffered adds silence, and a sender whose clock runs fast
  loses its oldest frames rather than lagging further behind.
- Announcements (join and leave tones) are heard by everyone, on top of the mix.

The hot loop runs in C: a frame's loudness is ``sum(bytes.translate(...))``, decoding and
encoding are table lookups through ``map`` and the sum is ``map(sum, zip(...))``.
"""

from __future__ import annotations

import array
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from operator import sub
from typing import Literal

from vaxel.media.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode

__all__ = [
    "BUFFER_FRAMES",
    "FRAME_SAMPLES",
    "MAX_PARTICIPANTS",
    "MAX_SPEAKERS",
    "SILENCE_LEVEL",
    "Law",
    "Mixer",
    "law_of",
]

FRAME_SAMPLES = 160
"""One 20 ms frame at 8 kHz."""
BUFFER_FRAMES = 4
"""A participant's jitter buffer: 80 ms at most between its packets and the mix."""
MAX_PARTICIPANTS = 100
"""The mixer's own ceiling; a room's configured limit is lower (PBX6 asks for at least 20)."""
MAX_SPEAKERS = 5
"""How many talking at once are mixed (the loudest); more at once is noise to a listener."""
SILENCE_LEVEL = FRAME_SAMPLES
"""A frame whose mean magnitude is below 32 (about −60 dBFS) is silence: not mixed."""
_MAX, _MIN = 32767, -32768
_SILENCE: tuple[int, ...] = (0,) * FRAME_SAMPLES

Law = Literal["u", "a"]
"""The G.711 law of a participant: "u" (PCMU, µ-law) or "a" (PCMA, A-law)."""


def law_of(codec: str) -> Law:
    """The law of an SDP codec name ("PCMU" or "PCMA")."""
    if codec == "PCMU":
        return "u"
    if codec == "PCMA":
        return "a"
    raise ValueError(f"the mixer takes PCMU or PCMA, not {codec[:16]!r}")


@cache
def _decode_table(law: Law) -> tuple[int, ...]:
    pcm = (ulaw_decode if law == "u" else alaw_decode)(bytes(range(256)))
    return tuple(array.array("h", pcm))


@cache
def _level_table(law: Law) -> bytes:
    """Each code's magnitude in steps of 32, capped at 255: ``sum(frame.translate(t))`` is a
    frame's loudness in one C call."""
    return bytes(min(255, abs(value) >> 5) for value in _decode_table(law))


@cache
def _encode_table(law: Law) -> bytes:
    """Codes indexed by a signed sample: 0…32767 first, then −32768…−1, so ``table[s]``
    works for every 16-bit ``s`` through Python's negative indexing."""
    positive = array.array("h", range(0, 32768)).tobytes()
    negative = array.array("h", range(-32768, 0)).tobytes()
    encode = ulaw_encode if law == "u" else alaw_encode
    return encode(positive) + encode(negative)


def _encode(samples: list[int], law: Law) -> bytes:
    """Encode one frame, clipping samples outside 16 bits (saturation)."""
    if max(samples) > _MAX or min(samples) < _MIN:
        samples = list(map(max, map(min, samples, repeat(_MAX)), repeat(_MIN)))
    return bytes(map(_encode_table(law).__getitem__, samples))


@dataclass(slots=True, eq=False)
class _Participant:
    law: Law
    muted: bool = False
    frames: deque[tuple[bytes, int]] = field(default_factory=lambda: deque(maxlen=BUFFER_FRAMES))
    """(G.711 payload, loudness) of the frames waiting for the mix."""
    heard: int = 0
    """Frames of this participant that were mixed (for tests and the host view)."""


class Mixer:
    """One room's mix. Participant ids are the engine's endpoint ids."""

    def __init__(self, max_participants: int = MAX_PARTICIPANTS) -> None:
        if not 2 <= max_participants <= MAX_PARTICIPANTS:
            raise ValueError(f"max_participants must be 2–{MAX_PARTICIPANTS}")
        self.max_participants = max_participants
        self._participants: dict[str, _Participant] = {}
        self._announcements: deque[tuple[int, ...]] = deque()

    def __len__(self) -> int:
        return len(self._participants)

    def __contains__(self, participant_id: object) -> bool:
        return participant_id in self._participants

    @property
    def participant_ids(self) -> list[str]:
        return list(self._participants)

    def add(self, participant_id: str, law: Law, *, muted: bool = False) -> None:
        """Join the room (a participant already in it only changes its law)."""
        existing = self._participants.get(participant_id)
        if existing is not None:
            existing.law = law
            return
        if len(self._participants) >= self.max_participants:
            raise ValueError(f"the room is full ({self.max_participants} participants)")
        self._participants[participant_id] = _Participant(law, muted)

    def remove(self, participant_id: str) -> None:
        self._participants.pop(participant_id, None)

    def set_law(self, participant_id: str, law: Law) -> None:
        """The participant's codec changed (a re-INVITE): new frames decode by ``law``."""
        participant = self._participants.get(participant_id)
        if participant is not None and participant.law != law:
            participant.law = law
            participant.frames.clear()

    def set_muted(self, participant_id: str, muted: bool) -> None:
        participant = self._participants.get(participant_id)
        if participant is not None:
            participant.muted = muted
            if muted:
                participant.frames.clear()

    def is_muted(self, participant_id: str) -> bool:
        participant = self._participants.get(participant_id)
        return participant is not None and participant.muted

    def put(self, participant_id: str, payload: bytes) -> None:
        """A frame the participant sent (G.711 in its own law); ignored when muted."""
        participant = self._participants.get(participant_id)
        if participant is None or participant.muted or not payload:
            return
        participant.frames.append((payload, sum(payload.translate(_level_table(participant.law)))))

    def announce(self, pcm16: bytes) -> None:
        """Queue audio (16-bit native PCM) that everyone hears on top of the mix."""
        samples = array.array("h", pcm16[: len(pcm16) // 2 * 2])
        for start in range(0, len(samples), FRAME_SAMPLES):
            frame = tuple(samples[start : start + FRAME_SAMPLES])
            self._announcements.append((frame + _SILENCE)[:FRAME_SAMPLES])

    def mix(self) -> dict[str, bytes]:
        """Take one frame from each participant's buffer and return what each hears."""
        talking: list[tuple[int, str, _Participant, bytes]] = []
        for participant_id, participant in self._participants.items():
            if participant.frames:
                payload, loudness = participant.frames.popleft()
                if loudness >= SILENCE_LEVEL:
                    talking.append((loudness, participant_id, participant, payload))
        if len(talking) > MAX_SPEAKERS:
            talking.sort(key=lambda item: item[0], reverse=True)
            del talking[MAX_SPEAKERS:]
        own: dict[str, tuple[int, ...]] = {}
        for _, participant_id, participant, payload in talking:
            frame = tuple(map(_decode_table(participant.law).__getitem__, payload))
            if len(frame) != FRAME_SAMPLES:  # a phone on 10 or 30 ms packets: fit to 20 ms
                frame = (frame + _SILENCE)[:FRAME_SAMPLES]
            own[participant_id] = frame
            participant.heard += 1
        sources: list[tuple[int, ...]] = list(own.values())
        if self._announcements:
            sources.append(self._announcements.popleft())
        total = _sum(sources)
        shared: dict[Law, bytes] = {}
        out: dict[str, bytes] = {}
        for participant_id, participant in self._participants.items():
            mine = own.get(participant_id)
            if mine is None:  # hears the whole sum: encoded once per law
                encoded = shared.get(participant.law)
                if encoded is None:
                    encoded = shared[participant.law] = _encode(total, participant.law)
                out[participant_id] = encoded
            else:
                out[participant_id] = _encode(list(map(sub, total, mine)), participant.law)
        return out


def _sum(frames: Iterable[tuple[int, ...]]) -> list[int]:
    frames = list(frames)
    if not frames:
        return list(_SILENCE)
    if len(frames) == 1:
        return list(frames[0])
    return list(map(sum, zip(*frames, strict=True)))
