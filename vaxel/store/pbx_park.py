"""A tenant's call park settings in the database (issue 14, OP3): the recall in
``pbx_park``, the orbits as the numbering plan's ``park-orbit`` numbers (one truth: the
plan refuses an orbit that clashes with a person's or a group's number). Every read and
write names its tenant."""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select

from vaxel.pbx.numbering import MAX_RANGE, NumberConflict, NumberingPlan, Target, TargetKind
from vaxel.pbx.park import MAX_ORBITS, ParkError, ParkSettings, RecallTo
from vaxel.store.audit import record
from vaxel.store.pbx_numbering import PbxNumbering, _plan
from vaxel.store.tables_pbx_numbering import pbx_numbers, pbx_park

__all__ = ["ParkStore"]

assert MAX_ORBITS <= MAX_RANGE


class ParkStore:
    def __init__(self, database: Engine) -> None:
        self._db = database

    def settings(self, tenant_id: str) -> ParkSettings:
        """The tenant's orbits (from its plan) and recall (stored, else the defaults)."""
        with self._db.connect() as connection:
            plan = _plan(connection, tenant_id)
            row = connection.execute(
                select(pbx_park).where(pbx_park.c.tenant_id == tenant_id)
            ).first()
        return _settings(plan, row)

    def everyone(self) -> dict[str, ParkSettings]:
        """Every tenant's with a plan or a stored recall (telephony's snapshot)."""
        plans = PbxNumbering(self._db).plans()
        with self._db.connect() as connection:
            rows = {r.tenant_id: r for r in connection.execute(select(pbx_park))}
        return {t: _settings(plans.get(t), rows.get(t)) for t in sorted({*plans, *rows})}

    def put_recall(
        self,
        tenant_id: str,
        recall_s: float,
        recall_to: RecallTo,
        operator: str = "",
        actor: str = "system",
    ) -> ParkSettings:
        """Store the recall (ParkError naming the field when refused), audited."""
        checked = ParkSettings(recall_s=recall_s, recall_to=recall_to, operator=operator)
        with self._db.begin() as connection:
            connection.execute(delete(pbx_park).where(pbx_park.c.tenant_id == tenant_id))
            connection.execute(
                insert(pbx_park).values(
                    tenant_id=tenant_id,
                    recall_s=checked.recall_s,
                    recall_to=checked.recall_to.value,
                    operator=checked.operator,
                )
            )
            detail = {"recall_s": f"{checked.recall_s:g}", "recall_to": checked.recall_to.value}
            record(connection, tenant_id, actor, "park_changed", "recall",
                   {**detail, "operator": checked.operator})  # fmt: skip
        return self.settings(tenant_id)

    def put_orbits(
        self, tenant_id: str, first: str, count: int, actor: str = "system"
    ) -> ParkSettings:
        """Make ``count`` numbers from ``first`` the tenant's orbits, in place of the
        plan's old ones; NumberConflict names a number the plan refuses, ParkError a
        count out of range. Calls parked meanwhile keep their orbit until they leave it."""
        if not 1 <= count <= MAX_ORBITS:
            raise ParkError(f"park count {count}", code="park-count", field="count")
        if not first.isdigit():
            raise NumberConflict("pbx-short-invalid", first[:20], "a short number is digits")
        width = len(first)
        orbits = [str(int(first) + i).zfill(width) for i in range(count)]
        if len(orbits[-1]) > width:
            raise NumberConflict("pbx-did-short-overflow", first, "the orbits run out of digits")
        n, kind = pbx_numbers.c, TargetKind.PARK_ORBIT.value
        with self._db.begin() as connection:
            plan = _plan(connection, tenant_id)
            kept = [(k, t) for k, t in plan.numbers.items() if t.kind is not TargetKind.PARK_ORBIT]
            NumberingPlan.build(  # every rule of the plan, before anything is written
                tenant_id,
                [*kept, *((o, Target(TargetKind.PARK_ORBIT, o)) for o in orbits)],
                plan.did_ranges,
                short_length=plan.short_length,
                region=plan.region,
            )
            connection.execute(delete(pbx_numbers).where(n.tenant_id == tenant_id, n.kind == kind))
            connection.execute(
                insert(pbx_numbers),
                [{"tenant_id": tenant_id, "number": o, "kind": kind, "ref": o} for o in orbits],
            )
            record(connection, tenant_id, actor, "park_changed", "orbits",
                   {"first": orbits[0], "last": orbits[-1]})  # fmt: skip
        return self.settings(tenant_id)


def _settings(plan: NumberingPlan | None, row: object) -> ParkSettings:
    if row is None:
        return ParkSettings.of_tenant(plan)
    r = row._mapping  # type: ignore[attr-defined]
    return ParkSettings.of_tenant(
        plan, float(r["recall_s"]), RecallTo(r["recall_to"]), r["operator"]
    )
