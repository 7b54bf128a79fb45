"""Recall and precision of name matching on a corpus of spelling variants (DIR2, issue 13 §2).

The corpus (``tests/directory/corpus/swedish_name_variants.txt``) lists one name per line
with its spellings separated by ``|``. Each spelling is asked for in turn; the other
spellings on its line are what should be found, every spelling on other lines what should
not. Counted over all (query, other spelling) pairs:

- recall = pairs found / pairs;
- precision = pairs found / everything found (the query's own spelling left out).

Four methods are compared: a plain prefix search, American Soundex, our phonetic key alone,
and the whole :class:`~vaxel.directory.search.DirectoryIndex` (key, variants, fuzzy and
prefix together, as an operator uses it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vaxel.directory.model import Person
from vaxel.directory.phonetic import phonetic_key, soundex_key
from vaxel.directory.search import MAX_LIMIT, DirectoryIndex

__all__ = ["Score", "evaluate", "parse_corpus"]


def parse_corpus(text: str) -> list[tuple[str, ...]]:
    """The groups of a corpus text: ``#`` starts a comment, ``|`` separates spellings."""
    groups: list[tuple[str, ...]] = []
    for line in text.splitlines():
        content = line.split("#", 1)[0].strip()
        if content:
            groups.append(tuple(part.strip() for part in content.split("|") if part.strip()))
    return groups


@dataclass(frozen=True, slots=True)
class Score:
    """One method's result on the corpus."""

    method: str
    pairs: int
    found: int
    retrieved: int

    @property
    def recall(self) -> float:
        return self.found / self.pairs if self.pairs else 0.0

    @property
    def precision(self) -> float:
        return self.found / self.retrieved if self.retrieved else 0.0


def _score(
    method: str, groups: Sequence[tuple[str, ...]], finds: Callable[[str], set[str]]
) -> Score:
    pairs = found = retrieved = 0
    for group in groups:
        for query in group:
            wanted = set(group) - {query}
            got = finds(query) - {query}
            pairs += len(wanted)
            found += len(got & wanted)
            retrieved += len(got)
    return Score(method, pairs, found, retrieved)


def evaluate(groups: Sequence[tuple[str, ...]]) -> list[Score]:
    """Score the four methods on ``groups`` (see the module's docstring)."""
    names = sorted({name for group in groups for name in group})
    by_id = {f"n{i}": name for i, name in enumerate(names)}
    index = DirectoryIndex(Person(pid, "", "", name) for pid, name in by_id.items())
    keys = {name: phonetic_key(name) for name in names}
    soundex = {name: soundex_key(name) for name in names}

    def prefix(query: str) -> set[str]:
        return {name for name in names if name.casefold().startswith(query.casefold())}

    def by_soundex(query: str) -> set[str]:
        code = soundex_key(query)
        return {name for name in names if soundex[name] == code}

    def by_key(query: str) -> set[str]:
        key = phonetic_key(query)
        return {name for name in names if keys[name] == key}

    def by_search(query: str) -> set[str]:
        return {hit.person.family_name for hit in index.search(query, limit=MAX_LIMIT)}

    return [
        _score("prefix", groups, prefix),
        _score("soundex", groups, by_soundex),
        _score("phonetic key", groups, by_key),
        _score("växel search", groups, by_search),
    ]
