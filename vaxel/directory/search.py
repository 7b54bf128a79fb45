"""Free-text search of the directory: any field, any combination, Swedish spellings (DIR2).

:class:`DirectoryIndex` holds one tenant's people in an inverted index (word → people) and
answers a query such as "karin bygglov", "2041", "070 12", "rum B12" or "Carlson" with the
best people first. Every word of the query must match some word of a person; a word matches

- ``EXACT``: the same word;
- ``PREFIX``: the start of a word (search while typing; also "070 12" for a number);
- ``PHONETIC``: a word with the same Swedish phonetic key (:mod:`vaxel.directory.phonetic`),
  a key that starts with the query's key (typing "Carls" finds Karlsson), or a name of the
  same variant group (:mod:`vaxel.directory.variants`: Kalle finds Karl);
- ``FUZZY``: a word whose key is one edit from the query's (``rapidfuzz``; keys of 4 letters
  or more) and starts with the same sound, or the same key but for ö typed as o (Sjostrom).

A person ranks by the worst match over the query's words, then the sum, then — only when the
caller asks (``presence_first``) — available before absent or busy, then by family and given
name in Swedish order. Numbers match exactly or as a prefix, never phonetically. A search may
be limited to units (OP9: a console serving one department); sub-units are included.

Cost: a single word stops as soon as ``limit`` people are found, taking match groups in
rank order. Several words intersect the people each word matches (sets, in C) and rank only
those in common; a word matching more than ``_SET_LIMIT`` people (one or two letters) is
instead checked on each remaining candidate. A query of such broad words alone ("a b")
looks at the first ``_SCAN_LIMIT`` people of its first word only.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from vaxel.core.errors import ConfigError
from vaxel.directory.matching import Matcher, MatchTier
from vaxel.directory.model import Person, Unit
from vaxel.directory.postings import Postings
from vaxel.directory.ranking import best_of_level
from vaxel.directory.tokens import (
    MAX_QUERY_LENGTH,
    field_tokens,
    person_tokens,
    query_terms,
)
from vaxel.directory.variants import NAME_VARIANTS, variant_table

__all__ = ["MAX_LIMIT", "DirectoryIndex", "Hit", "MatchTier"]

MAX_LIMIT = 500
_SET_LIMIT = 30_000  # a word matching more people than this is checked person by person
_SET_WORDS = 3  # up to this many words are ranked by set intersection (ranking.py)
_SCAN_LIMIT = 20_000  # a query of broad words alone looks at this many people at most
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


@dataclass(frozen=True, slots=True)
class Hit:
    """A person found, with the worst tier over the query's words."""

    person: Person
    tier: MatchTier


class DirectoryIndex:
    """One tenant's people, searchable (DIR2). Pure and in memory; the store rebuilds it.

    ``searchable_custom`` names the custom fields everyone may see (DIR6): only those are
    searchable. ``set_available`` feeds presence for ``presence_first`` ranking.
    """

    def __init__(
        self,
        people: Iterable[Person] = (),
        *,
        units: Iterable[Unit] = (),
        searchable_custom: Collection[str] = (),
        variants: Iterable[Iterable[str]] = NAME_VARIANTS,
    ) -> None:
        self._units = {unit.unit_id: unit for unit in units}
        self._searchable_custom = frozenset(searchable_custom)
        self._variants = variant_table(variants)
        self._slot_of: dict[str, int] = {}
        self._people: list[Person | None] = []
        self._tokens: list[frozenset[str]] = []
        self._order: list[str] = []
        self._postings = Postings(self._order)
        self._unavailable: set[int] = set()
        self._away: set[str] = set()
        for person in people:
            self.put(person)
        self._postings.sort_all()  # a bulk load sorts every word's people once

    def __len__(self) -> int:
        return len(self._slot_of)

    def get(self, person_id: str) -> Person | None:
        """The indexed person with ``person_id``, or None."""
        slot = self._slot_of.get(person_id)
        return None if slot is None else self._people[slot]

    def put(self, person: Person) -> None:
        """Add ``person``, or replace the one with the same ``person_id``. Inactive people
        (removed at the source, DIR5) are kept out of search."""
        self.remove(person.person_id)
        if not person.active:
            return
        slot = len(self._people)
        self._slot_of[person.person_id] = slot
        self._people.append(person)
        order = f"{person.family_name}\0{person.given_name}\0{person.person_id}"
        self._order.append(order.casefold().translate(_SWEDISH_ORDER))
        tokens = person_tokens(person, self._units, self._searchable_custom)
        self._tokens.append(tokens)
        if person.person_id in self._away:
            self._unavailable.add(slot)
        self._postings.add(tokens, slot)

    def remove(self, person_id: str) -> None:
        """Take ``person_id`` out of the index (nothing happens if it is not there)."""
        slot = self._slot_of.pop(person_id, None)
        if slot is None:
            return
        self._postings.remove(self._tokens[slot], slot)
        self._people[slot] = None
        self._tokens[slot] = frozenset()
        self._unavailable.discard(slot)

    def set_units(self, units: Iterable[Unit]) -> None:
        """Replace the unit tree; everyone is reindexed, since unit names are searchable."""
        self._units = {unit.unit_id: unit for unit in units}
        people = [person for person in self._people if person is not None]
        for person in people:
            self.put(person)

    def set_available(self, person_id: str, available: bool) -> None:
        """Record whether a person is available now (for ``presence_first``)."""
        slot = self._slot_of.get(person_id)
        if available:
            self._away.discard(person_id)
            if slot is not None:
                self._unavailable.discard(slot)
        else:
            self._away.add(person_id)
            if slot is not None:
                self._unavailable.add(slot)

    def units_below(self, unit_ids: Iterable[str]) -> frozenset[str]:
        """The given units and every unit beneath them (OP9)."""
        children: dict[str, list[str]] = {}
        for unit in self._units.values():
            if unit.parent_id is not None:
                children.setdefault(unit.parent_id, []).append(unit.unit_id)
        found: set[str] = set()
        stack = list(unit_ids)
        while stack:
            unit_id = stack.pop()
            if unit_id not in found:
                found.add(unit_id)
                stack.extend(children.get(unit_id, ()))
        return frozenset(found)

    def search(
        self,
        query: str,
        limit: int = 20,
        units: Iterable[str] | None = None,
        presence_first: bool = False,
    ) -> list[Hit]:
        """The best ``limit`` people for ``query``, best first (see the module's docstring)."""
        if len(query) > MAX_QUERY_LENGTH:
            raise ConfigError("query", "too-long", max=MAX_QUERY_LENGTH, length=len(query))
        if not 1 <= limit <= MAX_LIMIT:
            raise ConfigError("limit", "whole-number-range", min=1, max=MAX_LIMIT, value=limit)
        terms = query_terms(query)
        if not terms:
            return []
        allowed = None if units is None else self.units_below(units)
        matchers = [self._postings.matcher(term, self._variants) for term in terms]
        if len(matchers) == 1 and terms[0].field is None:
            return self._search_one(matchers[0], limit, allowed, presence_first)
        return self._search_many(matchers, limit, allowed, presence_first)

    def _in_units(self, slot: int, allowed: frozenset[str] | None) -> bool:
        if allowed is None:
            return True
        person = self._people[slot]
        return person is not None and not allowed.isdisjoint(person.unit_ids)

    def _search_one(
        self, matcher: Matcher, limit: int, allowed: frozenset[str] | None, presence_first: bool
    ) -> list[Hit]:
        hits: list[Hit] = []
        waiting: list[Hit] = []  # the current tier's unavailable people (presence_first)
        tier_now = MatchTier.EXACT
        seen: set[int] = set()
        for slot, tier in self._postings.candidates(matcher):
            if slot in seen or not self._in_units(slot, allowed):
                continue
            seen.add(slot)
            if tier != tier_now:
                hits += waiting[: limit - len(hits)]
                waiting, tier_now = [], tier
                if len(hits) >= limit:
                    break
            hit = Hit(self._person(slot), tier)
            if presence_first and slot in self._unavailable:
                waiting.append(hit)
                continue
            hits.append(hit)
            if len(hits) >= limit:
                break
        hits += waiting[: limit - len(hits)]
        return hits[:limit]

    def _search_many(
        self,
        matchers: list[Matcher],
        limit: int,
        allowed: frozenset[str] | None,
        presence_first: bool,
    ) -> list[Hit]:
        sized = sorted(
            ((self._postings.estimate(m, len(self._people)), i) for i, m in enumerate(matchers))
        )
        narrow = [matchers[i] for size, i in sized if size <= _SET_LIMIT]
        broad = [matchers[i] for size, i in sized if size > _SET_LIMIT]
        if not broad and len(narrow) <= _SET_WORDS:
            return self._search_by_sets(narrow, limit, allowed, presence_first)
        # Widen step by step: once `limit` people match every word at least as well as
        # `level`, nobody with a worse word can rank among them, so the rest is not built.
        for level in (MatchTier.PREFIX, MatchTier.PHONETIC, MatchTier.FUZZY):
            ranked = self._rank(narrow, broad, level, allowed, presence_first)
            if len(ranked) >= limit:
                break
        best = heapq.nsmallest(limit, ranked)
        return [Hit(self._person(slot), MatchTier(worst)) for worst, _, _, _, slot in best]

    def _search_by_sets(
        self,
        matchers: list[Matcher],
        limit: int,
        allowed: frozenset[str] | None,
        presence_first: bool,
    ) -> list[Hit]:
        """A few narrow words: rank groups by set intersection (:mod:`.ranking`)."""

        def key(slot: int) -> tuple[bool, str]:
            return (presence_first and slot in self._unavailable, self._order[slot])

        def keep(slot: int) -> bool:
            return self._in_units(slot, allowed)

        hits: list[Hit] = []
        for level in MatchTier:
            tier_sets = [self._tier_sets(matcher, level) for matcher in matchers]
            best = best_of_level(
                tier_sets, level, limit - len(hits), key, None if allowed is None else keep
            )
            hits += [Hit(self._person(slot), MatchTier(worst)) for slot, worst in best]
            if len(hits) >= limit:
                break
        return hits

    def _tier_sets(self, matcher: Matcher, level: MatchTier) -> list[tuple[int, set[int]]]:
        """A word's people per tier up to ``level``, each under their best tier only."""
        by_tier = self._postings.by_tier(matcher)
        while len(matcher.tier_sets) <= level:
            tier = len(matcher.tier_sets)
            people = set(chain.from_iterable(by_tier[tier][1]))
            people -= matcher.seen
            field = matcher.term.field
            if field is not None:  # "rum B12": only people whose room matches
                people = {
                    slot
                    for slot in people
                    if matcher.tier(field_tokens(self._person(slot), field)) is not None
                }
            matcher.seen |= people
            matcher.tier_sets.append(people)
        return [
            (tier, people) for tier, people in enumerate(matcher.tier_sets[: level + 1]) if people
        ]

    def _rank(
        self,
        narrow: list[Matcher],
        broad: list[Matcher],
        level: MatchTier,
        allowed: frozenset[str] | None,
        presence_first: bool,
    ) -> list[tuple[int, int, bool, str, int]]:
        """Everyone matching every word no worse than ``level``, with their rank keys."""
        maps = [self._postings.tier_map(matcher, level) for matcher in narrow]
        if maps:  # intersect the narrow words' people in C, rank only those in common
            maps.sort(key=len)
            common: set[int] = set(maps[0])
            for tiers in maps[1:]:
                common = common.intersection(tiers)
            candidates: Iterable[int] = common
        else:  # only broad words ("a b"): walk the first one's people, up to a bound
            candidates = self._scan(broad[0])
        ranked: list[tuple[int, int, bool, str, int]] = []
        for slot in candidates:
            if not self._in_units(slot, allowed):
                continue
            found = [tiers[slot] for tiers in maps]
            for matcher in broad:
                tier = matcher.tier(self._tokens[slot])
                if tier is None or tier > level:
                    break
                found.append(tier)
            else:
                if self._fields_match(slot, [*narrow, *broad], level):
                    away = presence_first and slot in self._unavailable
                    ranked.append((max(found), sum(found), away, self._order[slot], slot))
        return ranked

    def _fields_match(self, slot: int, matchers: list[Matcher], level: MatchTier) -> bool:
        """Whether the words limited to a field ("rum B12") match in that field."""
        for matcher in matchers:
            if matcher.term.field is not None:
                tier = matcher.tier(field_tokens(self._person(slot), matcher.term.field))
                if tier is None or tier > level:
                    return False
        return True

    def _scan(self, matcher: Matcher) -> Iterator[int]:
        seen: set[int] = set()
        for slot, _ in self._postings.candidates(matcher):
            if slot not in seen:
                seen.add(slot)
                yield slot
                if len(seen) >= _SCAN_LIMIT:
                    return

    def _person(self, slot: int) -> Person:
        person = self._people[slot]
        assert person is not None  # slots of removed people leave every posting
        return person
