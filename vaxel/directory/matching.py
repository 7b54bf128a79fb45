"""How one word of a query matches the index's words (DIR2): the tiers, and the word lists.

A :class:`Matcher` holds what one query word matches, per tier: itself (exact), the words it
starts (prefix, from a :class:`SortedWords` range), the words of the same phonetic key or
variant group (phonetic) and those a typo away (fuzzy); :func:`build_matcher` fills it from
the index's word lists, and :mod:`vaxel.directory.search` asks it for the tier of a
person's words.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping
from enum import IntEnum

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from vaxel.directory.phonetic import phonetic_key
from vaxel.directory.tokens import QueryTerm
from vaxel.directory.variants import variant_keys

__all__ = ["MatchTier", "Matcher", "SortedWords", "build_matcher", "fold"]

_PREFIX_SET_LIMIT = 5000  # beyond this many words a prefix is checked word by word
_KEY_PREFIX_MIN = 4  # a key this long may match longer keys as a prefix (phonetic typing)
_KEY_PREFIX_LIMIT = 500
_FUZZY_MIN = 4  # shorter keys are too close to each other to allow a typo


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


def fold(key: str) -> str:
    """A key as typed on a keyboard without ö (the key has already folded å and ä)."""
    return key.replace("ö", "o")


def build_matcher(
    term: QueryTerm,
    words: SortedWords,
    keys: SortedWords,
    key_words: Mapping[str, set[str]],
    folded: Mapping[str, set[str]],
    variants: Mapping[str, frozenset[str]],
) -> Matcher:
    """What ``term`` matches among the index's ``words``, per tier.

    ``keys`` are the phonetic keys of the words, ``key_words`` each key's words, ``folded``
    each key folded by :func:`fold` to its keys, ``variants`` the variant table.
    """
    start, end = words.prefixed(term.text)
    within = words.items[start:end] if end - start <= _PREFIX_SET_LIMIT else None
    matcher = Matcher(term, None if within is None else frozenset(within))
    if term.number or not term.text.isalpha():
        return matcher
    key = phonetic_key(term.text)
    if len(key) < 2:
        return matcher
    same = {key} | variant_keys(key, variants)
    if len(key) >= _KEY_PREFIX_MIN:
        first, last = keys.prefixed(key)
        same.update(keys.items[first : min(last, first + _KEY_PREFIX_LIMIT)])
    phonetic = {word for k in same for word in key_words.get(k, ())}
    matcher.phonetic = frozenset(phonetic)
    folded_key = fold(key)
    close_keys = set(folded.get(folded_key, ()))  # Sjostrom typed for Sjöström
    if len(key) >= _FUZZY_MIN:
        close = process.extract(
            key, keys.items, scorer=Levenshtein.distance, score_cutoff=1, limit=None
        )
        # Wåhlin: a name's first sound is rarely misheard, so a typo keeps it
        close_keys.update(k for k, _, _ in close if fold(k[0]) == folded_key[0])
    fuzzy = {word for k in close_keys for word in key_words.get(k, ())}
    matcher.fuzzy = frozenset(fuzzy - phonetic)
    return matcher
