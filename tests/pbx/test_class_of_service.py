"""Barring by class of service (PBX8): one dial policy, narrowed per person and group."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.core.dial_policy import DialPolicy, DialRefusal
from vaxel.pbx.class_of_service import (
    DEFAULT_CLASS,
    ClassesOfService,
    ClassOfService,
    Reach,
    ServiceClassError,
    keys_of,
)
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.groups import AnswerGroup, GroupMember
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind

INTERNAL = ClassOfService("intern", "Bara internt", Reach.INTERNAL)
WORLD = ClassOfService("utland", "Utland", Reach.INTERNATIONAL)
PREMIUM = ClassOfService("betal", "Betalnummer", Reach.NATIONAL, premium_allowed=True)
CLASSES = ClassesOfService(
    {c.class_id: c for c in (INTERNAL, WORLD, PREMIUM)},
    users={"karin": "utland", "olle": "intern"},
    groups={"reception": "betal", "vaktmastare": "intern"},
)
OPEN_TENANT = DialPolicy(international_allowed=True)


@pytest.mark.parametrize("number", ["112", "114 14", "11414"])
@pytest.mark.parametrize("klass", [INTERNAL, WORLD, PREMIUM, DEFAULT_CLASS])
def test_112_and_114_14_are_always_allowed(number: str, klass: ClassOfService) -> None:
    assert klass.policy(DialPolicy()).allows(number)


@pytest.mark.parametrize(
    ("number", "refusal"),
    [
        ("+44 20 7123 4567", DialRefusal.INTERNATIONAL),
        ("0900-123 45 67", DialRefusal.PREMIUM_RATE),
        ("0939 12 34 56", DialRefusal.PREMIUM_RATE),
        ("0944-12 34 56", DialRefusal.PREMIUM_RATE),
        ("11880", DialRefusal.PREMIUM_RATE),
        ("118 118", DialRefusal.PREMIUM_RATE),
    ],
)
def test_international_and_premium_are_barred_by_default(number: str, refusal: DialRefusal) -> None:
    policy = ClassesOfService().policy_for(OPEN_TENANT, "someone")
    assert policy.decide(number).refusal is refusal
    assert policy.allows("08-123 456 78")


def test_an_internal_class_reaches_no_external_number() -> None:
    policy = CLASSES.policy_for(OPEN_TENANT, "olle")
    assert policy.decide("08-123 456 78").refusal is DialRefusal.EXTERNAL
    assert policy.decide("118 118").refusal is DialRefusal.EXTERNAL
    assert policy.allows("112")


def test_a_class_narrows_the_tenant_never_widens_it() -> None:
    assert CLASSES.policy_for(OPEN_TENANT, "karin").allows("+44 20 7123 4567")
    closed = CLASSES.policy_for(DialPolicy(international_allowed=False), "karin")
    assert closed.decide("+44 20 7123 4567").refusal is DialRefusal.INTERNATIONAL
    # satellites stay barred whatever the class says
    assert CLASSES.policy_for(OPEN_TENANT, "karin").decide("+870 772 345 678").refusal is (
        DialRefusal.NON_GEOGRAPHIC
    )


def test_premium_allowed_dials_0900_and_118_as_they_are() -> None:
    policy = PREMIUM.policy(DialPolicy())
    assert policy.check("0900-123 45 67") == "+469001234567"
    assert policy.check("118 118") == "118118"
    assert policy.decide("+44 20 7123 4567").refusal is DialRefusal.INTERNATIONAL


def test_a_persons_own_class_wins_then_the_most_restrictive_group() -> None:
    assert CLASSES.class_for("karin", ["vaktmastare"]) is WORLD
    assert CLASSES.class_for("nisse", ["reception", "vaktmastare"]) is INTERNAL
    assert CLASSES.class_for("nisse", ["reception"]) is PREMIUM
    assert CLASSES.class_for("nisse", ["okand"]) is DEFAULT_CLASS
    assert CLASSES.class_for() is DEFAULT_CLASS


PEOPLE = [
    PersonDevices("t", "nisse", (Device(DeviceKind.SIP, "2101"), Device(DeviceKind.SIP, "2102"))),
    PersonDevices("t", "stina", (Device(DeviceKind.SIP, "2103"),)),
]
GROUPS = [AnswerGroup("t", "vaktmastare", "Vaktmästare", members=(GroupMember("nisse"),))]
PLAN = NumberingPlan.build("t", [("4711", Target(TargetKind.PERSON, "nisse"))])


@pytest.mark.parametrize("who", ["nisse", "2101", "2102", "4711"])
def test_one_person_has_one_class_whichever_key_names_them(who: str) -> None:
    """PBX8 per user: a class given to the person, to either of their phones or to their
    short number governs whatever names them — their desk phone dialling out, their
    softphone transferring, their forwarding (asked with the person id)."""
    keys, groups = keys_of(who, PEOPLE, GROUPS, PLAN)
    assert keys == {"nisse", "2101", "2102", "4711"}
    assert groups == {"vaktmastare"}
    for key in ("nisse", "2101", "4711"):
        classes = ClassesOfService(CLASSES.classes, users={key: "utland"})
        assert classes.class_for(keys, groups) is WORLD
    by_group = ClassesOfService(CLASSES.classes, groups={"vaktmastare": "intern"})
    assert by_group.class_for(keys, groups) is INTERNAL  # per group (PBX8)
    assert by_group.class_for(*keys_of("2103", PEOPLE, GROUPS, PLAN)) is DEFAULT_CLASS


def test_two_own_classes_give_the_more_restrictive() -> None:
    """A class on the person and another on one of their phones: the stricter applies, so
    no phone of theirs lifts a barring given to them."""
    classes = ClassesOfService(CLASSES.classes, users={"nisse": "intern", "2102": "utland"})
    assert classes.class_for(keys_of("2102", PEOPLE, GROUPS)[0]) is INTERNAL


def test_bad_classes_are_refused_with_a_coded_error() -> None:
    with pytest.raises(ServiceClassError) as error:
        ClassOfService("Bad Id!", "x")
    assert error.value.code == "id-format" and error.value.field == "class_of_service.class_id"
    with pytest.raises(ServiceClassError) as error:
        ClassOfService("ok", "x" * 81)
    assert error.value.code == "too-long"
    with pytest.raises(ServiceClassError) as error:
        ClassesOfService({}, users={"karin": "saknas"})
    assert error.value.code == "choice"


@settings(max_examples=150, deadline=None)
@given(
    reach=st.sampled_from(list(Reach)),
    premium=st.booleans(),
    international=st.booleans(),
    number=st.one_of(
        st.from_regex(r"\+?[0-9 -]{2,16}", fullmatch=True),
        st.sampled_from(["112", "11414", "114 14", "0900123456", "+442071234567", "11880"]),
    ),
)
def test_a_class_never_widens_the_tenant_and_never_bars_112(
    reach: Reach, premium: bool, international: bool, number: str
) -> None:
    """PBX8 invariants: whatever the class, 112 and 114 14 go out; a class never allows
    abroad what the tenant bars; an internal class reaches no external number."""
    tenant = DialPolicy(international_allowed=international)
    policy = ClassOfService("k", "K", reach, premium).policy(tenant)
    decision = policy.decide(number)
    if number.replace(" ", "") in ("112", "11414"):
        assert decision.allowed
    if decision.allowed and tenant.decide(number).refusal is DialRefusal.INTERNATIONAL:
        raise AssertionError(f"{number} allowed abroad by a class though the tenant bars it")
    if reach is Reach.INTERNAL and decision.allowed:
        assert decision.number in ("112", "11414")
