"""A tenant's skill catalogue (Q15, ADM1): the skills an admin can give agents levels in.

An agent profile keeps its skills by id; the catalogue gives each id the name people read
("Bygglov") and the list the user form offers.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select

from vaxel.store import tables

__all__ = ["SkillCatalogue"]


class SkillCatalogue:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def all(self, tenant_id: str) -> dict[str, str]:
        """Skill id → name, by id."""
        with self._db.connect() as connection:
            rows = connection.execute(
                select(tables.skills.c.skill_id, tables.skills.c.name)
                .where(tables.skills.c.tenant_id == tenant_id)
                .order_by(tables.skills.c.skill_id)
            ).all()
        return {row[0]: row[1] for row in rows}

    def add(self, tenant_id: str, skill_id: str, name: str) -> None:
        with self._db.begin() as connection:
            connection.execute(
                insert(tables.skills).values(tenant_id=tenant_id, skill_id=skill_id, name=name)
            )

    def rename(self, tenant_id: str, skill_id: str, name: str) -> None:
        with self._db.begin() as connection:
            connection.execute(
                tables.skills.update()
                .where(tables.skills.c.tenant_id == tenant_id, tables.skills.c.skill_id == skill_id)
                .values(name=name)
            )

    def remove(self, tenant_id: str, skill_id: str) -> None:
        with self._db.begin() as connection:
            connection.execute(
                delete(tables.skills).where(
                    tables.skills.c.tenant_id == tenant_id, tables.skills.c.skill_id == skill_id
                )
            )
