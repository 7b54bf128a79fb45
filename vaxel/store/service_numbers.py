"""The numbers callers dial and the flow that answers each (issue 12 §6).

A number (E.164) belongs to one tenant only: it is the table's key, so the database itself
refuses a second owner, even when two admins save at the same moment. Reads and writes
name their tenant; the one read across tenants, :meth:`ServiceNumbers.owner`, says who
holds a number so the caller can refuse it, never what it is assigned to.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from vaxel.core.errors import ConfigError
from vaxel.store import tables

__all__ = ["NumberTaken", "ServiceNumber", "ServiceNumbers"]


class NumberTaken(ConfigError):
    """Another organisation is called on this number already; its name is not given away."""

    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__("number", "service-number-taken", value=number)


@dataclass(frozen=True, slots=True)
class ServiceNumber:
    """``number`` (E.164) is answered by the tenant's flow ``flow_id``."""

    tenant_id: str
    number: str
    flow_id: str


class ServiceNumbers:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def of_tenant(self, tenant_id: str) -> list[ServiceNumber]:
        """The tenant's numbers, in number order."""
        n = tables.service_numbers.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(n.number, n.flow_id).where(n.tenant_id == tenant_id).order_by(n.number)
            ).all()
        return [ServiceNumber(tenant_id, row.number, row.flow_id) for row in rows]

    def everyone(self) -> list[ServiceNumber]:
        """Every tenant's numbers: what telephony answers."""
        n = tables.service_numbers.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(n.tenant_id, n.number, n.flow_id).order_by(n.number)
            ).all()
        return [ServiceNumber(row.tenant_id, row.number, row.flow_id) for row in rows]

    def owner(self, number: str) -> str | None:
        """The tenant called on ``number``, if any."""
        n = tables.service_numbers.c
        with self._db.connect() as connection:
            found = connection.execute(select(n.tenant_id).where(n.number == number)).scalar()
        return None if found is None else str(found)

    def put(self, assigned: ServiceNumber) -> None:
        """Assign ``assigned.number`` to its flow (a new number of the tenant, or another
        flow for one of its numbers). Raises :class:`NumberTaken` when another tenant
        holds the number."""
        n = tables.service_numbers.c
        try:
            with self._db.begin() as connection:
                owner = connection.execute(
                    select(n.tenant_id).where(n.number == assigned.number)
                ).scalar()
                if owner is not None and owner != assigned.tenant_id:
                    raise NumberTaken(assigned.number)
                if owner is None:
                    connection.execute(
                        tables.service_numbers.insert().values(
                            number=assigned.number,
                            tenant_id=assigned.tenant_id,
                            flow_id=assigned.flow_id,
                        )
                    )
                else:
                    connection.execute(
                        update(tables.service_numbers)
                        .where(n.tenant_id == assigned.tenant_id, n.number == assigned.number)
                        .values(flow_id=assigned.flow_id)
                    )
        except IntegrityError:  # another tenant took it between our read and our insert
            raise NumberTaken(assigned.number) from None

    def remove(self, tenant_id: str, number: str) -> bool:
        """Stop answering ``number`` for the tenant; False when it was not the tenant's."""
        n = tables.service_numbers.c
        with self._db.begin() as connection:
            result = connection.execute(
                delete(tables.service_numbers).where(n.tenant_id == tenant_id, n.number == number)
            )
        return bool(result.rowcount)
