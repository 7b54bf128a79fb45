"""Id generation, injected so the core stays deterministic (STYLE.md rule 2)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["IdFactory", "SequentialIds"]


class IdFactory(Protocol):
    """Makes a new unique id with a readable prefix, e.g. ``contact-17``."""

    def new_id(self, prefix: str) -> str: ...


class SequentialIds:
    """Ids ``prefix-1``, ``prefix-2``, … — deterministic, so a replayed journal gives the
    same ids. ``start`` lets a restarted process continue after the highest id seen."""

    __slots__ = ("_counters", "_namespace")

    def __init__(self, namespace: str = "", start: dict[str, int] | None = None) -> None:
        self._namespace = namespace
        self._counters: dict[str, int] = dict(start or {})

    @property
    def namespace(self) -> str:
        return self._namespace

    @property
    def counters(self) -> dict[str, int]:
        """The last number given per prefix (a copy): with ``namespace``, all a snapshot
        needs to make a generator that continues where this one is."""
        return dict(self._counters)

    def new_id(self, prefix: str) -> str:
        n = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = n
        return f"{prefix}-{self._namespace}{n}"
