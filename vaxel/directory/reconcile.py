"""What a sync from an outside source changes in the directory (DIR5), decided without I/O.

Rules:
- A person belongs to the source when their ``person_id`` starts with the source's prefix
  (``ldap-``): people entered by hand or imported from a file are never touched by a sync.
- The source's entry id is stable across renames and moves, so a changed name is a rename
  and a changed unit a move of the same person — never a removal and a new person.
- A person of the source that the source no longer has is deactivated, not deleted: their
  history and presence stay (DIR5). One who comes back is reactivated.
- Units named by the source that the directory lacks are added (parents first).
- An entry that cannot be read (a bad number, no name) is skipped and reported with its DN;
  two entries with the same id are both skipped. The rest of the run goes on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vaxel.directory.model import Person, Unit

__all__ = ["Skipped", "SyncPlan", "Update", "reconcile"]

_COMPARED = tuple(
    f.name for f in dataclasses.fields(Person) if f.name not in ("person_id", "active")
)


@dataclass(frozen=True, slots=True)
class Update:
    """One person changed by the source: before, after, and which fields differ."""

    before: Person
    after: Person
    fields: tuple[str, ...]

    @property
    def renamed(self) -> bool:
        return "given_name" in self.fields or "family_name" in self.fields

    @property
    def moved(self) -> bool:
        return "unit_ids" in self.fields


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of the source left out: where it is (a DN), the field and the rule code."""

    where: str
    field: str
    code: str


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """Everything one run would change; ``changes == 0`` when already in step."""

    added: tuple[Person, ...] = ()
    updated: tuple[Update, ...] = ()
    deactivated: tuple[Person, ...] = ()
    reactivated: tuple[Person, ...] = ()
    units_added: tuple[Unit, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    unchanged: int = 0

    @property
    def changes(self) -> int:
        return (
            len(self.added)
            + len(self.updated)
            + len(self.deactivated)
            + len(self.reactivated)
            + len(self.units_added)
        )

    def summary(self) -> dict[str, int]:
        """Counts per kind of change, for the run's report."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "renamed": sum(u.renamed for u in self.updated),
            "moved": sum(u.moved for u in self.updated),
            "deactivated": len(self.deactivated),
            "reactivated": len(self.reactivated),
            "units_added": len(self.units_added),
            "skipped": len(self.skipped),
            "unchanged": self.unchanged,
        }


def _differences(before: Person, after: Person) -> tuple[str, ...]:
    return tuple(name for name in _COMPARED if getattr(before, name) != getattr(after, name))


def reconcile(
    current: Iterable[Person],
    incoming: Sequence[Person],
    *,
    prefix: str,
    units: Iterable[Unit] = (),
    incoming_units: Sequence[Unit] = (),
    skipped: Sequence[Skipped] = (),
) -> SyncPlan:
    """The plan that brings the source's people (ids starting with ``prefix``) in step with
    ``incoming``. ``current`` is the tenant's whole directory, ``units`` its units;
    ``incoming_units`` come parents first."""
    owned = {p.person_id: p for p in current if p.person_id.startswith(prefix)}
    seen: dict[str, Person] = {}
    duplicates: set[str] = set()
    for person in incoming:
        if person.person_id in seen:
            duplicates.add(person.person_id)
        seen[person.person_id] = person
    left_out = list(skipped)
    for person_id in sorted(duplicates):
        left_out.append(Skipped(seen.pop(person_id).external_id, "external_id", "list-duplicate"))
    added: list[Person] = []
    updated: list[Update] = []
    reactivated: list[Person] = []
    unchanged = 0
    for person_id, person in seen.items():
        before = owned.get(person_id)
        if before is None:
            added.append(person)
        elif not before.active:
            reactivated.append(person)
        elif fields := _differences(before, person):
            updated.append(Update(before, person, fields))
        else:
            unchanged += 1
    gone = tuple(
        dataclasses.replace(p, active=False)
        for person_id, p in owned.items()
        if p.active and person_id not in seen and person_id not in duplicates
    )
    known = {u.unit_id for u in units}
    new_units: list[Unit] = []
    for unit in incoming_units:
        if unit.unit_id not in known:
            known.add(unit.unit_id)
            new_units.append(unit)
    return SyncPlan(
        added=tuple(added),
        updated=tuple(updated),
        deactivated=gone,
        reactivated=tuple(reactivated),
        units_added=tuple(new_units),
        skipped=tuple(left_out),
        unchanged=unchanged,
    )
