"""A person's line state ("Upptagen", "Ringer") from the calls telephony reports (DIR4).

Telephony tells this tracker, per call, that a person's phone rings, that they answered,
or that the call left them; the tracker answers which people's state changed. A person
is ``busy`` while any call they answered lasts, else ``ringing`` while any call rings
them, else ``idle`` — so a second call ringing a busy person leaves them busy, and a
person rung by two calls rings until both have stopped. Forwarding on busy reads
:meth:`LineStates.state` (PBX5); the directory shows it (``extension_status``).

Pure: one dict, no clock. The runtime holds one per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from vaxel.directory.presence import LineState

__all__ = ["Involvement", "LineChange", "LineStates", "PersonLine"]


class Involvement(StrEnum):
    """How one call involves one person."""

    RINGING = "ringing"
    ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class LineChange:
    """``person_id`` of ``tenant_id`` is now ``state`` (a fact: their line changed)."""

    tenant_id: str
    person_id: str
    state: LineState


PersonLine = tuple[str, str]
"""(tenant id, person id)."""


@dataclass(slots=True)
class LineStates:
    """Which calls involve which people, and so each person's line state."""

    _calls: dict[PersonLine, dict[str, Involvement]] = field(default_factory=dict)

    def state(self, tenant_id: str, person_id: str) -> LineState:
        return _state(self._calls.get((tenant_id, person_id), {}))

    def ringing(self, tenant_id: str, person_id: str, call_id: str) -> list[LineChange]:
        return self._set(tenant_id, person_id, call_id, Involvement.RINGING)

    def answered(self, tenant_id: str, person_id: str, call_id: str) -> list[LineChange]:
        return self._set(tenant_id, person_id, call_id, Involvement.ANSWERED)

    def left(self, tenant_id: str, person_id: str, call_id: str) -> list[LineChange]:
        """The call no longer involves the person (they hung up, it stopped ringing them)."""
        return self._set(tenant_id, person_id, call_id, None)

    def ended(self, call_id: str) -> list[LineChange]:
        """The call is over for everyone it involved."""
        changes: list[LineChange] = []
        for tenant_id, person_id in [key for key, calls in self._calls.items() if call_id in calls]:
            changes += self._set(tenant_id, person_id, call_id, None)
        return changes

    def _set(
        self, tenant_id: str, person_id: str, call_id: str, involvement: Involvement | None
    ) -> list[LineChange]:
        key = (tenant_id, person_id)
        calls = self._calls.get(key, {})
        before = _state(calls)
        if involvement is None:
            calls.pop(call_id, None)
        else:
            calls[call_id] = involvement
        if calls:
            self._calls[key] = calls
        else:
            self._calls.pop(key, None)
        after = _state(calls)
        return [] if after is before else [LineChange(tenant_id, person_id, after)]


def _state(calls: dict[str, Involvement]) -> LineState:
    if Involvement.ANSWERED in calls.values():
        return LineState.BUSY
    if calls:
        return LineState.RINGING
    return LineState.IDLE
