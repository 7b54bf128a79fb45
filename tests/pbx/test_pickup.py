"""Directed and group pickup (issue 14): which ringing call a keypad code picks up."""

from __future__ import annotations

import pytest

from vaxel.pbx.pickup import (
    DirectedPickup,
    GroupPickup,
    RingingCall,
    choose,
    parse_pickup,
)

SALES = frozenset({"sales"})
RINGING = [
    RingingCall("c1", "1002", SALES, rang_at=10.0),
    RingingCall("c2", "1003", frozenset({"support"}), rang_at=5.0),
    RingingCall("c3", "1002", SALES, rang_at=8.0),
    RingingCall("c4", "1001", SALES, rang_at=1.0),
]


@pytest.mark.parametrize(
    ("dialled", "code"),
    [
        ("**1002", DirectedPickup("1002")),
        ("**1002#", DirectedPickup("1002")),
        ("*8#", GroupPickup()),
        ("**", None),
        ("**12a", None),
        ("**" + "1" * 9, None),
        ("*21*0701234567#", None),  # a forwarding code: the feature codes' business
        ("1002", None),
    ],
)
def test_codes_parse_to_a_pickup_or_to_nothing(dialled: str, code: object) -> None:
    assert parse_pickup(dialled) == code


def test_directed_pickup_takes_the_call_ringing_that_extension_longest() -> None:
    assert choose(DirectedPickup("1002"), RINGING, "1001", frozenset()) == RINGING[2]
    assert choose(DirectedPickup("1009"), RINGING, "1001", frozenset()) is None


def test_group_pickup_takes_the_longest_ringing_call_of_the_pickers_groups() -> None:
    # c4 rings longest in sales, but it rings the picker: never picked by them
    assert choose(GroupPickup(), RINGING, "1001", SALES) == RINGING[2]
    assert choose(GroupPickup(), RINGING, "1005", SALES) == RINGING[3]
    assert choose(GroupPickup(), RINGING, "1005", frozenset({"support"})) == RINGING[1]
    assert choose(GroupPickup(), RINGING, "1005", frozenset()) is None


def test_a_phone_does_not_pick_up_its_own_call() -> None:
    assert choose(DirectedPickup("1001"), RINGING, "1001", SALES) is None
