"""Journal schema versions and the upcasters that read old entries (issue 12 §5).

The journal is the source of truth, so an entry written years ago must replay with
today's code. Every entry names the ``schema_version`` it was written with; reading
brings it up to :data:`JOURNAL_VERSION` one step at a time through :data:`UPCASTERS`,
each a pure function of the stored record. To rename a field of an event: bump
``JOURNAL_VERSION``, add an upcaster from the previous version that renames the key in
the payload of that event's ``__type__``, and keep the fixture test passing.

Versions:
  1. entries written before versions existed: the payload only; who acted is in the
     payload's ``actor`` and the story is the contact the event is about.
  2. entries carry their context (correlation, causation, actor) in columns of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from vaxel.core.errors import VaxelError

__all__ = [
    "JOURNAL_VERSION",
    "UPCASTERS",
    "JournalVersionError",
    "StoredEntry",
    "story_of",
    "upcast",
]

JOURNAL_VERSION = 2


class JournalVersionError(VaxelError):
    """An entry was written with a journal version this Växel cannot read."""

    code = "journal_version_unknown"

    def __init__(self, seq: int, version: int) -> None:
        self.seq = seq
        self.version = version
        super().__init__(
            f"journalens post {seq} har version {version}, men den här Växel läser "
            f"versionerna 1–{JOURNAL_VERSION}; uppgradera Växel innan databasen används "
            "(ingenting har lästs in)"
        )


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One journal row before decoding: the payload as JSON data, the context as stored."""

    seq: int
    version: int
    payload: Mapping[str, Any]
    correlation_id: str
    causation_id: str
    actor: str


def story_of(payload: Mapping[str, Any]) -> str:
    """The story a version-1 payload belongs to: the contact, agent or queue it is about."""
    for key, prefix in (("contact_id", ""), ("from_contact_id", "")):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return prefix + value
    agent = payload.get("agent_id") or _nested(payload, "profile", "agent_id")
    if isinstance(agent, str) and agent:
        return f"agent:{agent}"
    queue = payload.get("queue_id") or _nested(payload, "config", "queue_id")
    if isinstance(queue, str) and queue and payload.get("__type__") != "CallbackRequested":
        return f"queue:{queue}"
    return ""


def _nested(payload: Mapping[str, Any], outer: str, key: str) -> object:
    inner = payload.get(outer)
    return inner.get(key) if isinstance(inner, Mapping) else None


def _v1_to_v2(entry: StoredEntry) -> StoredEntry:
    actor = entry.payload.get("actor")
    return replace(
        entry,
        version=2,
        correlation_id=entry.correlation_id or story_of(entry.payload),
        actor=entry.actor or (actor if isinstance(actor, str) else ""),
    )


UPCASTERS: Mapping[int, Callable[[StoredEntry], StoredEntry]] = {1: _v1_to_v2}
"""From each version to the next."""


def upcast(entry: StoredEntry) -> StoredEntry:
    """``entry`` as :data:`JOURNAL_VERSION` writes it; :class:`JournalVersionError` when its
    version is unknown (newer than this code, or not a version at all)."""
    if not 1 <= entry.version <= JOURNAL_VERSION:
        raise JournalVersionError(entry.seq, entry.version)
    while entry.version < JOURNAL_VERSION:
        entry = UPCASTERS[entry.version](entry)
    return entry
