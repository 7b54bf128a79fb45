"""Park orbits (issue 14, OP3): which call waits where, refusals by code."""

from __future__ import annotations

import pytest

from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.pbx.park import ParkError, ParkingLot, ParkSettings, RecallTo


def test_a_call_takes_the_lowest_free_orbit_and_is_retrieved_once() -> None:
    lot = ParkingLot(ParkSettings(first=700, count=3, recall_s=45.0))
    first = lot.park("call-a", "1001", now=100.0)
    assert (first.orbit, first.recall_at) == ("700", 145.0)
    assert lot.park("call-b", "1002", now=101.0).orbit == "701"
    assert lot.retrieve("700") == first
    assert lot.retrieve("700") is None  # handed out once
    assert lot.park("call-c", "1001", now=102.0).orbit == "700"  # free again
    assert [p.orbit for p in lot.parked()] == ["700", "701"]


def test_a_named_orbit_is_taken_or_refused_and_a_full_lot_refuses() -> None:
    lot = ParkingLot(ParkSettings(first=70, count=2))
    assert lot.park("call-a", "1001", now=0.0, orbit="71").orbit == "71"
    with pytest.raises(ParkError) as busy:
        lot.park("call-b", "1001", now=0.0, orbit="71")
    assert busy.value.code == "park-orbit-busy"
    with pytest.raises(ParkError) as none:
        lot.park("call-b", "1001", now=0.0, orbit="72")
    assert none.value.code == "park-no-orbit"
    lot.park("call-b", "1001", now=0.0)
    with pytest.raises(ParkError) as full:
        lot.park("call-c", "1001", now=0.0)
    assert full.value.code == "park-full"
    with pytest.raises(ParkError) as twice:
        lot.park("call-a", "1001", now=0.0)
    assert twice.value.code == "park-twice"


def test_a_call_that_leaves_frees_its_orbit() -> None:
    lot = ParkingLot()
    lot.park("call-a", "1001", now=0.0)
    assert lot.orbit_of("call-a") == "700"
    assert lot.leave("call-a") is not None
    assert lot.orbit_of("call-a") is None
    assert lot.leave("call-a") is None
    assert lot.parked() == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"count": 0}, "count"), ({"first": -1}, "first"), ({"recall_s": 5.0}, "recall_s")],
)
def test_settings_name_the_field_they_refuse(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ParkError) as refused:
        ParkSettings(**kwargs)  # type: ignore[arg-type]
    assert refused.value.params["field"] == field


def test_orbits_are_short_numbers_in_the_range_only() -> None:
    settings = ParkSettings(first=700, count=10)
    assert settings.orbits[0] == "700" and settings.orbits[-1] == "709"
    assert settings.is_orbit("705")
    assert not settings.is_orbit("710")
    assert not settings.is_orbit("7a0")
    assert not settings.is_orbit("9" * 40)


def test_the_orbits_are_the_plans_park_orbit_numbers() -> None:
    """OP3: the tenant's numbering plan says which numbers are orbits (not a fixed range);
    a plan with numbers but no orbit has no parking; an empty plan keeps the default."""
    plan = NumberingPlan.build(
        "t",
        [
            ("4600", Target(TargetKind.PERSON, "karin")),
            ("4790", Target(TargetKind.PARK_ORBIT, "4790")),
            ("4792", Target(TargetKind.PARK_ORBIT, "4792")),
        ],
    )
    settings = ParkSettings.of_tenant(plan, 30.0, RecallTo.OPERATOR, "4000")
    assert settings.orbits == ("4790", "4792")
    assert settings.is_orbit("4792") and not settings.is_orbit("4791")
    assert not settings.is_orbit("700") and not settings.is_orbit("4600")
    assert ParkingLot(settings).park("call-a", "1001", now=0.0).orbit == "4790"
    none = ParkSettings.of_tenant(NumberingPlan.build("t", [("4600", plan.numbers["4600"])]))
    assert none.orbits == () and not none.is_orbit("700")
    with pytest.raises(ParkError) as full:
        ParkingLot(none).park("call-a", "1001", now=0.0)
    assert full.value.code == "park-full"
    assert ParkSettings.of_tenant(NumberingPlan.build("t", [])).orbits[0] == "700"
    assert ParkSettings.of_tenant(None).is_orbit("709")


def test_the_recall_rings_the_parker_then_the_operator_or_the_operator_at_once() -> None:
    assert ParkSettings(operator="4000").recall("1005") == ("1005", "4000")
    assert ParkSettings().recall("1005") == ("1005", "")
    operator = ParkSettings(recall_to=RecallTo.OPERATOR, operator="4000")
    assert operator.recall("1005") == ("4000", "4000")
    # "the operator" with no operator's extension set: the parker, as before
    assert ParkSettings(recall_to=RecallTo.OPERATOR).recall("1005") == ("1005", "")
    with pytest.raises(ParkError) as bad:
        ParkSettings(operator="växeln")
    assert bad.value.params["field"] == "operator"


def test_new_settings_apply_at_once_and_a_parked_call_keeps_its_orbit() -> None:
    lot = ParkingLot(ParkSettings(first=700, count=2, recall_s=60.0))
    lot.park("call-a", "1001", now=0.0)
    lot.settings = ParkSettings(first=800, count=2, recall_s=20.0)
    second = lot.park("call-b", "1001", now=1.0)
    assert (second.orbit, second.recall_at) == ("800", 21.0)
    assert [p.orbit for p in lot.parked()] == ["800", "700"]  # still listed, still there
    assert lot.retrieve("700") is not None
