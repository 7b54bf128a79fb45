"""The early-media event and action of a call (issue 14, PBX1): a caller rung onward has had
183 with our SDP and is answered 200 only when someone answers (``leg.py`` EARLY_MEDIA).
Part of the call machine's events (``call_events``), kept apart for that module's length."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AnswerCaller", "CallerAnswered"]


@dataclass(frozen=True, slots=True)
class CallerAnswered:
    """Växel itself must talk with a caller still in early media (voicemail, a presence
    with 0/1, a queue, a conference room, a parked call): the caller is answered now."""


@dataclass(frozen=True, slots=True)
class AnswerCaller:
    """Someone answered for the caller: a caller still in early media is answered 200 now
    (the 183's To tag and SDP); one answered already, or gone, is left as it is."""
