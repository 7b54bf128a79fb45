"""Calendar-driven presence end to end (spec §41): a real CalDAV server (Radicale), the real
store. A poll sets the meeting in force as the person's presence, a later poll the next one;
a presence set by hand still shows; an opted-out person and an unreadable calendar keep
what they had, the error recorded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.directory_sync.radicale_server import Radicale
from vaxel.directory.model import Person
from vaxel.directory.presence import Presence, current_presence
from vaxel.directory_sync.service import DirectoryService
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources, PersonCalendar

MEETING = "DTSTART:20261207T090000Z\nDTEND:20261207T103000Z\nSUMMARY:Bygglovsmöte"
AFTERNOON = "DTSTART:20261207T130000Z\nDTEND:20261207T140000Z\nSUMMARY:Handläggarträff"


@pytest.fixture(scope="module")
def radicale() -> Iterator[tuple[Radicale, str]]:
    server = Radicale()
    try:
        url = server.calendar("karin")
        server.put_event(url, "karin", "m1", MEETING)
        server.put_event(url, "karin", "m2", AFTERNOON)
        yield server, url
    finally:
        server.stop()


@pytest.fixture
def service(database_url: str) -> DirectoryService:
    database = open_database(database_url)
    upgrade(database)
    Tenants(database).add(Tenant("exempelby", "Exempelby kommun"))
    store = DirectoryStore(database)
    for person_id, name in (("karin", "Carlsson"), ("lars", "Lindqvist"), ("anna", "Öberg")):
        store.put_person("exempelby", Person(person_id, "", "X", name))  # entered by hand
    return DirectoryService(store, DirectorySources(database))


def _shown(service: DirectoryService, person_id: str, at: datetime) -> Presence | None:
    return current_presence(service.directory.presences("exempelby").get(person_id, ()), at)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, 7, hour, minute, tzinfo=UTC)


def test_polls_follow_the_calendar_and_hand_set_presence_wins(
    service: DirectoryService, radicale: tuple[Radicale, str]
) -> None:
    _, url = radicale
    sources = service.sources
    sources.put_calendar("exempelby", PersonCalendar("karin", url, username="karin", password="x"))
    sources.put_calendar("exempelby", PersonCalendar("lars", url + "../../nobody/x/"))
    sources.put_calendar("exempelby", PersonCalendar("anna", url, opted_out=True))
    assert service.has_calendars("exempelby")

    errors = service.poll_calendars("exempelby", _at(9, 30).timestamp())
    assert errors["karin"] == "" and errors["lars"].startswith("directory-source-refused")
    assert "anna" not in errors
    shown = _shown(service, "karin", _at(9, 30))
    assert shown is not None and (shown.reason_id, shown.until) == ("mote", _at(10, 30))
    assert shown.source == "calendar"
    assert _shown(service, "lars", _at(9, 30)) is None
    assert _shown(service, "anna", _at(9, 30)) is None
    assert sources.calendar("exempelby", "lars").error.startswith("directory-source-refused")  # type: ignore[union-attr]

    lunch = Presence("lunch", since=_at(9, 45), until=_at(10, 15), set_by="karin")
    service.directory.set_presences("exempelby", {"karin": lunch})
    assert _shown(service, "karin", _at(10)).reason_id == "lunch"  # type: ignore[union-attr]

    service.poll_calendars("exempelby", _at(11).timestamp())  # between meetings: the next
    assert _shown(service, "karin", _at(11)) is None
    upcoming = _shown(service, "karin", _at(13, 30))
    assert upcoming is not None and upcoming.until == _at(14)

    service.poll_calendars("exempelby", _at(15).timestamp())  # nothing left today
    assert "calendar" not in {
        p.source for p in service.directory.presences("exempelby").get("karin", ())
    }


def test_an_unreachable_calendar_keeps_the_presence_it_had(
    service: DirectoryService, radicale: tuple[Radicale, str]
) -> None:
    _, url = radicale
    service.sources.put_calendar("exempelby", PersonCalendar("karin", url))
    service.poll_calendars("exempelby", _at(9, 30).timestamp())
    service.sources.put_calendar("exempelby", PersonCalendar("karin", "http://127.0.0.1:9/cal/"))
    errors = service.poll_calendars("exempelby", _at(9, 40).timestamp())
    assert errors["karin"].startswith("directory-source-unreachable")
    assert _shown(service, "karin", _at(9, 45)).reason_id == "mote"  # type: ignore[union-attr]
