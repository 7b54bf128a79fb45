"""Phone-number read-back in natural Swedish groups (CB3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.speech._render import say
from vaxel.speech import group_digits, normalise_digits, phone_number


@pytest.mark.parametrize(
    ("number", "groups"),
    [
        ("070-123 45 67", ("070", "123", "45", "67")),
        ("0701234567", ("070", "123", "45", "67")),
        ("+46 70 123 45 67", ("070", "123", "45", "67")),
        ("0046701234567", ("070", "123", "45", "67")),
        ("+46 (0)8-123 456 78", ("08", "12", "34", "56", "78")),
        ("+1 555 0100", ("00", "15", "55", "01", "00")),  # foreign: pairs, no area code
        ("08-123 456 78", ("08", "12", "34", "56", "78")),
        ("08-12 34 56", ("08", "12", "34", "56")),
        ("031-123 45 67", ("031", "123", "45", "67")),
        ("0480-123 45", ("0480", "123", "45")),
        ("4711", ("47", "11")),  # an internal extension
        ("123", ("123",)),
    ],
)
def test_groups(number: str, groups: tuple[str, ...]) -> None:
    assert group_digits(number) == groups


def test_read_back_uses_neuter_digits_and_pauses() -> None:
    assert say(phone_number("08-123 456 78")) == (
        "noll åtta | ett två | tre fyra | fem sex | sju åtta"
    )
    assert say(phone_number("070-1", "en"), "en") == "zero seven zero | one"


@pytest.mark.parametrize("bad", ["070-12a", "1" * 21, "٣٤", "", " - "])
def test_untrusted_input_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_digits(bad)


@given(st.text(alphabet="0123456789", min_size=1, max_size=20))
def test_grouping_keeps_every_digit_in_order_and_groups_small(digits: str) -> None:
    groups = group_digits(digits)
    assert "".join(groups) == normalise_digits(digits)
    assert all(1 <= len(g) <= 4 for g in groups)
    assert all(len(g) <= 3 for g in groups[1:])
