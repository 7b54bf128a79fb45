"""Words of a person and of a query, as the search index sees them (DIR2).

Every field a caller may name becomes words ("tokens"): names, titles, keywords, groups,
room, location, the units a person sits in and the units above them, the e-mail's parts,
custom fields everyone may see (DIR6: a private mobile must not be findable by an agent who
may not see it) and numbers. A number is indexed as the digits people dial: an extension as
it is ("2041"), a Swedish E.164 number in its national form ("0701234567") and with the
country code ("46701234567"), so "070 12" and "+46 70 12" both find it as a prefix.

A query is cut the same way; digits typed in groups ("070 12", "+46 70-123") are joined
into one number when the first group starts with 0 or +, as a phone number is; otherwise
("2041 2042") each group stays its own word. A word naming a field ("rum B12") limits the
next word to that field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from vaxel.directory.model import Person, Unit

__all__ = [
    "FIELD_WORDS",
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_TERMS",
    "QueryTerm",
    "field_tokens",
    "person_tokens",
    "query_terms",
    "words",
]

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 8

FIELD_WORDS: Mapping[str, str] = {
    "rum": "room",
    "room": "room",
    "plats": "location",
    "ort": "location",
    "hus": "location",
}
"""Words that name a field: the next word of the query is looked for in that field alone."""

_WORD = re.compile(r"[^\W_]+")
_PHONE_RUN = re.compile(r"(?<![\w+])\+?\d[\d \-]*\d")
_FOLD = str.maketrans(
    {"é": "e", "è": "e", "ë": "e", "á": "a", "à": "a", "ü": "y", "æ": "ä", "ø": "ö"}
)


def words(text: str) -> list[str]:
    """The lower-case words of a text (letters and digits), accents folded but not å, ä, ö."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold().translate(_FOLD))


def _number_tokens(value: str) -> tuple[str, ...]:
    digits = value.lstrip("+")
    if value.startswith("+46"):
        return (digits, "0" + digits[2:])
    return (digits,)


def field_tokens(person: Person, field: str) -> frozenset[str]:
    """The words of one field of ``person`` (for a query word limited to that field)."""
    if field == "room":
        return frozenset(words(person.room))
    if field == "location":
        return frozenset(words(person.location))
    return frozenset()


def person_tokens(
    person: Person,
    units: Mapping[str, Unit],
    searchable_custom: Collection[str] = (),
) -> frozenset[str]:
    """Every word a query may find ``person`` by (see the module's docstring)."""
    texts = [person.given_name, person.family_name, person.room, person.location, person.email]
    texts += person.titles + person.keywords + person.groups
    texts += [value for name, value in person.custom if name in searchable_custom]
    for unit_id in person.unit_ids:
        seen: set[str] = set()
        unit = units.get(unit_id)
        while unit is not None and unit.unit_id not in seen:
            seen.add(unit.unit_id)
            texts.append(unit.name)
            unit = units.get(unit.parent_id) if unit.parent_id else None
    found: set[str] = set()
    for text in texts:
        found.update(words(text))
    for name in (person.given_name, person.family_name):
        if "-" in name or " " in name.strip():  # Ann-Sofie is also typed Annsofie
            found.add("".join(words(name)))
    for number in person.numbers:
        found.update(_number_tokens(number.value))
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One word of a query: its text, whether it is a number, the field it is limited to."""

    text: str
    number: bool = False
    field: str | None = None


def _join_phone_runs(query: str) -> str:
    def joined(match: re.Match[str]) -> str:
        run = match.group(0)
        if not (run.startswith(("0", "+")) and re.search(r"[ \-]", run)):
            return run
        return re.sub(r"[ \-]", "", run)

    return _PHONE_RUN.sub(joined, query)


def query_terms(query: str) -> list[QueryTerm]:
    """The terms of a free-text query, at most :data:`MAX_QUERY_TERMS` (the rest is ignored).

    The caller has already refused a query longer than :data:`MAX_QUERY_LENGTH`.
    """
    tokens = words(_join_phone_runs(query))
    terms: list[QueryTerm] = []
    field: str | None = None
    for index, token in enumerate(tokens):
        if token in FIELD_WORDS and index + 1 < len(tokens) and field is None:
            field = FIELD_WORDS[token]
            continue
        terms.append(QueryTerm(token, number=token.isdigit(), field=field))
        field = None
    return terms[:MAX_QUERY_TERMS]
