"""A tenant's trunk, classes of service and number presentation in the database
(issue 14 §2, PBX2, PBX8). Every read and write names its tenant.

The trunk password. Digest authentication (RFC 7616) makes the client prove it knows the
password for a realm the carrier names only in its challenge, so neither a one-way hash
(the realm is not known when it is saved) nor nothing can be stored: the password is kept
as given, like the SIP extensions' (``runtime/extensions.py``). Its protection is that it
never leaves the server once saved: the admin page and the REST API take it but never
show it back (an empty field keeps it), it is left out of ``repr`` and logs, and only the
telephony process reads it to answer the carrier's challenges. Whoever can read the
database can read it, as with any credential a server must present; carriers should in
addition restrict the account to the node's address (documented in the admin page).
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, select

from vaxel.pbx.class_of_service import ClassesOfService, ClassOfService, Reach
from vaxel.pbx.presentation import PresentationMode, Presentations
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.store.tables_pbx_trunks import (
    pbx_class_assignments,
    pbx_presentations,
    pbx_service_classes,
    pbx_trunks,
)

__all__ = ["GROUP", "USER", "StoredTrunk", "TrunkStore"]

USER, GROUP = "user", "group"


class StoredTrunk:
    """A tenant's trunk and the main number its calls present."""

    __slots__ = ("main_number", "trunk")

    def __init__(self, trunk: Trunk, main_number: str) -> None:
        self.trunk = trunk
        self.main_number = main_number


def _trunk(row: object) -> StoredTrunk:
    r = row._mapping  # type: ignore[attr-defined]
    trunk = Trunk(
        r["tenant_id"],
        r["host"],
        int(r["port"]),
        TrunkMode(r["mode"]),
        r["username"],
        r["password"],
        r["auth_username"],
        r["domain"],
        int(r["expires_s"]),
        r["transport"],
    )
    return StoredTrunk(trunk, r["main_number"])


class TrunkStore:
    def __init__(self, database: Engine) -> None:
        self._db = database

    # -- the trunk -----------------------------------------------------------------------

    def trunk(self, tenant_id: str) -> StoredTrunk | None:
        with self._db.connect() as connection:
            row = connection.execute(
                select(pbx_trunks).where(pbx_trunks.c.tenant_id == tenant_id)
            ).first()
        return None if row is None else _trunk(row)

    def all_trunks(self) -> dict[str, StoredTrunk]:
        with self._db.connect() as connection:
            rows = connection.execute(select(pbx_trunks)).all()
        return {row.tenant_id: _trunk(row) for row in rows}

    def put_trunk(self, trunk: Trunk, main_number: str) -> None:
        values = {
            "tenant_id": trunk.tenant_id,
            "mode": trunk.mode.value,
            "host": trunk.host,
            "port": trunk.port,
            "transport": trunk.transport,
            "username": trunk.username,
            "auth_username": trunk.auth_username,
            "domain": trunk.domain,
            "expires_s": trunk.expires_s,
            "password": trunk.password,
            "main_number": main_number,
        }
        with self._db.begin() as connection:
            connection.execute(delete(pbx_trunks).where(pbx_trunks.c.tenant_id == trunk.tenant_id))
            connection.execute(pbx_trunks.insert().values(**values))

    def remove_trunk(self, tenant_id: str) -> None:
        with self._db.begin() as connection:
            connection.execute(delete(pbx_trunks).where(pbx_trunks.c.tenant_id == tenant_id))

    # -- classes of service ----------------------------------------------------------------

    def classes(self, tenant_id: str) -> ClassesOfService:
        c, a = pbx_service_classes.c, pbx_class_assignments.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(pbx_service_classes).where(c.tenant_id == tenant_id).order_by(c.class_id)
            ).all()
            assigned = connection.execute(
                select(pbx_class_assignments).where(a.tenant_id == tenant_id)
            ).all()
        classes = {
            row.class_id: ClassOfService(
                row.class_id, row.name, Reach(int(row.reach)), bool(row.premium_allowed)
            )
            for row in rows
        }
        known = [row for row in assigned if row.class_id in classes]
        return ClassesOfService(
            classes,
            users={row.owner: row.class_id for row in known if row.owner_kind == USER},
            groups={row.owner: row.class_id for row in known if row.owner_kind == GROUP},
        )

    def put_class(self, tenant_id: str, service_class: ClassOfService) -> None:
        c = pbx_service_classes.c
        with self._db.begin() as connection:
            connection.execute(
                delete(pbx_service_classes).where(
                    c.tenant_id == tenant_id, c.class_id == service_class.class_id
                )
            )
            connection.execute(
                pbx_service_classes.insert().values(
                    tenant_id=tenant_id,
                    class_id=service_class.class_id,
                    name=service_class.name,
                    reach=int(service_class.reach),
                    premium_allowed=service_class.premium_allowed,
                )
            )

    def remove_class(self, tenant_id: str, class_id: str) -> None:
        c, a = pbx_service_classes.c, pbx_class_assignments.c
        with self._db.begin() as connection:
            connection.execute(
                delete(pbx_class_assignments).where(
                    a.tenant_id == tenant_id, a.class_id == class_id
                )
            )
            connection.execute(
                delete(pbx_service_classes).where(c.tenant_id == tenant_id, c.class_id == class_id)
            )

    def assign_class(self, tenant_id: str, owner_kind: str, owner: str, class_id: str) -> None:
        """Give ``owner`` (a user or a group) the class; "" takes it away (the default)."""
        a = pbx_class_assignments.c
        with self._db.begin() as connection:
            connection.execute(
                delete(pbx_class_assignments).where(
                    a.tenant_id == tenant_id, a.owner_kind == owner_kind, a.owner == owner
                )
            )
            if class_id:
                connection.execute(
                    pbx_class_assignments.insert().values(
                        tenant_id=tenant_id, owner_kind=owner_kind, owner=owner, class_id=class_id
                    )
                )

    # -- presentation ----------------------------------------------------------------------

    def presentations(self, tenant_id: str, main_number: str) -> Presentations:
        p = pbx_presentations.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(pbx_presentations).where(p.tenant_id == tenant_id)
            ).all()
        return Presentations(
            main_number,
            users={r.owner: PresentationMode(r.mode) for r in rows if r.owner_kind == USER},
            groups={r.owner: PresentationMode(r.mode) for r in rows if r.owner_kind == GROUP},
            direct_numbers={r.owner: r.direct_number for r in rows if r.direct_number},
        )

    def put_presentation(
        self,
        tenant_id: str,
        owner_kind: str,
        owner: str,
        mode: PresentationMode,
        direct_number: str = "",
    ) -> None:
        p = pbx_presentations.c
        with self._db.begin() as connection:
            connection.execute(
                delete(pbx_presentations).where(
                    p.tenant_id == tenant_id, p.owner_kind == owner_kind, p.owner == owner
                )
            )
            connection.execute(
                pbx_presentations.insert().values(
                    tenant_id=tenant_id,
                    owner_kind=owner_kind,
                    owner=owner,
                    mode=mode.value,
                    direct_number=direct_number,
                )
            )
