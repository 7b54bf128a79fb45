"""The numbering plan (PBX1): short numbers, DID ranges, conflicts refused by code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.pbx.numbering import (
    DidRange,
    NumberConflict,
    NumberingPlan,
    Target,
    TargetKind,
    normalise_did,
)

KARIN = Target(TargetKind.PERSON, "karin")
GROUP = Target(TargetKind.GROUP, "reception")


def plan(**kwargs: object) -> NumberingPlan:
    return NumberingPlan.build(
        "t1",
        [("4500", KARIN), ("4501", Target(TargetKind.PERSON, "olle")), ("4600", GROUP)],
        [DidRange.parse("010-123 45 00", "010-123 45 99", "4500")],
        **kwargs,  # type: ignore[arg-type]
    )


def test_short_numbers_resolve_to_their_targets() -> None:
    assert plan().resolve("4500") == KARIN
    assert plan().resolve("4600") == GROUP
    assert plan().resolve("4599") is None


@pytest.mark.parametrize("dialled", ["+46101234500", "0101234500", "0046101234500"])
def test_a_did_in_any_spelling_reaches_its_short_number(dialled: str) -> None:
    assert plan().resolve(dialled) == KARIN


def test_a_did_without_a_short_number_behind_it_reaches_nothing() -> None:
    assert plan().resolve("+46101234550") is None
    assert plan().resolve("+46101234600") is None  # outside the range


def test_direct_number_of_a_short_number() -> None:
    assert plan().direct_number("4501") == "+46101234501"
    assert plan().direct_number("4600") is None


def test_normalise_did() -> None:
    assert normalise_did("010-123 45 00") == "+46101234500"
    with pytest.raises(NumberConflict) as raised:
        normalise_did("12")
    assert raised.value.code == "pbx-did-invalid"
    assert raised.value.params["number"] == "12"


@pytest.mark.parametrize(
    ("numbers", "code", "number"),
    [
        ([("4500", KARIN), ("4500", GROUP)], "pbx-number-taken", "4500"),
        ([("45", KARIN), ("4500", GROUP)], "pbx-number-prefix", "45"),
        ([("4x00", KARIN)], "pbx-short-invalid", "4x00"),
        ([("1", KARIN)], "pbx-short-invalid", "1"),
    ],
)
def test_conflicts_are_refused_naming_the_number(
    numbers: list[tuple[str, Target]], code: str, number: str
) -> None:
    with pytest.raises(NumberConflict) as raised:
        NumberingPlan.build("t1", numbers)
    assert (raised.value.code, raised.value.params["number"]) == (code, number)


def test_a_fixed_length_plan_refuses_other_lengths() -> None:
    with pytest.raises(NumberConflict) as raised:
        NumberingPlan.build("t1", [("4500", KARIN), ("123", GROUP)], short_length=4)
    assert raised.value.code == "pbx-short-length"
    assert raised.value.params["number"] == "123"
    mixed = NumberingPlan.build("t1", [("4500", KARIN), ("123", GROUP)])
    assert mixed.resolve("123") == GROUP


def test_overlapping_did_ranges_are_refused() -> None:
    first = DidRange.parse("010-123 45 00", "010-123 45 99", "4500")
    second = DidRange.parse("010-123 45 50", "010-123 46 10", "6000")
    with pytest.raises(NumberConflict) as raised:
        NumberingPlan.build("t1", [], [first, second])
    assert raised.value.code == "pbx-did-overlap"


@pytest.mark.parametrize(
    ("first", "last", "short", "code"),
    [
        ("010-123 45 99", "010-123 45 00", "4500", "pbx-did-range-order"),
        ("010-123 00 00", "010-124 00 00", "1000", "pbx-did-range-size"),
        ("010-123 45 00", "010-123 45 99", "9950", "pbx-did-short-overflow"),
        ("010-123 45 00", "010-123 45 99", "45a0", "pbx-short-invalid"),
    ],
)
def test_bad_did_ranges_are_refused(first: str, last: str, short: str, code: str) -> None:
    with pytest.raises(NumberConflict) as raised:
        DidRange.parse(first, last, short)
    assert raised.value.code == code


def test_with_number_checks_the_new_number() -> None:
    grown = plan().with_number("4502", GROUP)
    assert grown.resolve("+46101234502") == GROUP
    assert grown.numbers_of(GROUP) == ["4502", "4600"]
    with pytest.raises(NumberConflict):
        plan().with_number("4500", GROUP)


@given(st.integers(min_value=0, max_value=99))
def test_every_did_of_a_range_and_its_short_number_map_both_ways(offset: int) -> None:
    did_range = DidRange.parse("010-123 45 00", "010-123 45 99", "0100")
    did = f"+461012345{offset:02d}"
    short = did_range.short_for(did)
    assert short is not None and len(short) == 4
    assert did_range.did_for(short) == did


@given(st.text(max_size=20))
def test_resolve_never_raises(dialled: str) -> None:
    plan().resolve(dialled)
