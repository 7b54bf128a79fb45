"""The directory index's words (DIR2): each word → the people who have it, and the sorted
word and sound-key lists that find the words a query word matches, best tier first.

:class:`Postings` is the inverted index :class:`vaxel.directory.search.DirectoryIndex`
ranks from; people are its slots (ints). Rules:
- A word's people are kept in name order (``order``, one sort key per slot). A bulk load
  appends unsorted and sorts every word once; later a word is sorted when it is first read.
- A new alphabetic word of two letters or more gets its Swedish sound key once; the key
  lists find it by sound, by a key's prefix and by ö typed as o (:mod:`.matching`).
- A word's matches per tier are looked up once per query word and kept on its
  :class:`~vaxel.directory.matching.Matcher`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import chain

from vaxel.directory.matching import Matcher, MatchTier, SortedWords, build_matcher, fold
from vaxel.directory.phonetic import phonetic_key
from vaxel.directory.tokens import QueryTerm

__all__ = ["Postings"]


class Postings:
    """Words → slots; ``order`` is the index's list of each slot's name-order key."""

    def __init__(self, order: list[str]) -> None:
        self.order = order
        self.by_word: dict[str, list[int]] = {}
        self.unsorted: set[str] = set()
        self.words = SortedWords()
        self.key_words: dict[str, set[str]] = {}
        self.folded: dict[str, set[str]] = {}  # a key without ö → the keys
        self.keys = SortedWords()

    def add(self, tokens: Iterable[str], slot: int) -> None:
        """``slot`` has each of ``tokens`` (appended: sorted when first read)."""
        for token in tokens:
            postings = self.by_word.get(token)
            if postings is None:
                self.by_word[token] = postings = []
                self.words.add(token)
                if token.isalpha() and len(token) >= 2:  # a new word: its key once
                    key = phonetic_key(token)
                    if key:
                        self.key_words.setdefault(key, set()).add(token)
                        self.folded.setdefault(fold(key), set()).add(key)
                        self.keys.add(key)
            postings.append(slot)
            self.unsorted.add(token)

    def remove(self, tokens: Iterable[str], slot: int) -> None:
        """``slot`` no longer has ``tokens``; a word nobody has left is dropped."""
        for token in tokens:
            postings = self.by_word[token]
            postings.remove(slot)
            if not postings:
                del self.by_word[token]

    def sort_all(self) -> None:
        """After a bulk load: every word's people sorted once, and the word and key lists,
        so that the first query does not pay for it."""
        for word in self.unsorted:
            self.by_word[word].sort(key=self.order.__getitem__)
        self.unsorted.clear()
        self.words.prefixed("")
        self.keys.prefixed("")

    def matcher(self, term: QueryTerm, variants: Mapping[str, frozenset[str]]) -> Matcher:
        return build_matcher(term, self.words, self.keys, self.key_words, self.folded, variants)

    def by_tier(self, matcher: Matcher) -> list[tuple[int, list[list[int]]]]:
        """The postings of a word's matches, per tier, best first (computed once per word)."""
        if matcher.postings is None:
            get = self.by_word.get
            groups = (
                (MatchTier.EXACT, (matcher.term.text,)),
                (MatchTier.PREFIX, matcher.prefixed or ()),
                (MatchTier.PHONETIC, matcher.phonetic),
                (MatchTier.FUZZY, matcher.fuzzy),
            )
            matcher.postings = [
                (int(tier), [p for p in map(get, words) if p]) for tier, words in groups
            ]
        return matcher.postings

    def estimate(self, matcher: Matcher, everyone: int) -> int:
        """How many postings a word's matches hold (``everyone`` for a word that matches
        every word: no prefix list was built)."""
        if matcher.prefixed is None:
            return everyone
        return sum(len(p) for _, lists in self.by_tier(matcher) for p in lists)

    def tier_map(self, matcher: Matcher, level: MatchTier) -> dict[int, int]:
        """Each person a narrow word matches no worse than ``level`` → the best tier (built
        in C, worst tier first so that better ones overwrite)."""
        tiers: dict[int, int] = {}
        for tier, postings in reversed(self.by_tier(matcher)):
            if tier <= level:
                tiers.update(dict.fromkeys(chain.from_iterable(postings), tier))
        return tiers

    def candidates(self, matcher: Matcher) -> Iterator[tuple[int, MatchTier]]:
        """People matching one word, best tier first, then word, then name."""
        for word, tier in self._words_in_order(matcher):
            postings = self.by_word.get(word)
            if not postings:
                continue
            if word in self.unsorted:
                postings.sort(key=self.order.__getitem__)
                self.unsorted.discard(word)
            for slot in postings:
                yield slot, tier

    def _words_in_order(self, matcher: Matcher) -> Iterator[tuple[str, MatchTier]]:
        text = matcher.term.text
        yield text, MatchTier.EXACT
        start, end = self.words.prefixed(text)
        for word in self.words.items[start:end]:
            if word != text:
                yield word, MatchTier.PREFIX
        for word in sorted(matcher.phonetic):
            yield word, MatchTier.PHONETIC
        for word in sorted(matcher.fuzzy):
            yield word, MatchTier.FUZZY
