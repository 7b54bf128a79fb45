"""Unit paths in import files (``Samhällsbyggnad/Bygglov``) ↔ the tenant's unit tree.

A file names units by their path of names from the top, as people read them; the store
keeps ids. A path that matches the tree reuses its units; a new one adds units with ids
made from their names (``samhallsbyggnad``, ``bygglov``), made unique within the tenant.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from vaxel.core.limits import ID_LENGTH, NAME_LENGTH
from vaxel.directory.model import Unit
from vaxel.directory_io.columns import UNIT_SEPARATOR
from vaxel.directory_io.errors import ImportRefused

__all__ = ["UnitPaths", "unit_id_from_name"]

MAX_DEPTH = 10
"""Levels of a unit path; a municipality has four or five."""

_NOT_ID = re.compile(r"[^a-z0-9]+")


def unit_id_from_name(name: str) -> str:
    """``Socialtjänst`` → ``socialtjanst``: lower case, Swedish letters folded, anything
    else a hyphen."""
    folded = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return _NOT_ID.sub("-", folded).strip("-")[:ID_LENGTH] or "enhet"


class UnitPaths:
    """The tree of one tenant during an import: finds or adds the unit of each path."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._units = {unit.unit_id: unit for unit in units}
        self._by_name = {(u.parent_id, u.name.casefold()): u.unit_id for u in self._units.values()}
        self.added: list[Unit] = []

    def unit_id(self, path: str, line: int, column: str = "unit") -> str:
        """The id of the unit at ``path``, adding the units it lacks."""
        names = [name.strip() for name in path.split(UNIT_SEPARATOR)]
        if len(names) > MAX_DEPTH:
            raise ImportRefused(line, column, "unit-depth", max=MAX_DEPTH, value=path)
        parent: str | None = None
        for name in names:
            if not name:
                raise ImportRefused(line, column, "unit-path", value=path)
            if len(name) > NAME_LENGTH:
                raise ImportRefused(line, column, "too-long", max=NAME_LENGTH, length=len(name))
            found = self._by_name.get((parent, name.casefold()))
            if found is None:
                found = self._add(name, parent)
            parent = found
        assert parent is not None
        return parent

    def _add(self, name: str, parent: str | None) -> str:
        base = unit_id_from_name(name)
        candidate = base
        if candidate in self._units and parent is not None:
            candidate = f"{parent}-{base}"[:ID_LENGTH]
        number = 2
        while candidate in self._units:
            suffix = f"-{number}"
            candidate = base[: ID_LENGTH - len(suffix)] + suffix
            number += 1
        unit = Unit(candidate, name, parent)
        self._units[candidate] = unit
        self._by_name[(parent, name.casefold())] = candidate
        self.added.append(unit)
        return candidate

    def path(self, unit_id: str) -> str:
        """``Samhällsbyggnad/Bygglov`` for the unit ``bygglov`` (its id if unknown)."""
        names: list[str] = []
        seen: set[str] = set()
        current: str | None = unit_id
        while current is not None and current not in seen and current in self._units:
            seen.add(current)
            unit = self._units[current]
            names.append(unit.name)
            current = unit.parent_id
        return UNIT_SEPARATOR.join(reversed(names)) if names else unit_id
