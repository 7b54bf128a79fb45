"""The presences (hänvisning) set for each person and the tenant's own absence reasons
(issue 13, DIR3): the half of :class:`vaxel.store.directory.DirectoryStore` that changes all
day long, while people change by imports and syncs. Every query names its tenant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select

from vaxel.core.errors import NotFound
from vaxel.directory.presence import Presence, PresenceSource, Reason, reason_catalogue
from vaxel.store import tables
from vaxel.store.repositories import upsert

__all__ = ["PresenceRecords", "UnknownPerson"]


class UnknownPerson(NotFound):
    kind = "person"
    code = "unknown-person"


class PresenceRecords:
    """Presences and reasons of a tenant's directory."""

    _db: Engine

    def presences(
        self, tenant_id: str, person_ids: Iterable[str] | None = None
    ) -> dict[str, tuple[Presence, ...]]:
        """person id → the presences set for them (expired ones too, until removed; which
        one shows is :func:`vaxel.directory.presence.current_presence`'s choice)."""
        r = tables.directory_presence.c
        query = select(tables.directory_presence).where(r.tenant_id == tenant_id)
        if person_ids is not None:
            query = query.where(r.person_id.in_(list(person_ids)))
        found: dict[str, list[Presence]] = {}
        with self._db.connect() as connection:
            for row in connection.execute(query.order_by(r.person_id, r.since)):
                found.setdefault(row.person_id, []).append(
                    Presence(
                        reason_id=row.reason_id,
                        since=datetime.fromtimestamp(row.since, UTC),
                        until=None if row.until is None else datetime.fromtimestamp(row.until, UTC),
                        text=row.text,
                        set_by=row.set_by,
                        source=PresenceSource(row.source),
                        group=row.group_name,
                    )
                )
        return {person_id: tuple(held) for person_id, held in found.items()}

    def set_presences(self, tenant_id: str, presences: Mapping[str, Presence]) -> None:
        """Set each person's presence in one transaction — one person, or a whole group at
        once (:func:`vaxel.directory.presence.group_presence`, DIR3). A presence replaces the
        one the same source (and group) set before; every person must be the tenant's."""
        if not presences:
            return
        p = tables.directory_people.c
        with self._db.begin() as connection:
            known = set(
                connection.execute(
                    select(p.person_id).where(
                        p.tenant_id == tenant_id, p.person_id.in_(list(presences))
                    )
                ).scalars()
            )
            for person_id, presence in presences.items():
                if person_id not in known:
                    raise UnknownPerson(person_id, tenant_id)
                upsert(
                    connection,
                    tables.directory_presence,
                    {
                        "tenant_id": tenant_id,
                        "person_id": person_id,
                        "source": presence.source.value,
                        "group_name": presence.group,
                    },
                    {
                        "reason_id": presence.reason_id,
                        "text": presence.text,
                        "since": presence.since.timestamp(),
                        "until": None if presence.until is None else presence.until.timestamp(),
                        "set_by": presence.set_by,
                    },
                )

    def clear_presence(
        self,
        tenant_id: str,
        person_ids: Iterable[str],
        source: PresenceSource = PresenceSource.MANUAL,
    ) -> None:
        """The presences ``source`` set for these people are gone (not the group ones:
        :meth:`clear_group`); another source's stay."""
        r = tables.directory_presence.c
        with self._db.begin() as connection:
            connection.execute(
                delete(tables.directory_presence).where(
                    r.tenant_id == tenant_id,
                    r.person_id.in_(list(person_ids)),
                    r.source == source.value,
                    r.group_name == "",
                )
            )

    def clear_group(self, tenant_id: str, group: str) -> None:
        """The presence set for ``group`` is gone from every member; their own stay."""
        r = tables.directory_presence.c
        with self._db.begin() as connection:
            connection.execute(
                delete(tables.directory_presence).where(
                    r.tenant_id == tenant_id,
                    r.source == PresenceSource.GROUP.value,
                    r.group_name == group,
                )
            )

    def remove_expired(self, tenant_id: str, now: datetime) -> int:
        """Forget presences whose return time has passed (they no longer show anyway)."""
        r = tables.directory_presence.c
        with self._db.begin() as connection:
            return connection.execute(
                delete(tables.directory_presence).where(
                    r.tenant_id == tenant_id, r.until.is_not(None), r.until <= now.timestamp()
                )
            ).rowcount

    # reasons -----------------------------------------------------------------------------

    def reasons(self, tenant_id: str) -> list[Reason]:
        """The tenant's own reasons (the catalogue is these beside the Swedish defaults:
        :func:`vaxel.directory.presence.reason_catalogue`)."""
        r = tables.directory_reasons.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(r.document).where(r.tenant_id == tenant_id).order_by(r.position)
            ).all()
        return [Reason(**row.document) for row in rows]

    def put_reasons(self, tenant_id: str, reasons: Sequence[Reason]) -> None:
        """Replace the tenant's own reasons; refused when an id is given twice or the
        catalogue grows too long (presence already set keeps its reason id)."""
        reason_catalogue(reasons)
        r = tables.directory_reasons.c
        with self._db.begin() as connection:
            connection.execute(delete(tables.directory_reasons).where(r.tenant_id == tenant_id))
            if reasons:
                connection.execute(
                    insert(tables.directory_reasons),
                    [
                        {
                            "tenant_id": tenant_id,
                            "reason_id": reason.reason_id,
                            "position": position,
                            "document": asdict(reason),
                        }
                        for position, reason in enumerate(reasons)
                    ],
                )
