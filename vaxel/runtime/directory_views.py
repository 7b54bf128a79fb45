"""The directory as the pages, the API and the console read it (DIR2–DIR4, DIR6).

One :class:`DirectoryViews` per platform keeps each tenant's :class:`DirectoryIndex`, custom
fields, reasons and presences in memory (loaded on first use, 100,000 people in a few
seconds), answers searches and cards as plain views — each person as the reader's role may
see them, with the presence in force and the extension's status — and is the one way to set
presence, with the rights checked here, below HTTP. Writes made elsewhere (an import, an LDAP
sync, a calendar poll, the admin pages) are followed by :meth:`changed`.

Listeners hear every change of a person's shown presence — set, cleared, or begun or ended
by the clock (the view is also a scheduler machine whose deadline is the next presence
change) — to push it to open pages. What it holds per tenant, and the views it answers
with, are in :mod:`vaxel.runtime.directory_state`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from vaxel.core.errors import ConfigError
from vaxel.directory.model import Person
from vaxel.directory.permissions import Right, require, shown
from vaxel.directory.presence import (
    Presence,
    PresenceSource,
    Reason,
    StatusKind,
    extension_status,
    group_presence,
    next_presence_change,
)
from vaxel.runtime.directory_recurring import rule_of, rules_of
from vaxel.runtime.directory_state import (
    MAX_RULES,
    RECURRING,
    SETTINGS,
    Actor,
    LineStatus,
    Listener,
    LoadedTenant,
    NoLines,
    PersonView,
    PresenceView,
    load_tenant,
    place,
    presence_view,
)
from vaxel.store.directory import DirectoryStore, UnknownPerson
from vaxel.store.directory_sources import DirectorySources

__all__ = [
    "RECURRING",
    "SETTINGS",
    "Actor",
    "DirectoryViews",
    "LineStatus",
    "PersonView",
    "PresenceView",
]

log = logging.getLogger(__name__)


class DirectoryViews:
    """Every tenant's directory, readable at once and safe from any thread."""

    name = "directory presence"

    def __init__(
        self,
        store: DirectoryStore,
        sources: DirectorySources,
        clock: Callable[[], float],
        rearm: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.sources = sources
        self._clock = clock
        self._rearm = rearm
        self._tenants: dict[str, LoadedTenant] = {}
        self._lock = threading.RLock()
        self.listeners: list[Listener] = []
        self.lines: LineStatus = NoLines()
        """Telephony's side of each person's status; the root sets it (issue 14 §4)."""

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    # loading -------------------------------------------------------------------------------

    def _tenant(self, tenant_id: str) -> LoadedTenant:
        with self._lock:
            loaded = self._tenants.get(tenant_id)
            if loaded is None:
                loaded = self._tenants[tenant_id] = load_tenant(
                    self.store, self.sources, tenant_id, self._now
                )
            return loaded

    def changed(self, tenant_id: str, person_ids: Iterable[str] | None = None) -> None:
        """The store changed for ``tenant_id``: these people (their entries and presences),
        or everything (None, e.g. after an import or a settings change)."""
        with self._lock:
            loaded = self._tenants.get(tenant_id)
            if loaded is None:
                return
            if person_ids is None:
                del self._tenants[tenant_id]
                self._rearm()
                return
            chosen = list(person_ids)
            for person_id in chosen:
                loaded.emails.pop(person_id, None)
                loaded.accounts.clear()
                try:
                    person = self.store.person(tenant_id, person_id)
                except UnknownPerson:
                    loaded.index.remove(person_id)
                    place(loaded, person_id, None)
                    continue
                loaded.index.put(person)
                place(loaded, person_id, person.extension if person.active else None)
                if person.active and person.email:
                    loaded.emails[person_id] = person.email.lower()
            fresh = self.store.presences(tenant_id, chosen)
            for person_id in chosen:
                loaded.presences[person_id] = fresh.get(person_id, ())
        self._presence_changed(tenant_id, chosen)

    # reading -------------------------------------------------------------------------------

    def _view(
        self,
        loaded: LoadedTenant,
        person: Person,
        role: str,
        now: datetime,
        tier: int | None = None,
    ) -> PersonView:
        presence = loaded.presence_at(person.person_id, now)
        # A shared extension stays open while anyone on it is in (DIR3): its status weighs
        # everyone's presence, while the card still shows this person's own.
        on_line = loaded.sharing.get(person.extension or "", {person.person_id})
        status = extension_status(
            {
                other: presence if other == person.person_id else loaded.presence_at(other, now)
                for other in on_line | {person.person_id}
            },
            self.lines.line(loaded.tenant_id, person.person_id),
            forwarded_to=self.lines.forwarded_to(loaded.tenant_id, person.person_id),
        ).kind
        return PersonView(
            person=shown(person, role, loaded.fields, mobile=loaded.mobile),
            presence=presence_view(loaded, presence),
            status=status,
            units=tuple(loaded.unit_names.get(u, u) for u in person.unit_ids),
            tier=tier,
        )

    def search(
        self,
        tenant_id: str,
        query: str,
        actor: Actor,
        *,
        limit: int = 20,
        units: Iterable[str] | None = None,
        presence_first: bool = False,
    ) -> list[PersonView]:
        """The best matches for ``query`` as ``actor`` may see them (DIR2), within ``units``
        or else the actor's own (OP9: a department's console)."""
        require(actor.role, Right.SEE)
        loaded = self._tenant(tenant_id)
        now = self._now()
        units = actor.units if units is None else units
        with self._lock:
            hits = loaded.index.search(query, limit, units, presence_first)
            return [self._view(loaded, h.person, actor.role, now, int(h.tier)) for h in hits]

    def person(self, tenant_id: str, person_id: str, actor: Actor) -> PersonView:
        require(actor.role, Right.SEE)
        loaded = self._tenant(tenant_id)
        with self._lock:
            person = loaded.index.get(person_id)
            if person is None:
                raise UnknownPerson(person_id, tenant_id)
            return self._view(loaded, person, actor.role, self._now())

    def person_of_account(self, tenant_id: str, username: str) -> str | None:
        """The directory person a signed-in account is ("Min hänvisning"): the active person
        whose e-mail is the username, else the one whose e-mail's local part is (when only
        one is); None when the account is no one in the directory."""
        wanted = username.strip().lower()
        if not wanted:
            return None
        loaded = self._tenant(tenant_id)
        with self._lock:
            if wanted in loaded.accounts:
                return loaded.accounts[wanted]
            emails = list(loaded.emails.items())
        exact = sorted(person_id for person_id, email in emails if email == wanted)
        local = [person_id for person_id, email in emails if email.partition("@")[0] == wanted]
        found = exact[0] if exact else (local[0] if len(local) == 1 else None)
        with self._lock:
            loaded.accounts[wanted] = found
        return found

    def reasons(self, tenant_id: str) -> list[Reason]:
        """The tenant's catalogue of reasons, in the order the pages offer them."""
        return list(self._tenant(tenant_id).catalogue.values())

    def status(self, tenant_id: str, person_id: str) -> StatusKind | None:
        """A person's status as the console shows it (DIR4); None for no such person."""
        loaded = self._tenant(tenant_id)
        with self._lock:
            person = loaded.index.get(person_id)
            if person is None:
                return None
            return self._view(loaded, person, "platform_admin", self._now()).status

    def absence(self, tenant_id: str, person_id: str) -> PresenceView | None:
        """The presence a caller hears about (DIR3, PBX5): no reader's rights apply, as
        the system itself asks on the caller's behalf and says only reason and time."""
        loaded = self._tenant(tenant_id)
        with self._lock:
            return presence_view(loaded, loaded.presence_at(person_id, self._now()))

    def extension_of(self, tenant_id: str, person_id: str) -> str | None:
        """The active person's extension (their short number), if any."""
        with self._lock:
            return self._tenant(tenant_id).extension_of.get(person_id)

    def people_on(self, tenant_id: str, extension: str) -> list[str]:
        """Who is on ``extension`` (one person, or the people sharing it), sorted."""
        with self._lock:
            return sorted(self._tenant(tenant_id).sharing.get(extension, ()))

    def name_of(self, tenant_id: str, person_id: str) -> str:
        with self._lock:
            person = self._tenant(tenant_id).index.get(person_id)
            return person.name if person else ""

    def status_changed(self, tenant_id: str, person_ids: Iterable[str]) -> None:
        """Telephony's side of these people changed (line state, forwarding): tell the
        listeners, so open pages show it."""
        self._presence_changed(tenant_id, list(person_ids))

    # presence ------------------------------------------------------------------------------

    def _checked(self, tenant_id: str, presence: Presence, actor: Actor) -> Presence:
        loaded = self._tenant(tenant_id)
        if presence.reason_id not in loaded.catalogue:
            raise ConfigError("reason_id", "choice", allowed=", ".join(sorted(loaded.catalogue)))
        return replace(presence, set_by=(actor.name or actor.role)[:100])

    def set_presence(
        self, tenant_id: str, actor: Actor, person_id: str, presence: Presence
    ) -> PersonView:
        """Set ``person_id``'s presence by hand (their own with ``own-presence``, anyone's
        with ``any-presence``); it replaces the one set by hand before."""
        require(actor.role, Right.ANY_PRESENCE, own=actor.person_id == person_id)
        checked = self._checked(tenant_id, replace(presence, source=PresenceSource.MANUAL), actor)
        self.store.set_presences(tenant_id, {person_id: checked})
        self.changed(tenant_id, [person_id])
        return self.person(tenant_id, person_id, actor)

    def clear_presence(self, tenant_id: str, actor: Actor, person_id: str) -> PersonView:
        """The presence set by hand is gone (a calendar's or group's may still show)."""
        require(actor.role, Right.ANY_PRESENCE, own=actor.person_id == person_id)
        self.store.clear_presence(tenant_id, [person_id], PresenceSource.MANUAL)
        self.changed(tenant_id, [person_id])
        return self.person(tenant_id, person_id, actor)

    def set_group_presence(
        self, tenant_id: str, actor: Actor, group: str, presence: Presence
    ) -> list[str]:
        """Every member of ``group`` at once (DIR3); their own presences stay beneath."""
        require(actor.role, Right.ANY_PRESENCE)
        members = [p.person_id for p in self.store.people(tenant_id) if group in p.groups]
        if not members:
            raise ConfigError("group", "unknown-group", value=group)
        checked = self._checked(tenant_id, presence, actor)
        self.store.set_presences(tenant_id, group_presence(group, members, checked))
        self.changed(tenant_id, members)
        return members

    def clear_group(self, tenant_id: str, actor: Actor, group: str) -> None:
        require(actor.role, Right.ANY_PRESENCE)
        members = [p.person_id for p in self.store.people(tenant_id) if group in p.groups]
        self.store.clear_group(tenant_id, group)
        self.changed(tenant_id, members)

    def recurring(self, tenant_id: str, person_id: str) -> list[dict[str, Any]]:
        """A person's recurring absences in their stored form."""
        stored = self.sources.settings(tenant_id, RECURRING) or {}
        rules = stored.get("rules", {}).get(person_id, [])
        return [dict(rule) for rule in rules] if isinstance(rules, list) else []

    def set_recurring(
        self, tenant_id: str, actor: Actor, person_id: str, rules: list[dict[str, Any]]
    ) -> None:
        """Replace ``person_id``'s recurring absences (their own, or anyone's for operators);
        each rule is checked (reason in the catalogue, the weekly hours) before any is kept."""
        require(actor.role, Right.ANY_PRESENCE, own=actor.person_id == person_id)
        self.person(tenant_id, person_id, actor)  # 404 for someone unknown
        if len(rules) > MAX_RULES:
            raise ConfigError("rules", "at-most", max=MAX_RULES)
        catalogue = self._tenant(tenant_id).catalogue
        for index, rule in enumerate(rules):
            built = rule_of(person_id, index, rule)
            if built.reason_id not in catalogue:
                raise ConfigError(
                    f"rules[{index}].reason_id", "choice", allowed=", ".join(sorted(catalogue))
                )
        stored = dict(self.sources.settings(tenant_id, RECURRING) or {})
        every = dict(stored.get("rules", {}))
        if rules:
            every[person_id] = rules
        else:
            every.pop(person_id, None)
        self.sources.put_settings(tenant_id, RECURRING, {"rules": every}, self._clock())
        with self._lock:
            loaded = self._tenants.get(tenant_id)
            if loaded is not None:
                loaded.recurring = rules_of({"rules": every})
        self._presence_changed(tenant_id, [person_id])

    def _presence_changed(self, tenant_id: str, person_ids: Iterable[str]) -> None:
        loaded = self._tenants.get(tenant_id)
        if loaded is None:
            return
        now = self._now()
        for person_id in person_ids:
            presence = loaded.presence_at(person_id, now)
            loaded.index.set_available(person_id, presence is None)
            view = presence_view(loaded, presence)
            for listener in list(self.listeners):
                try:
                    listener(tenant_id, person_id, view)
                except Exception:
                    log.exception("a directory presence listener failed")
        self._rearm()

    # the clock: presences that begin or end -------------------------------------------------

    def next_deadline(self, now: float) -> float | None:
        at = datetime.fromtimestamp(now, UTC)
        with self._lock:
            moments = [
                next_presence_change(held, at)
                for loaded in self._tenants.values()
                for held in loaded.presences.values()
            ] + [
                rule.next_change(at)
                for loaded in self._tenants.values()
                for rules in loaded.recurring.values()
                for rule in rules
            ]
        found = [m.timestamp() for m in moments if m is not None]
        return min(found, default=None)

    def on_deadline(self, now: float) -> None:
        at = datetime.fromtimestamp(now, UTC)
        with self._lock:
            due: dict[str, list[str]] = {}
            for tenant_id, loaded in self._tenants.items():
                for person_id, held in loaded.presences.items():
                    if any(
                        loaded.checked < m <= at
                        for p in held
                        for m in (p.since, p.until)
                        if m is not None
                    ):
                        due.setdefault(tenant_id, []).append(person_id)
                for person_id, rules in loaded.recurring.items():
                    changes = [r.next_change(loaded.checked) for r in rules]
                    if any(m is not None and m <= at for m in changes):
                        due.setdefault(tenant_id, []).append(person_id)
                loaded.checked = at
        for tenant_id, person_ids in due.items():
            self._presence_changed(tenant_id, person_ids)
