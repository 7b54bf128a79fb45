"""Call park settings in the store (issue 14, OP3), on SQLite and PostgreSQL: the orbits
are written into the numbering plan (a clash refused, nothing written), the recall round
trips, every change is audited, and telephony's snapshot carries both."""

from __future__ import annotations

import pytest

from vaxel.pbx.numbering import NumberConflict, Target, TargetKind
from vaxel.pbx.park import ParkError, RecallTo
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.audit import AuditLog
from vaxel.store.pbx_numbering import PbxNumbering


@pytest.fixture
def service(database_url: str) -> PbxNumberingService:
    engine = open_database(database_url)
    upgrade(engine)
    for tenant in ("t1", "t2"):
        Tenants(engine).add(Tenant(tenant, tenant))
    return PbxNumberingService(PbxNumbering(engine))


def test_the_orbits_are_the_plans_numbers_and_replace_the_old_ones(
    service: PbxNumberingService,
) -> None:
    service.put_number("t1", "4600", Target(TargetKind.PERSON, "karin"))
    assert service.park("t1").orbits == ()  # a plan with no orbit: no parking
    assert service.park("t2").orbits[0] == "700"  # no plan yet: the default orbits
    told: list[str] = []
    service.listeners.append(told.append)
    settings = service.put_park_orbits("t1", "4700", 3, actor="admin")
    assert settings.orbits == ("4700", "4701", "4702") and told == ["t1"]
    plan = service.plan("t1")
    assert plan.resolve("4701") == Target(TargetKind.PARK_ORBIT, "4701")
    assert service.put_park_orbits("t1", "0470", 2).orbits == ("0470", "0471")
    assert service.plan("t1").resolve("4701") is None  # the old orbits left the plan
    assert service.plan("t1").resolve("4600") == Target(TargetKind.PERSON, "karin")
    assert service.park("t2").orbits[0] == "700"  # the other tenant untouched


def test_an_orbit_clashing_with_the_plan_is_refused_and_nothing_written(
    service: PbxNumberingService,
) -> None:
    service.put_number("t1", "4601", Target(TargetKind.PERSON, "olle"))
    service.put_park_orbits("t1", "4800", 2)
    with pytest.raises(NumberConflict) as taken:
        service.put_park_orbits("t1", "4600", 5)
    assert (taken.value.code, taken.value.number) == ("pbx-number-taken", "4601")
    with pytest.raises(NumberConflict) as overflow:
        service.put_park_orbits("t1", "98", 5)
    assert overflow.value.code == "pbx-did-short-overflow"
    with pytest.raises(ParkError) as count:
        service.put_park_orbits("t1", "4900", 101)
    assert count.value.code == "park-count"
    assert service.park("t1").orbits == ("4800", "4801")


def test_the_recall_round_trips_is_refused_by_field_and_audited(
    service: PbxNumberingService,
) -> None:
    assert (service.park("t1").recall_s, service.park("t1").recall_to) == (60.0, RecallTo.PARKER)
    service.put_park_recall("t1", 20.0, RecallTo.OPERATOR, "4000", actor="admin")
    service.put_park_orbits("t1", "4700", 2, actor="admin")
    stored = service.park("t1")
    assert (stored.recall_s, stored.recall_to, stored.operator) == (
        20.0,
        RecallTo.OPERATOR,
        "4000",
    )
    assert service.park("t2").recall_s == 60.0
    for bad, field in ((5.0, "recall_s"), (20.0, "operator")):
        with pytest.raises(ParkError) as refused:
            service.put_park_recall("t1", bad, RecallTo.PARKER, "x" if field == "operator" else "")
        assert refused.value.params["field"] == field
    assert service.park("t1").recall_s == 20.0
    entries = AuditLog(service.store.database).entries("t1")
    assert [(e.actor, e.action, e.subject) for e in entries][:2] == [
        ("admin", "park_changed", "orbits"),
        ("admin", "park_changed", "recall"),
    ]
    assert entries[0].detail == {"first": "4700", "last": "4701"}
    assert entries[1].detail["recall_s"] == "20" and entries[1].detail["operator"] == "4000"
    assert AuditLog(service.store.database).entries("t2") == []


def test_telephonys_snapshot_carries_each_tenants_park(service: PbxNumberingService) -> None:
    service.put_number("t1", "4600", Target(TargetKind.PERSON, "karin"))
    service.put_park_orbits("t1", "4700", 2)
    service.put_park_recall("t2", 15.0, RecallTo.PARKER)
    park = service.snapshot().park
    assert park["t1"].orbits == ("4700", "4701") and park["t1"].recall_s == 60.0
    assert park["t2"].recall_s == 15.0 and park["t2"].orbits[0] == "700"
