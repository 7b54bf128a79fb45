"""The directory as pages and the API read it (DIR2–DIR4, DIR6), on the real store: search
with presence and status, what each role sees, presence set with rights checked below HTTP,
listeners told of every change — also when a presence ends by the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vaxel.core.errors import ConfigError
from vaxel.directory.model import FieldDef, NumberKind, Person, PhoneNumber, Unit, Visibility
from vaxel.directory.permissions import DirectoryForbidden
from vaxel.directory.presence import Presence
from vaxel.runtime.directory_views import SETTINGS, Actor, DirectoryViews
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
AGENT = Actor("agent", "lars", "Lars Lindqvist")
OPERATOR = Actor("operator", None, "Telefonisten")


class _Clock:
    def __init__(self) -> None:
        self.now = T0.timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def views(database_url: str) -> DirectoryViews:
    database = open_database(database_url)
    upgrade(database)
    Tenants(database).add(Tenant("exempelby", "Exempelby kommun"))
    Tenants(database).add(Tenant("grannby", "Grannby kommun"))
    store = DirectoryStore(database)
    store.put_unit("exempelby", Unit("bygglov", "Bygglov"))
    store.put_fields("exempelby", [FieldDef("privat", "Privat", visibility=Visibility.OPERATORS)])
    numbers = (
        PhoneNumber(NumberKind.EXTENSION, "2041"),
        PhoneNumber(NumberKind.MOBILE, "+46701234567"),
    )
    store.put_person(
        "exempelby",
        Person(
            "karin",
            "1",
            "Karin",
            "Carlsson",
            numbers,
            unit_ids=("bygglov",),
            groups=("bygglov",),
            custom={"privat": "08-1"},
        ),
    )
    store.put_person("exempelby", Person("lars", "2", "Lars", "Lindqvist", groups=("bygglov",)))
    store.put_person("grannby", Person("karin2", "1", "Karin", "Karlsson"))
    sources = DirectorySources(database)
    sources.put_settings("exempelby", SETTINGS, {"mobile_visibility": "operators"}, 0.0)
    return DirectoryViews(store, sources, _Clock())


def test_search_finds_by_spelling_with_what_the_role_may_see(views: DirectoryViews) -> None:
    (hit,) = views.search("exempelby", "karlson bygglov", AGENT)
    assert hit.person.person_id == "karin" and hit.units == ("Bygglov",)
    assert hit.person.mobile is None and hit.person.custom == ()  # private to operators
    assert hit.status == "available" and hit.presence is None
    (seen,) = views.search("exempelby", "karlson", OPERATOR)
    assert seen.person.mobile == "+46701234567" and seen.person.custom == (("privat", "08-1"),)
    assert [h.person.person_id for h in views.search("grannby", "karlson", OPERATOR)] == ["karin2"]


def test_presence_is_set_with_rights_checked_and_listeners_told(views: DirectoryViews) -> None:
    told: list[tuple[str, str, str | None]] = []
    views.listeners.append(lambda t, p, v: told.append((t, p, v.reason_sv if v else None)))
    meeting = Presence("mote", since=T0, until=T0 + timedelta(hours=1), text="Rum B12")
    with pytest.raises(DirectoryForbidden):
        views.set_presence("exempelby", AGENT, "karin", meeting)  # not their own
    card = views.set_presence("exempelby", OPERATOR, "karin", meeting)
    assert card.presence is not None and card.presence.reason_sv == "Möte"
    assert card.presence.set_by == "Telefonisten" and card.status == "absent"
    own = views.set_presence("exempelby", AGENT, "lars", Presence("lunch", since=T0))
    assert own.presence is not None and own.presence.until is None  # tills vidare
    assert told == [("exempelby", "karin", "Möte"), ("exempelby", "lars", "Lunch")]
    with pytest.raises(ConfigError) as refused:
        views.set_presence("exempelby", OPERATOR, "karin", Presence("fika", since=T0))
    assert refused.value.field == "reason_id"
    views.clear_presence("exempelby", AGENT, "lars")
    assert told[-1] == ("exempelby", "lars", None)
    assert views.search("grannby", "karlson", OPERATOR)[0].presence is None  # other tenant


def test_a_group_at_once_and_a_presence_ending_by_the_clock(views: DirectoryViews) -> None:
    clock = views._clock
    assert isinstance(clock, _Clock)
    told: list[tuple[str, str | None]] = []
    views.listeners.append(lambda t, p, v: told.append((p, v.reason_id if v else None)))
    members = views.set_group_presence(
        "exempelby", OPERATOR, "bygglov", Presence("kurs", since=T0, until=T0 + timedelta(hours=2))
    )
    assert sorted(members) == ["karin", "lars"]
    assert views.person("exempelby", "lars", AGENT).presence.reason_id == "kurs"  # type: ignore[union-attr]
    deadline = views.next_deadline(clock.now)
    assert deadline == (T0 + timedelta(hours=2)).timestamp()
    told.clear()
    clock.now = deadline
    views.on_deadline(deadline)
    assert sorted(told) == [("karin", None), ("lars", None)]
    assert views.person("exempelby", "karin", AGENT).status == "available"
    with pytest.raises(ConfigError):
        views.set_group_presence("exempelby", OPERATOR, "ingen", Presence("kurs", since=T0))


def test_changes_made_elsewhere_show_after_changed(views: DirectoryViews) -> None:
    assert views.search("exempelby", "zetterberg", OPERATOR) == []
    views.store.put_person("exempelby", Person("eva", "3", "Eva", "Setterberg"))
    views.changed("exempelby", ["eva"])
    assert [h.person.person_id for h in views.search("exempelby", "zetterberg", OPERATOR)] == [
        "eva"
    ]
    views.store.deactivate("exempelby", "eva")
    views.changed("exempelby")
    assert views.search("exempelby", "zetterberg", OPERATOR) == []


def test_a_shared_extension_stays_open_while_one_person_on_it_is_in(views: DirectoryViews) -> None:
    """DIR3: Karin's absence on the extension she shares with Eva does not close it."""
    shared = (PhoneNumber(NumberKind.EXTENSION, "2041"),)
    views.store.put_person("exempelby", Person("eva", "3", "Eva", "Ek", shared))
    views.changed("exempelby", ["eva"])
    meeting = Presence("mote", since=T0, until=T0 + timedelta(hours=1))
    karin = views.set_presence("exempelby", OPERATOR, "karin", meeting)
    assert karin.presence is not None and karin.status == "available"  # Eva still answers
    eva = views.set_presence("exempelby", OPERATOR, "eva", meeting)
    assert eva.status == "absent"  # now no one on 2041 is in
    assert views.person("exempelby", "lars", AGENT).status == "available"  # no extension


def test_a_recurring_absence_shows_in_its_hours_and_ends_by_the_clock(
    views: DirectoryViews,
) -> None:
    """DIR3: every Monday 09–12 (Stockholm) Karin is "Ledig", valid until changed."""
    clock = views._clock
    assert isinstance(clock, _Clock)
    told: list[tuple[str, str | None]] = []
    views.listeners.append(lambda t, p, v: told.append((p, v.reason_id if v else None)))
    with pytest.raises(DirectoryForbidden):
        views.set_recurring("exempelby", AGENT, "karin", [{"reason_id": "ledig"}])
    with pytest.raises(ConfigError) as refused:
        views.set_recurring(
            "exempelby", OPERATOR, "karin", [{"reason_id": "ledig", "weekly": {"mon": "9-12"}}]
        )
    assert refused.value.field.startswith("rules[0].weekly")
    rule = {"reason_id": "ledig", "text": "Jobbar hemifrån", "weekly": {"mon": "09:00-12:00"}}
    views.set_recurring("exempelby", OPERATOR, "karin", [rule])
    card = views.person("exempelby", "karin", AGENT)  # Monday 10:00 in Stockholm
    assert card.presence is not None and card.presence.reason_id == "ledig"
    assert card.presence.until == datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # 12:00 local
    assert views.recurring("exempelby", "karin") == [rule]
    assert told[-1] == ("karin", "ledig")
    deadline = views.next_deadline(clock.now)
    assert deadline == datetime(2026, 12, 7, 11, 0, tzinfo=UTC).timestamp()
    clock.now = deadline
    views.on_deadline(deadline)
    assert told[-1] == ("karin", None)
    assert views.person("exempelby", "karin", AGENT).presence is None
    views.set_recurring("exempelby", AGENT.__class__("agent", "karin", "Karin"), "karin", [])
    assert views.recurring("exempelby", "karin") == []
