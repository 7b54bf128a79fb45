"""How one word of a query matches the index's words (DIR2): the tiers, and the word lists.

A :class:`Matcher` holds what one query word matches, per tier: itself (exact), the words it
starts (prefix, from a :class:`SortedWords` range), the words of the same phonetic key or
variant group (phonetic) and those a typo away (fuzzy). :mod:`vaxel.directory.search` fills
it from its index and asks it for the tier of a person's words.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from enum import IntEnum

from vaxel.directory.tokens import QueryTerm

__all__ = ["MatchTier", "Matcher", "SortedWords"]


class MatchTier(IntEnum):
    """How well a query word matched, best first (the rank order of DIR2)."""

    EXACT = 0
    PREFIX = 1
    PHONETIC = 2
    FUZZY = 3


class SortedWords:
    """A sorted list of distinct words that takes additions in bulk cheaply (for prefixes)."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._known: set[str] = set()
        self._pending: list[str] = []

    def add(self, item: str) -> None:
        if item not in self._known:
            self._known.add(item)
            self._pending.append(item)

    def prefixed(self, prefix: str) -> tuple[int, int]:
        """The index range of the items starting with ``prefix``."""
        if self._pending:
            if len(self._pending) < 1000:
                for item in self._pending:
                    insort(self.items, item)
            else:
                self.items = sorted(self._known)
            self._pending = []
        return bisect_left(self.items, prefix), bisect_left(self.items, prefix + "\U0010ffff")


class Matcher:
    """One query word, ready to tell the tier of any indexed word."""

    def __init__(self, term: QueryTerm, prefixed: frozenset[str] | None) -> None:
        self.term = term
        self.prefixed = prefixed  # None: too many to hold, checked word by word
        self.phonetic: frozenset[str] = frozenset()
        self.fuzzy: frozenset[str] = frozenset()
        self.postings: list[tuple[int, list[list[int]]]] | None = None
        self.tier_sets: list[set[int]] = []  # disjoint people per tier, built as needed
        self.seen: set[int] = set()

    def tier(self, tokens: frozenset[str]) -> int | None:
        """The best tier of any of ``tokens`` for this word, or None."""
        text = self.term.text
        if text in tokens:
            return MatchTier.EXACT
        if self.prefixed is not None:
            if not tokens.isdisjoint(self.prefixed):
                return MatchTier.PREFIX
        elif any(token.startswith(text) for token in tokens):
            return MatchTier.PREFIX
        if not tokens.isdisjoint(self.phonetic):
            return MatchTier.PHONETIC
        if not tokens.isdisjoint(self.fuzzy):
            return MatchTier.FUZZY
        return None
