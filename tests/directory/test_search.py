"""Free-text and Swedish phonetic search of the directory (DIR2, OP9)."""

from __future__ import annotations

import pytest

from vaxel.core.errors import ConfigError
from vaxel.directory import search as search_module
from vaxel.directory.model import FieldDef, Person, PhoneNumber, Unit, Visibility
from vaxel.directory.phonetic import phonetic_key
from vaxel.directory.search import DirectoryIndex, MatchTier
from vaxel.directory.tokens import QueryTerm, query_terms

UNITS = (
    Unit("sbf", "Samhällsbyggnadsförvaltningen"),
    Unit("bygglov", "Bygglov", "sbf"),
    Unit("miljo", "Miljö och hälsa", "sbf"),
    Unit("soc", "Socialförvaltningen"),
    Unit("socialjour", "Socialjouren", "soc"),
)


def _ext(number: str) -> PhoneNumber:
    return PhoneNumber.parse("extension", number)


def _person(pid: str, given: str, family: str, *units: str, **more: object) -> Person:
    return Person(pid, pid.upper(), given, family, unit_ids=units, **more)  # type: ignore[arg-type]


PEOPLE = (
    _person(
        "karin-c", "Karin", "Carlsson", "bygglov",
        numbers=(_ext("2041"), PhoneNumber.parse("mobile", "070-123 45 67")),
        room="B12", titles=("Bygglovshandläggare",),
    ),
    _person("karin-k", "Karin", "Karlsson", "miljo", numbers=(_ext("2042"),)),
    _person("karl-l", "Karl", "Lindqvist", "socialjour", keywords=("socialjour", "barn")),
    _person("kristina-s", "Christina", "Sjöberg", "soc", room="A3"),
    _person("kjell-t", "Kjell", "Tjellberg", "bygglov"),
    _person("anna-z", "Anna", "Zetterberg", "miljo", email="anna.zetterberg@exempelby.se"),
    _person("lars-o", "Lars", "Ohlsson", "soc", custom={"privat_mobil": "0709999", "skor": "44"}),
    _person("karolina-a", "Karolina", "Andersson", "sbf"),
)  # fmt: skip


@pytest.fixture(scope="module")
def index() -> DirectoryIndex:
    return DirectoryIndex(PEOPLE, units=UNITS, searchable_custom={"skor"})


def _ids(index: DirectoryIndex, query: str, **options: object) -> list[str]:
    return [hit.person.person_id for hit in index.search(query, **options)]  # type: ignore[arg-type]


def test_swedish_spelling_variants_share_a_key() -> None:
    groups = [
        ("Karlsson", "Carlsson", "Karlson"),
        ("Lindqvist", "Lindquist", "Lindkvist"),
        ("Sjöberg", "Schöberg", "Skjöberg"),
        ("Kjellberg", "Tjellberg"),
        ("Kristina", "Christina"),
        ("Zetterberg", "Setterberg"),
        ("Gustafsson", "Gustavsson"),
    ]
    for group in groups:
        assert len({phonetic_key(name) for name in group}) == 1, group
    assert phonetic_key("Karin") != phonetic_key("Karina")
    assert phonetic_key("Berg") != phonetic_key("Borg")


def test_a_name_is_found_however_it_is_spelt_exact_first(index: DirectoryIndex) -> None:
    hits = index.search("carlsson")
    assert [h.person.person_id for h in hits] == ["karin-c", "karin-k"]
    assert [h.tier for h in hits] == [MatchTier.EXACT, MatchTier.PHONETIC]
    assert _ids(index, "lindquist") == ["karl-l"]
    assert _ids(index, "schöberg") == ["kristina-s"]
    assert _ids(index, "kristina sjöberg") == ["kristina-s"]
    assert _ids(index, "kjellberg") == ["kjell-t"]
    assert _ids(index, "setterberg") == ["anna-z"]
    assert _ids(index, "olsson") == ["lars-o"]


def test_a_nickname_finds_the_name_and_typos_come_last(index: DirectoryIndex) -> None:
    assert _ids(index, "kalle lindqvist") == ["karl-l"]
    assert _ids(index, "lasse") == ["lars-o"]
    hits = index.search("sjoberg")  # typed without ö: one letter off the key
    assert [(h.person.person_id, h.tier) for h in hits] == [("kristina-s", MatchTier.FUZZY)]


def test_typing_finds_by_prefix_before_phonetic_matches(index: DirectoryIndex) -> None:
    hits = index.search("kar")
    assert [h.person.person_id for h in hits] == ["karin-c", "karin-k", "karl-l", "karolina-a"]
    assert {h.tier for h in hits} == {MatchTier.PREFIX}
    hits = index.search("carls")  # no word starts so; the key does (Karlsson); Karl is a typo away
    assert [(h.person.person_id, h.tier) for h in hits] == [
        ("karin-c", MatchTier.PREFIX),
        ("karin-k", MatchTier.PHONETIC),
        ("karl-l", MatchTier.FUZZY),
    ]


def test_any_field_and_any_combination(index: DirectoryIndex) -> None:
    assert _ids(index, "karin bygglov") == ["karin-c"]
    assert _ids(index, "2041") == ["karin-c"]
    assert _ids(index, "204") == ["karin-c", "karin-k"]
    assert _ids(index, "070 12") == ["karin-c"]
    assert _ids(index, "+46 70 123") == ["karin-c"]
    assert _ids(index, "rum B12") == ["karin-c"]
    assert _ids(index, "rum a3") == ["kristina-s"]
    assert _ids(index, "socialjour") == ["karl-l"]
    assert _ids(index, "handläggare") == []  # inside a compound: not a word start
    assert _ids(index, "bygglovshand") == ["karin-c"]
    assert _ids(index, "anna.zetterberg@exempelby.se") == ["anna-z"]
    assert _ids(index, "samhällsbyggnad karin") == ["karin-c", "karin-k"]  # parent unit's name


def test_custom_fields_are_searchable_only_when_everyone_may_see_them(
    index: DirectoryIndex,
) -> None:
    assert _ids(index, "44") == ["lars-o"]
    assert _ids(index, "0709999") == []
    assert FieldDef("privat_mobil", "Privat mobil", visibility=Visibility.OPERATORS)


def test_a_search_limited_to_a_unit_includes_its_sub_units(index: DirectoryIndex) -> None:
    assert _ids(index, "karin", units=["bygglov"]) == ["karin-c"]
    assert _ids(index, "karin kar", units=["sbf"]) == ["karin-c", "karin-k"]
    assert _ids(index, "ka", units=["soc"]) == ["karl-l"]
    assert index.units_below(["soc"]) == {"soc", "socialjour"}


def test_presence_orders_within_a_tier_only_when_asked() -> None:
    index = DirectoryIndex(PEOPLE, units=UNITS)
    index.set_available("karin-c", False)
    assert _ids(index, "karin") == ["karin-c", "karin-k"]
    assert _ids(index, "karin", presence_first=True) == ["karin-k", "karin-c"]
    assert _ids(index, "karin kar", presence_first=True) == ["karin-k", "karin-c"]
    # an exact match that is away still ranks above an available phonetic one
    assert _ids(index, "carlsson", presence_first=True) == ["karin-c", "karin-k"]


def test_people_are_added_replaced_and_removed() -> None:
    index = DirectoryIndex(PEOPLE, units=UNITS)
    index.put(_person("karin-c", "Karin", "Berg", "bygglov"))
    assert _ids(index, "carlsson") == ["karin-k"]
    assert _ids(index, "berg") == ["karin-c"]
    index.remove("karin-k")
    assert _ids(index, "carlsson") == [] and len(index) == len(PEOPLE) - 1
    index.put(Person("ghost", "", "Greta", "Carlsson", active=False))
    assert _ids(index, "greta") == [] and index.get("ghost") is None
    index.set_units([*UNITS, Unit("plan", "Planenheten", "sbf")])
    index.put(_person("olle", "Olle", "Plan", "plan"))
    assert _ids(index, "planenheten") == ["olle"]


def test_a_query_or_limit_out_of_bounds_is_refused(index: DirectoryIndex) -> None:
    with pytest.raises(ConfigError) as refused:
        index.search("k" * 201)
    assert refused.value.code == "too-long"
    with pytest.raises(ConfigError) as refused:
        index.search("karin", limit=0)
    assert refused.value.code == "whole-number-range"
    assert index.search("   ") == []
    assert _ids(index, "karin", limit=1) == ["karin-c"]


def test_digits_typed_in_groups_are_one_number_only_when_they_look_like_one() -> None:
    assert query_terms("070 12") == [QueryTerm("07012", number=True)]
    assert query_terms("+46 70-12") == [QueryTerm("467012", number=True)]
    assert query_terms("2041 2042") == [QueryTerm("2041", True), QueryTerm("2042", True)]
    assert query_terms("rum B12 karin") == [QueryTerm("b12", field="room"), QueryTerm("karin")]
    assert query_terms("rum") == [QueryTerm("rum")]
    assert len(query_terms(" ".join(["a"] * 20))) == 8


def test_a_name_typed_without_ö_is_found_as_a_typo() -> None:
    index = DirectoryIndex(
        [
            _person("s", "Sven", "Sjöström"),
            _person("o", "Olle", "Öberg"),
            _person("j", "J", "Jönsson"),
        ]
    )
    assert [(h.person.person_id, h.tier) for h in index.search("sjostrom")] == [
        ("s", MatchTier.FUZZY)
    ]
    assert _ids(index, "oberg") == ["o"]
    assert _ids(index, "jonsson") == ["j"]


@pytest.mark.parametrize(
    "query",
    ["karin bygglov", "kar carlsson", "carlson karin", "rum b12 kar", "sjoberg kristina", "k soc"],
)
def test_ranking_by_sets_and_person_by_person_agree(
    query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = DirectoryIndex(PEOPLE, units=UNITS)
    index.set_available("karin-c", False)
    by_sets = index.search(query, presence_first=True)
    monkeypatch.setattr(search_module, "_SET_LIMIT", 0)  # every word "broad": one by one
    assert index.search(query, presence_first=True) == by_sets
    monkeypatch.setattr(search_module, "_SET_LIMIT", 30_000)
    monkeypatch.setattr(search_module, "_SET_WORDS", 0)  # narrow words, ranked one by one
    assert index.search(query, presence_first=True) == by_sets


def test_four_words_and_a_unit_limit_rank_one_by_one(index: DirectoryIndex) -> None:
    assert _ids(index, "karin carlsson bygglov 2041") == ["karin-c"]
    assert _ids(index, "karin carlsson bygglov 2041", units=["miljo"]) == []
