"""The directory's outside sources as stored (DIR5, spec §41): per tenant the LDAP settings
and calendar rules with the report of each one's last run, and per person a calendar address
with an opt-out. Every read and write names its tenant.

Passwords (an LDAP bind password, a calendar's) are kept as given: Växel must present them
to the server, so they cannot be hashed; they are never shown back in a page or the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select, union, update

from vaxel.store import tables
from vaxel.store.repositories import upsert

__all__ = ["DirectorySources", "PersonCalendar"]


@dataclass(frozen=True, slots=True)
class PersonCalendar:
    """One person's calendar as stored, with how its last read went."""

    person_id: str
    url: str
    kind: str = "caldav"
    username: str = ""
    password: str = ""
    opted_out: bool = False
    checked_at: float | None = None
    error: str = ""


class DirectorySources:
    """Settings, reports and calendars of the tenants' directory sources."""

    def __init__(self, database: Engine) -> None:
        self._db = database

    def tenants(self) -> list[str]:
        """Tenants with a source or a calendar, sorted."""
        s, c = tables.directory_sources.c, tables.directory_calendars.c
        query = union(select(s.tenant_id), select(c.tenant_id))
        with self._db.connect() as connection:
            return sorted(row[0] for row in connection.execute(query))

    def settings(self, tenant_id: str, source: str) -> dict[str, Any] | None:
        row = self._row(tenant_id, source)
        return None if row is None else dict(row.settings)

    def report(self, tenant_id: str, source: str) -> dict[str, Any] | None:
        row = self._row(tenant_id, source)
        return None if row is None or row.report is None else dict(row.report)

    def _row(self, tenant_id: str, source: str) -> Any:
        s = tables.directory_sources.c
        with self._db.connect() as connection:
            return connection.execute(
                select(s.settings, s.report).where(s.tenant_id == tenant_id, s.source == source)
            ).first()

    def put_settings(
        self, tenant_id: str, source: str, settings: Mapping[str, Any], now: float
    ) -> None:
        with self._db.begin() as connection:
            upsert(
                connection,
                tables.directory_sources,
                {"tenant_id": tenant_id, "source": source},
                {"settings": dict(settings), "updated_at": now},
            )

    def remove_settings(self, tenant_id: str, source: str) -> None:
        s = tables.directory_sources.c
        with self._db.begin() as connection:
            connection.execute(
                delete(tables.directory_sources).where(s.tenant_id == tenant_id, s.source == source)
            )

    def save_report(self, tenant_id: str, source: str, report: Mapping[str, Any]) -> None:
        """Keep how the last run went (a source removed meanwhile keeps none)."""
        s = tables.directory_sources.c
        with self._db.begin() as connection:
            connection.execute(
                update(tables.directory_sources)
                .where(s.tenant_id == tenant_id, s.source == source)
                .values(report=dict(report))
            )

    # calendars ---------------------------------------------------------------------------

    def calendars(self, tenant_id: str) -> list[PersonCalendar]:
        c = tables.directory_calendars.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(tables.directory_calendars)
                .where(c.tenant_id == tenant_id)
                .order_by(c.person_id)
            ).all()
        return [
            PersonCalendar(
                r.person_id,
                r.url,
                r.kind,
                r.username,
                r.password,
                r.opted_out,
                r.checked_at,
                r.error,
            )
            for r in rows
        ]

    def calendar(self, tenant_id: str, person_id: str) -> PersonCalendar | None:
        return next((c for c in self.calendars(tenant_id) if c.person_id == person_id), None)

    def put_calendar(self, tenant_id: str, calendar: PersonCalendar) -> None:
        with self._db.begin() as connection:
            upsert(
                connection,
                tables.directory_calendars,
                {"tenant_id": tenant_id, "person_id": calendar.person_id},
                {
                    "url": calendar.url,
                    "kind": calendar.kind,
                    "username": calendar.username,
                    "password": calendar.password,
                    "opted_out": calendar.opted_out,
                    "error": "",
                },
            )

    def remove_calendar(self, tenant_id: str, person_id: str) -> None:
        c = tables.directory_calendars.c
        with self._db.begin() as connection:
            connection.execute(
                delete(tables.directory_calendars).where(
                    c.tenant_id == tenant_id, c.person_id == person_id
                )
            )

    def mark_checked(self, tenant_id: str, errors: Mapping[str, str], now: float) -> None:
        """Record a poll: each person's calendar with its error ("" when it was read)."""
        c = tables.directory_calendars.c
        with self._db.begin() as connection:
            for person_id, error in errors.items():
                connection.execute(
                    update(tables.directory_calendars)
                    .where(c.tenant_id == tenant_id, c.person_id == person_id)
                    .values(checked_at=now, error=error[:300])
                )
