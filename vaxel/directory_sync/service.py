"""The directory's outside sources, tenant by tenant: what the runtime's machine, the CLI and
the admin pages call (DIR5, spec §41).

- :meth:`DirectoryService.sync_ldap` reads the tenant's LDAP/AD, reconciles and writes the
  plan in one transaction (:meth:`DirectoryStore.apply_sync`),
  and keeps the run's report; a dry run only reports.
- :meth:`DirectoryService.poll_calendars` reads every calendar of the tenant's people (a few
  at a time) and keeps one calendar presence per person: the one in force now, else the
  next. A calendar that cannot be read keeps the presence it had and records the error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from vaxel.directory.calendar_presence import CalendarRules, calendar_presences
from vaxel.directory.presence import Presence, PresenceSource
from vaxel.directory_sync.calendar_source import CalendarAddress, fetch_busy
from vaxel.directory_sync.ldap_source import SourceError
from vaxel.directory_sync.ldap_sync import LdapSettings, SyncReport, run_sync
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources, PersonCalendar

__all__ = ["CALENDAR", "LDAP", "DirectoryService", "calendar_rules"]

log = logging.getLogger(__name__)

LDAP = "ldap"
CALENDAR = "calendar"
CALENDAR_WORKERS = 4
"""Calendars read at once: a few hundred people are read well within the minute."""
MAX_CALENDARS = 5_000
LOOK_BACK = timedelta(hours=12)
LOOK_AHEAD = timedelta(hours=36)


def calendar_rules(settings: dict[str, Any] | None) -> CalendarRules:
    """The tenant's calendar rules from their stored form (defaults when none)."""
    document = settings or {}
    defaults = CalendarRules()
    return CalendarRules(
        include_private=bool(document.get("include_private", defaults.include_private)),
        include_all_day=bool(document.get("include_all_day", defaults.include_all_day)),
        show_subject=bool(document.get("show_subject", defaults.show_subject)),
        busy_reason=str(document.get("busy_reason", defaults.busy_reason)),
        away_reason=str(document.get("away_reason", defaults.away_reason)),
    )


class DirectoryService:
    """LDAP syncs and calendar polls for every tenant, on the store."""

    def __init__(
        self,
        directory: DirectoryStore,
        sources: DirectorySources,
        *,
        zone: ZoneInfo | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.sources = sources
        self.zone = zone or ZoneInfo("Europe/Stockholm")
        self._clock = clock

    # what the runtime's machine asks ------------------------------------------------------

    def tenants(self) -> list[str]:
        return self.sources.tenants()

    def ldap_settings(self, tenant_id: str) -> LdapSettings | None:
        document = self.sources.settings(tenant_id, LDAP)
        return None if document is None else LdapSettings.from_document(document)

    def ldap_interval_s(self, tenant_id: str) -> float | None:
        try:
            settings = self.ldap_settings(tenant_id)
        except Exception:  # stored settings an older version wrote: not run, not crashed
            log.exception("LDAP settings of %s cannot be read", tenant_id)
            return None
        return float(settings.interval_s) if settings and settings.enabled else None

    def has_calendars(self, tenant_id: str) -> bool:
        return any(not c.opted_out for c in self.sources.calendars(tenant_id))

    # LDAP ---------------------------------------------------------------------------------

    def sync_ldap(
        self, tenant_id: str, now: float | None = None, *, dry_run: bool = False
    ) -> SyncReport:
        """One run; the report is kept (a dry run's too) and returned."""
        settings = self.ldap_settings(tenant_id)
        if settings is None:
            raise LookupError(tenant_id)
        report = run_sync(settings, self.directory, tenant_id, dry_run=dry_run, clock=self._clock)
        self.sources.save_report(tenant_id, LDAP, report.to_document())
        if report.ok:
            log.info("LDAP sync of %s: %s", tenant_id, report.counts)
        else:
            log.warning("LDAP sync of %s failed: %s", tenant_id, report.error)
        return report

    # calendars ----------------------------------------------------------------------------

    def poll_calendars(self, tenant_id: str, now: float | None = None) -> dict[str, str]:
        """Read every calendar of the tenant once; person id → error ("" when read)."""
        at = datetime.fromtimestamp(self._clock() if now is None else now, UTC)
        rules = calendar_rules(self.sources.settings(tenant_id, CALENDAR))
        calendars = [c for c in self.sources.calendars(tenant_id) if not c.opted_out]
        known = {p.person_id for p in self.directory.people(tenant_id)}
        calendars = [c for c in calendars if c.person_id in known][:MAX_CALENDARS]
        with ThreadPoolExecutor(CALENDAR_WORKERS, thread_name_prefix="calendar") as pool:
            results = list(pool.map(lambda c: self._read(c, rules, at), calendars))
        chosen: dict[str, Presence] = {}
        cleared: list[str] = []
        errors: dict[str, str] = {}
        for calendar, (presence, error) in zip(calendars, results, strict=True):
            errors[calendar.person_id] = error
            if error:
                continue
            if presence is None:
                cleared.append(calendar.person_id)
            else:
                chosen[calendar.person_id] = presence
        if cleared:
            self.directory.clear_presence(tenant_id, cleared, PresenceSource.CALENDAR)
        self.directory.set_presences(tenant_id, chosen)
        self.sources.mark_checked(tenant_id, errors, at.timestamp())
        return errors

    def _read(
        self, calendar: PersonCalendar, rules: CalendarRules, now: datetime
    ) -> tuple[Presence | None, str]:
        address = CalendarAddress(calendar.url, calendar.kind, calendar.username, calendar.password)
        try:
            spans = fetch_busy(address, now - LOOK_BACK, now + LOOK_AHEAD, self.zone)
        except SourceError as error:
            return None, f"{error.code}: {error.reason}"
        presences = calendar_presences(spans, rules, now)
        current = next((p for p in presences if p.active_at(now)), None)
        return (current or (presences[0] if presences else None)), ""
