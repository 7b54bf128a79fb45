"""People's call forwarding (PBX5, issue 14 §4): one row per person and condition.

A person's rules are replaced as a whole in one transaction, so two phones or pages
saving at once leave one of their sets, never a mix. Every query names its tenant.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select

from vaxel.pbx.forwarding import ForwardCondition, Forwarding, ForwardRule
from vaxel.store.tables_pbx_forwarding import pbx_forwarding

__all__ = ["ForwardingStore"]


class ForwardingStore:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def of_tenant(self, tenant_id: str) -> dict[str, Forwarding]:
        """person id → their rules, for everyone of the tenant who forwards anything."""
        return self._read(tenant_id, None)

    def of_person(self, tenant_id: str, person_id: str) -> Forwarding:
        return self._read(tenant_id, person_id).get(person_id, Forwarding())

    def _read(self, tenant_id: str, person_id: str | None) -> dict[str, Forwarding]:
        f = pbx_forwarding.c
        query = select(f.person_id, f.condition, f.destination, f.after_s).where(
            f.tenant_id == tenant_id
        )
        if person_id is not None:
            query = query.where(f.person_id == person_id)
        found: dict[str, Forwarding] = {}
        with self._db.connect() as connection:
            for row in connection.execute(query.order_by(f.person_id)):
                try:
                    rule = ForwardRule(
                        ForwardCondition(row.condition), row.destination, row.after_s
                    )
                except ValueError:
                    continue  # a condition this version does not know: not followed
                held = found.get(row.person_id, Forwarding())
                found[row.person_id] = held.with_rule(rule)
        return found

    def put(
        self, tenant_id: str, person_id: str, forwarding: Forwarding, set_by: str, now: float
    ) -> None:
        """Replace ``person_id``'s rules with ``forwarding`` (none: forwarding off)."""
        f = pbx_forwarding.c
        with self._db.begin() as connection:
            connection.execute(
                delete(pbx_forwarding).where(f.tenant_id == tenant_id, f.person_id == person_id)
            )
            for rule in forwarding.rules:
                connection.execute(
                    insert(pbx_forwarding).values(
                        tenant_id=tenant_id,
                        person_id=person_id,
                        condition=rule.condition.value,
                        destination=rule.destination,
                        after_s=rule.after_s,
                        set_by=set_by[:100],
                        updated_at=now,
                    )
                )
