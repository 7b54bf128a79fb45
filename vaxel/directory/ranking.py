"""Ranking people who match several query words, with set operations (DIR2).

For a query of a few words, each word's people are held as disjoint sets per tier (exact,
prefix, phonetic, fuzzy). A person's rank is (worst tier over the words, sum of tiers), so
every combination of one tier set per word is one rank group: intersecting the sets (in C)
gives the group, and groups are taken best first until ``limit`` people are found; inside a
group people are ordered by ``key`` (available first when asked, then name). This ranks
"Karin bygglov" — a thousand Karins meeting four thousand people of a unit — without looking
at the people one by one.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from itertools import product
from typing import Any

__all__ = ["best_of_level"]


def best_of_level(
    tier_sets: Sequence[Sequence[tuple[int, set[int]]]],
    level: int,
    limit: int,
    key: Callable[[int], Any],
    keep: Callable[[int], bool] | None = None,
) -> list[tuple[int, int]]:
    """The best ``limit`` (person, worst tier) whose worst tier over the words is ``level``.

    ``tier_sets`` holds, per word, ``(tier, people)`` pairs with disjoint people (each person
    under their best tier for that word). ``keep`` filters people (units, OP9).
    """
    groups: dict[tuple[int, int], set[int]] = {}
    for combination in product(*tier_sets):
        tiers = [tier for tier, _ in combination]
        if max(tiers) != level:
            continue
        people = sorted((slots for _, slots in combination), key=len)
        common = people[0].intersection(*people[1:])
        if common:
            groups.setdefault((level, sum(tiers)), set()).update(common)
    found: list[tuple[int, int]] = []
    for (worst, _), slots in sorted(groups.items()):
        kept = slots if keep is None else [slot for slot in slots if keep(slot)]
        found += [(slot, worst) for slot in heapq.nsmallest(limit - len(found), kept, key=key)]
        if len(found) >= limit:
            break
    return found
