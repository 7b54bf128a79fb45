"""Names that are the same name to a caller but sound different: nicknames and forms (DIR2).

A caller asks for "Kalle Carlsson" when the directory says Karl; "Lasse" is Lars, "Stina"
Kristina, "Gösta" Gustav. No phonetic key can find these, so they come from this table,
curated by hand from common Swedish usage. Each line is one group; every name in a group
finds the others (the search ranks such a match with the phonetic ones). Spelling variants
that the phonetic key already joins (Carl/Karl, Christina/Kristina) need no line here.

Kept small on purpose: a group joins names that an operator would accept as "the same
person's name"; Karin and Katarina stay apart (two names in Sweden today), as do Anna and Anne.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from vaxel.directory.phonetic import phonetic_key

__all__ = ["NAME_VARIANTS", "variant_keys", "variant_table"]

NAME_VARIANTS: tuple[tuple[str, ...], ...] = (
    ("karl", "kalle"),
    ("lars", "lasse"),
    ("nils", "nisse"),
    ("per", "pelle", "pär"),
    ("peter", "peder"),
    ("hans", "hasse"),
    ("johan", "jan", "john", "jon"),
    ("johannes", "johan"),
    ("magnus", "mange"),
    ("mikael", "micke", "mikke"),
    ("tomas", "tompa"),
    ("jonas", "jonte"),
    ("gustav", "gösta", "gurra", "gusten"),
    ("kristoffer", "kristofer", "christopher", "krille", "stoffe"),
    ("fredrik", "fredde"),
    ("robert", "robban", "bobby"),
    ("daniel", "danne"),
    ("mattias", "matte", "matthew"),
    ("henrik", "henke"),
    ("joakim", "jocke"),
    ("jakob", "jacke", "jack"),
    ("patrik", "patte"),
    ("stefan", "steffe", "staffan", "stephen"),
    ("ulf", "uffe"),
    ("rolf", "roffe"),
    ("bengt", "bengan"),
    ("göran", "örjan"),
    ("kjell", "kjelle"),
    ("bo", "bosse"),
    ("lennart", "lelle"),
    ("leif", "leffe"),
    ("torbjörn", "tobbe"),
    ("tobias", "tobbe"),
    ("sebastian", "sebbe"),
    ("alexander", "alex", "sandro"),
    ("andreas", "andy"),
    ("anders", "ante"),
    ("ingemar", "ingmar", "imme"),
    ("olof", "olle", "ola", "olov"),
    ("åke", "åkan"),
    ("sven", "svenne"),
    ("erik", "erke"),
    ("margareta", "greta", "maggan", "margit", "märta"),
    ("kristina", "stina", "kicki", "kerstin"),
    ("birgitta", "brita", "britta", "gittan", "birgit"),
    ("elisabet", "lisa", "lisbet", "elsa", "betty", "lis"),
    ("katarina", "kajsa", "katrin", "karina", "kattis"),
    ("charlotte", "lotta", "lotten"),
    ("ulrika", "ulla", "rika"),
    ("cecilia", "cissi", "cilla"),
    ("ingrid", "inga", "ingela"),
    ("susanne", "sanna", "susanna", "sussie"),
    ("kristin", "kicki"),
    ("helena", "lena", "elin", "ellen"),
    ("magdalena", "malin", "magda", "lena"),
    ("johanna", "hanna", "jojo"),
    ("eleonora", "nora", "ellinor", "eleonor"),
    ("gunilla", "gun", "nilla", "gunnel"),
    ("marianne", "maja", "mia"),
    ("maria", "maja", "mia", "mimmi", "mari"),
    ("anna", "annika", "ann"),
    ("barbro", "babs"),
    ("viktoria", "vicky", "tora"),
    ("agneta", "agge"),
    ("monika", "moa"),
    ("rebecka", "becka"),
    ("josefin", "josefine", "fina"),
    ("sofia", "sofie", "fia"),
    ("emelie", "emilia", "emma", "emmy"),
    ("jennifer", "jenny"),
    ("kristian", "krister"),
)
"""The groups, written in the phonetic key's preferred spelling (the key joins the rest)."""


def variant_table(groups: Iterable[Iterable[str]] = NAME_VARIANTS) -> Mapping[str, frozenset[str]]:
    """Phonetic key of a name → the keys of every name it stands for (itself included)."""
    table: dict[str, set[str]] = {}
    for group in groups:
        keys = {phonetic_key(name) for name in group}
        for key in keys:
            table.setdefault(key, set()).update(keys)
    return MappingProxyType({key: frozenset(keys) for key, keys in table.items()})


def variant_keys(key: str, table: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The other names' keys for a name's key (empty when it has none)."""
    return table.get(key, frozenset()) - {key}
