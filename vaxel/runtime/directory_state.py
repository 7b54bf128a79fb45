"""A tenant's directory as :class:`~vaxel.runtime.directory_views.DirectoryViews` holds it
in memory (DIR2–DIR4), and the plain views it answers with: who reads (:class:`Actor`), a
person as shown (:class:`PersonView`) with their presence (:class:`PresenceView`), and the
line status telephony reports (:class:`LineStatus`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from vaxel.directory.model import FieldDef, Person, Visibility
from vaxel.directory.presence import (
    LineState,
    Presence,
    Reason,
    RecurringAbsence,
    StatusKind,
    current_presence,
    reason_catalogue,
)
from vaxel.directory.search import DirectoryIndex
from vaxel.runtime.directory_recurring import held, rules_of
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources

__all__ = [
    "MAX_RULES",
    "RECURRING",
    "SETTINGS",
    "Actor",
    "LineStatus",
    "Listener",
    "LoadedTenant",
    "NoLines",
    "PersonView",
    "PresenceView",
    "load_tenant",
    "place",
    "presence_view",
]

RECURRING = "recurring"
"""The source name under which people's recurring absences are stored
(``{"rules": {person_id: [{"reason_id", "text", "weekly": {"fri": "12:00-16:00"}}]}}``)."""
MAX_RULES = 10
"""Recurring absences per person."""

SETTINGS = "directory"
"""The source name under which a tenant's directory settings are stored
(``{"mobile_visibility": "everyone" | "operators" | "admins"}``)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who reads or acts: their role, and the directory person their account is, if any."""

    role: str
    person_id: str | None = None
    name: str = ""
    units: tuple[str, ...] | None = None
    """OP9: the units (with those beneath them) a department's console searches; None: all."""


@dataclass(frozen=True, slots=True)
class PresenceView:
    """A presence as shown: the reason in both languages, the text, since and until."""

    reason_id: str
    reason_sv: str
    reason_en: str
    text: str
    since: datetime
    until: datetime | None
    source: str
    set_by: str


@dataclass(frozen=True, slots=True)
class PersonView:
    """One person as a reader may see them, with presence and the extension's status."""

    person: Person
    presence: PresenceView | None
    status: StatusKind
    units: tuple[str, ...] = ()
    """The names of the person's units."""
    tier: int | None = None
    """For a search hit: 0 exact, 1 prefix, 2 phonetic, 3 fuzzy."""


@dataclass(slots=True)
class LoadedTenant:
    """One tenant's directory as held in memory: the index, fields, reasons, presences and
    who is on which extension."""

    index: DirectoryIndex
    fields: dict[str, FieldDef]
    catalogue: dict[str, Reason]
    presences: dict[str, tuple[Presence, ...]]
    unit_names: dict[str, str]
    mobile: Visibility
    emails: dict[str, str] = field(default_factory=dict)
    """person id → e-mail (lower case), to find the person an account is."""
    accounts: dict[str, str | None] = field(default_factory=dict)
    """username → person id, as found (cleared when an e-mail changes)."""
    extension_of: dict[str, str] = field(default_factory=dict)
    """person id → their extension, to see who shares one (DIR3)."""
    sharing: dict[str, set[str]] = field(default_factory=dict)
    """extension → the people on it."""
    recurring: dict[str, list[RecurringAbsence]] = field(default_factory=dict)
    """person id → their recurring absences (DIR3), as stored under :data:`RECURRING`."""
    tenant_id: str = ""
    checked: datetime = field(default_factory=lambda: datetime.now(UTC))
    """Up to when the clock's presence changes were told (``on_deadline``)."""

    def presence_at(self, person_id: str, now: datetime) -> Presence | None:
        """The presence shown for a person at ``now``, recurring absences included."""
        return current_presence(held(self.presences, self.recurring, person_id, now), now)


Listener = Callable[[str, str, PresenceView | None], None]


class LineStatus(Protocol):
    """What telephony knows of a person's line (DIR4): busy or ringing, and where their
    calls are forwarded (PBX5). The runtime's PBX status implements it."""

    def line(self, tenant_id: str, person_id: str) -> LineState: ...

    def forwarded_to(self, tenant_id: str, person_id: str) -> str | None: ...


class NoLines:
    """No telephony: every line idle, nothing forwarded."""

    def line(self, tenant_id: str, person_id: str) -> LineState:
        return LineState.IDLE

    def forwarded_to(self, tenant_id: str, person_id: str) -> str | None:
        return None


def load_tenant(
    store: DirectoryStore,
    sources: DirectorySources,
    tenant_id: str,
    clock: Callable[[], datetime],
) -> LoadedTenant:
    """A tenant's directory read from the store into memory (people, units, fields,
    reasons, presences and recurring absences)."""
    units = store.units(tenant_id)
    fields = {f.name: f for f in store.fields(tenant_id)}
    public = [name for name, f in fields.items() if f.visibility is Visibility.EVERYONE]
    people = store.people(tenant_id)
    index = DirectoryIndex(people, units=units, searchable_custom=public)
    settings = sources.settings(tenant_id, SETTINGS) or {}
    try:
        mobile = Visibility(settings.get("mobile_visibility", Visibility.EVERYONE))
    except ValueError:
        mobile = Visibility.EVERYONE
    loaded = LoadedTenant(
        index=index,
        fields=fields,
        catalogue=dict(reason_catalogue(store.reasons(tenant_id))),
        presences=store.presences(tenant_id),
        unit_names={u.unit_id: u.name for u in units},
        mobile=mobile,
        emails={p.person_id: p.email.lower() for p in people if p.email},
        checked=clock(),
        tenant_id=tenant_id,
    )
    for person in people:
        place(loaded, person.person_id, person.extension if person.active else None)
    loaded.recurring = rules_of(sources.settings(tenant_id, RECURRING))
    now = clock()
    for person_id in {*loaded.presences, *loaded.recurring}:
        index.set_available(person_id, loaded.presence_at(person_id, now) is None)
    return loaded


def presence_view(loaded: LoadedTenant, presence: Presence | None) -> PresenceView | None:
    """A presence as shown, its reason named from the tenant's catalogue."""
    if presence is None:
        return None
    reason = loaded.catalogue.get(presence.reason_id)
    return PresenceView(
        reason_id=presence.reason_id,
        reason_sv=reason.label_sv if reason else presence.reason_id,
        reason_en=reason.label_en if reason else presence.reason_id,
        text=presence.text,
        since=presence.since,
        until=presence.until,
        source=presence.source.value,
        set_by=presence.set_by,
    )


def place(loaded: LoadedTenant, person_id: str, extension: str | None) -> None:
    """Keep who is on which extension in step with a person's (new) extension."""
    old = loaded.extension_of.pop(person_id, None)
    if old is not None:
        loaded.sharing.get(old, set()).discard(person_id)
    if extension:
        loaded.extension_of[person_id] = extension
        loaded.sharing.setdefault(extension, set()).add(person_id)
