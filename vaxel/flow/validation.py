"""Checks of what callers key in."""

from __future__ import annotations

__all__ = ["valid_personnummer"]


def valid_personnummer(digits: str) -> bool:
    """A Swedish personnummer, 10 (ÅÅMMDDNNNK) or 12 (ÅÅÅÅMMDDNNNK) digits, with a valid
    Luhn check digit over the last ten."""
    if not digits.isdigit() or len(digits) not in (10, 12):
        return False
    ten = digits[-10:]
    month, day = int(ten[2:4]), int(ten[4:6])
    if not (1 <= month <= 12 and 1 <= day <= 91):  # 61–91: samordningsnummer
        return False
    total = 0
    for index, char in enumerate(ten[:9]):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10 == int(ten[9])
