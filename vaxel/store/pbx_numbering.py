"""The PBX's numbering plan, people's devices and answer groups, stored (PBX1, PBX3).

Every write is checked by the pure core first (``vaxel.pbx``): a number, range or device
the plan refuses raises its coded error and nothing is stored. A DID range belongs to one
tenant on the node (the trunk's call must pick one): a range overlapping another tenant's
is refused like one overlapping the tenant's own. Reads return domain objects.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, delete, insert, select, update

from vaxel.pbx.devices import Device, DeviceKind, PersonDevices, RingStrategy
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.pbx.numbering import DidRange, NumberConflict, NumberingPlan, Target, TargetKind
from vaxel.store.tables_pbx_numbering import (
    pbx_devices,
    pbx_did_ranges,
    pbx_group_members,
    pbx_groups,
    pbx_numbers,
    pbx_people,
    pbx_plans,
)

__all__ = ["PbxNumbering"]


class PbxNumbering:
    def __init__(self, database: Engine) -> None:
        self._db = database

    @property
    def database(self) -> Engine:
        return self._db

    # -- the plan ---------------------------------------------------------------------------

    def plan(self, tenant_id: str) -> NumberingPlan:
        with self._db.connect() as connection:
            return _plan(connection, tenant_id)

    def plans(self) -> dict[str, NumberingPlan]:
        """Every tenant's plan that has numbers or ranges (what telephony routes by)."""
        with self._db.connect() as connection:
            tenants = {
                row.tenant_id
                for table in (pbx_numbers, pbx_did_ranges, pbx_plans)
                for row in connection.execute(select(table.c.tenant_id).distinct())
            }
            return {tenant: _plan(connection, tenant) for tenant in sorted(tenants)}

    def set_short_length(self, tenant_id: str, length: int | None) -> None:
        """Fix the short numbers' length (None: mixed); refused if a number has another."""
        with self._db.begin() as connection:
            plan = _plan(connection, tenant_id)
            NumberingPlan.build(
                tenant_id, plan.numbers.items(), plan.did_ranges, short_length=length
            )
            connection.execute(delete(pbx_plans).where(pbx_plans.c.tenant_id == tenant_id))
            connection.execute(insert(pbx_plans).values(tenant_id=tenant_id, short_length=length))

    def put_number(self, tenant_id: str, number: str, target: Target) -> None:
        """Give ``number`` to ``target`` (a new number; an existing one is refused)."""
        with self._db.begin() as connection:
            _plan(connection, tenant_id).with_number(number, target)
            connection.execute(
                insert(pbx_numbers).values(
                    tenant_id=tenant_id, number=number, kind=target.kind.value, ref=target.ref
                )
            )

    def remove_number(self, tenant_id: str, number: str) -> bool:
        n = pbx_numbers.c
        with self._db.begin() as connection:
            done = connection.execute(
                delete(pbx_numbers).where(n.tenant_id == tenant_id, n.number == number)
            )
        return bool(done.rowcount)

    def put_did_range(self, tenant_id: str, did_range: DidRange) -> None:
        with self._db.begin() as connection:
            for row in connection.execute(select(pbx_did_ranges)):
                other = DidRange(row.first, row.last, row.first_short)
                if other.overlaps(did_range):
                    raise NumberConflict(
                        "pbx-did-overlap", did_range.first, "overlaps another range"
                    )
            plan = _plan(connection, tenant_id)
            NumberingPlan.build(
                tenant_id,
                plan.numbers.items(),
                (*plan.did_ranges, did_range),
                short_length=plan.short_length,
            )
            connection.execute(
                insert(pbx_did_ranges).values(
                    tenant_id=tenant_id,
                    first=did_range.first,
                    last=did_range.last,
                    first_short=did_range.first_short,
                )
            )

    def remove_did_range(self, tenant_id: str, first: str) -> bool:
        d = pbx_did_ranges.c
        with self._db.begin() as connection:
            done = connection.execute(
                delete(pbx_did_ranges).where(d.tenant_id == tenant_id, d.first == first)
            )
        return bool(done.rowcount)

    def add_plan(
        self,
        tenant_id: str,
        numbers: list[tuple[str, Target]],
        did_ranges: list[DidRange],
        people: list[PersonDevices],
    ) -> None:
        """Numbers, ranges and devices for a tenant with none yet, in one transaction (a
        seed or an import): checked as one plan, stored in bulk."""
        NumberingPlan.build(tenant_id, numbers, did_ranges)
        with self._db.begin() as connection:
            if numbers:
                connection.execute(
                    insert(pbx_numbers),
                    [
                        {"tenant_id": tenant_id, "number": n, "kind": t.kind.value, "ref": t.ref}
                        for n, t in numbers
                    ],
                )
            for did_range in did_ranges:
                connection.execute(
                    insert(pbx_did_ranges).values(
                        tenant_id=tenant_id,
                        first=did_range.first,
                        last=did_range.last,
                        first_short=did_range.first_short,
                    )
                )
            if people:
                connection.execute(
                    insert(pbx_people),
                    [
                        {
                            "tenant_id": tenant_id,
                            "person_id": p.person_id,
                            "strategy": p.strategy.value,
                            "ring_s": p.ring_s,
                        }
                        for p in people
                    ],
                )
            rows = [
                {
                    "tenant_id": tenant_id,
                    "person_id": p.person_id,
                    "position": position,
                    "kind": d.kind.value,
                    "address": d.address,
                    "ring_s": d.ring_s,
                    "label": d.label,
                }
                for p in people
                for position, d in enumerate(p.devices)
            ]
            if rows:
                connection.execute(insert(pbx_devices), rows)

    # -- people's devices -------------------------------------------------------------------

    def devices(self, tenant_id: str, person_id: str) -> PersonDevices | None:
        with self._db.connect() as connection:
            found = _people(connection, tenant_id, person_id)
        return found.get((tenant_id, person_id))

    def everyone_devices(self) -> dict[tuple[str, str], PersonDevices]:
        with self._db.connect() as connection:
            return _people(connection)

    def put_devices(self, person: PersonDevices) -> None:
        """Replace the person's devices and ring strategy."""
        p, d = pbx_people.c, pbx_devices.c
        key = (person.tenant_id, person.person_id)
        with self._db.begin() as connection:
            connection.execute(
                delete(pbx_people).where(p.tenant_id == key[0], p.person_id == key[1])
            )
            connection.execute(
                delete(pbx_devices).where(d.tenant_id == key[0], d.person_id == key[1])
            )
            connection.execute(
                insert(pbx_people).values(
                    tenant_id=key[0],
                    person_id=key[1],
                    strategy=person.strategy.value,
                    ring_s=person.ring_s,
                )
            )
            for position, device in enumerate(person.devices):
                connection.execute(
                    insert(pbx_devices).values(
                        tenant_id=key[0],
                        person_id=key[1],
                        position=position,
                        kind=device.kind.value,
                        address=device.address,
                        ring_s=device.ring_s,
                        label=device.label,
                    )
                )

    # -- answer groups ----------------------------------------------------------------------

    def groups(self, tenant_id: str | None = None) -> list[AnswerGroup]:
        """The tenant's groups (every tenant's with None), by id."""
        g, m = pbx_groups.c, pbx_group_members.c
        with self._db.connect() as connection:
            query = select(pbx_groups).order_by(g.tenant_id, g.group_id)
            members = select(pbx_group_members).order_by(m.position)
            if tenant_id is not None:
                query = query.where(g.tenant_id == tenant_id)
                members = members.where(m.tenant_id == tenant_id)
            rows = connection.execute(query).all()
            by_group: dict[tuple[str, str], list[GroupMember]] = {}
            for row in connection.execute(members):
                by_group.setdefault((row.tenant_id, row.group_id), []).append(
                    GroupMember(row.person_id, bool(row.logged_in))
                )
        return [
            AnswerGroup(
                row.tenant_id,
                row.group_id,
                row.name,
                GroupStrategy(row.strategy),
                tuple(by_group.get((row.tenant_id, row.group_id), ())),
                float(row.ring_s),
                float(row.member_ring_s),
                row.queue_id,
            )
            for row in rows
        ]

    def group(self, tenant_id: str, group_id: str) -> AnswerGroup | None:
        return next((g for g in self.groups(tenant_id) if g.group_id == group_id), None)

    def put_group(self, group: AnswerGroup) -> None:
        """Create or replace the group and its members (their logins as given)."""
        g, m = pbx_groups.c, pbx_group_members.c
        with self._db.begin() as connection:
            connection.execute(
                delete(pbx_groups).where(
                    g.tenant_id == group.tenant_id, g.group_id == group.group_id
                )
            )
            connection.execute(
                delete(pbx_group_members).where(
                    m.tenant_id == group.tenant_id, m.group_id == group.group_id
                )
            )
            connection.execute(
                insert(pbx_groups).values(
                    tenant_id=group.tenant_id,
                    group_id=group.group_id,
                    name=group.name,
                    strategy=group.strategy.value,
                    ring_s=group.ring_s,
                    member_ring_s=group.member_ring_s,
                    queue_id=group.queue_id,
                )
            )
            _insert_members(connection, group.tenant_id, group.group_id, group.members)

    def set_login(self, tenant_id: str, group_id: str, person_id: str, logged_in: bool) -> None:
        """Log a member in or out of a group (PBX3); a non-member is refused."""
        group = self.group(tenant_id, group_id)
        if group is None:
            raise NumberConflict("pbx-unknown-group", group_id, "no such group")
        group.with_login(person_id, logged_in)  # refuses a non-member
        m = pbx_group_members.c
        with self._db.begin() as connection:
            connection.execute(
                update(pbx_group_members)
                .where(m.tenant_id == tenant_id, m.group_id == group_id, m.person_id == person_id)
                .values(logged_in=logged_in)
            )

    def remove_group(self, tenant_id: str, group_id: str) -> bool:
        g, m = pbx_groups.c, pbx_group_members.c
        with self._db.begin() as connection:
            connection.execute(
                delete(pbx_group_members).where(m.tenant_id == tenant_id, m.group_id == group_id)
            )
            done = connection.execute(
                delete(pbx_groups).where(g.tenant_id == tenant_id, g.group_id == group_id)
            )
        return bool(done.rowcount)


def _plan(connection: Connection, tenant_id: str) -> NumberingPlan:
    n, d, p = pbx_numbers.c, pbx_did_ranges.c, pbx_plans.c
    numbers = [
        (row.number, Target(TargetKind(row.kind), row.ref))
        for row in connection.execute(
            select(n.number, n.kind, n.ref).where(n.tenant_id == tenant_id).order_by(n.number)
        )
    ]
    ranges = [
        DidRange(row.first, row.last, row.first_short)
        for row in connection.execute(
            select(d.first, d.last, d.first_short).where(d.tenant_id == tenant_id).order_by(d.first)
        )
    ]
    length = connection.execute(select(p.short_length).where(p.tenant_id == tenant_id)).scalar()
    return NumberingPlan.build(tenant_id, numbers, ranges, short_length=length)


def _people(
    connection: Connection, tenant_id: str | None = None, person_id: str | None = None
) -> dict[tuple[str, str], PersonDevices]:
    p, d = pbx_people.c, pbx_devices.c
    people = select(pbx_people)
    devices = select(pbx_devices).order_by(d.position)
    if tenant_id is not None and person_id is not None:
        people = people.where(p.tenant_id == tenant_id, p.person_id == person_id)
        devices = devices.where(d.tenant_id == tenant_id, d.person_id == person_id)
    found: dict[tuple[str, str], list[Device]] = {}
    for row in connection.execute(devices):
        found.setdefault((row.tenant_id, row.person_id), []).append(
            Device(DeviceKind(row.kind), row.address, float(row.ring_s), row.label)
        )
    return {
        (row.tenant_id, row.person_id): PersonDevices(
            row.tenant_id,
            row.person_id,
            tuple(found.get((row.tenant_id, row.person_id), ())),
            RingStrategy(row.strategy),
            float(row.ring_s),
        )
        for row in connection.execute(people)
    }


def _insert_members(
    connection: Connection, tenant_id: str, group_id: str, members: Iterable[GroupMember]
) -> None:
    for position, member in enumerate(members):
        connection.execute(
            insert(pbx_group_members).values(
                tenant_id=tenant_id,
                group_id=group_id,
                person_id=member.person_id,
                position=position,
                logged_in=member.logged_in,
            )
        )
