"""The demo tenant's directory (issue 13 §8): Exempelby kommun's units and a few hundred
generated staff, some absent with a reason and a return time, many with names that Swedes
spell several ways (Carlsson/Karlsson, Lindqvist/Lindquist, Kristina/Christina), so the
phonetic search has something to find from the first minute.

Deterministic: the same seed gives the same people, numbers and presences; the presences'
times are placed around ``now``. The demo's twelve agents are in it too, with their own
extensions (10xx), in the contact centre's units.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from vaxel.directory.model import NumberKind, Person, PhoneNumber, Unit
from vaxel.directory.presence import Presence
from vaxel.sim.demo_tenant import demo_agents

__all__ = ["DEMO_PEOPLE", "DemoDirectory", "demo_directory"]

DEMO_PEOPLE = 320
"""Generated people besides the agents: a municipality of ~20,000 inhabitants."""

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# unit id, name, parent id; then the titles and keywords of the people in it
_UNITS: tuple[tuple[str, str, str | None, tuple[str, ...], tuple[str, ...]], ...] = (
    ("kommunledning", "Kommunledning", None, ("Kommundirektör",), ("ledning",)),
    ("kansli", "Kansli", "kommunledning", ("Nämndsekreterare", "Registrator"), ("diarium",)),
    ("ekonomi", "Ekonomi", "kommunledning", ("Ekonom", "Controller"), ("faktura", "budget")),
    ("hr", "HR", "kommunledning", ("HR-konsult", "Lönespecialist"), ("lön", "rekrytering")),
    ("kommunikation", "Kommunikation", "kommunledning", ("Kommunikatör",), ("webb", "press")),
    ("samhallsbyggnad", "Samhällsbyggnad", None, ("Förvaltningschef",), ()),
    (
        "bygglov",
        "Bygglov",
        "samhallsbyggnad",
        ("Bygglovshandläggare", "Byggnadsinspektör"),
        ("bygglov", "strandskydd", "rivningslov", "marklov"),
    ),
    (
        "miljo",
        "Miljö och hälsa",
        "samhallsbyggnad",
        ("Miljöinspektör",),
        ("livsmedel", "avlopp", "buller"),
    ),
    (
        "gata-park",
        "Gata och park",
        "samhallsbyggnad",
        ("Arbetsledare", "Trafikingenjör"),
        ("snöröjning", "gatubelysning", "parkering"),
    ),
    ("plan", "Plan", "samhallsbyggnad", ("Planarkitekt",), ("detaljplan", "översiktsplan")),
    ("socialtjanst", "Socialtjänst", None, ("Socialchef",), ()),
    ("socialjour", "Socialjour", "socialtjanst", ("Socialsekreterare",), ("jour", "akut")),
    (
        "ifo",
        "Individ- och familjeomsorg",
        "socialtjanst",
        ("Socialsekreterare", "Familjebehandlare"),
        ("försörjningsstöd", "orosanmälan"),
    ),
    (
        "aldreomsorg",
        "Äldreomsorg",
        "socialtjanst",
        ("Enhetschef", "Biståndshandläggare"),
        ("hemtjänst", "särskilt boende", "trygghetslarm"),
    ),
    ("funktionsstod", "Funktionsstöd", "socialtjanst", ("LSS-handläggare",), ("LSS",)),
    ("barn-utbildning", "Barn och utbildning", None, ("Skolchef",), ()),
    (
        "forskola",
        "Förskola",
        "barn-utbildning",
        ("Förskolechef", "Förskollärare"),
        ("barnomsorg", "förskoleplats"),
    ),
    (
        "grundskola",
        "Grundskola",
        "barn-utbildning",
        ("Rektor", "Lärare"),
        ("skolskjuts", "skolval"),
    ),
    ("gymnasium", "Gymnasium", "barn-utbildning", ("Rektor", "Studievägledare"), ("antagning",)),
    ("elevhalsa", "Elevhälsa", "barn-utbildning", ("Skolsköterska", "Kurator"), ("elevhälsa",)),
    ("kultur-fritid", "Kultur och fritid", None, ("Kultur- och fritidschef",), ()),
    ("bibliotek", "Bibliotek", "kultur-fritid", ("Bibliotekarie",), ("lån", "e-böcker")),
    ("fritid", "Fritidsgårdar", "kultur-fritid", ("Fritidsledare",), ("lokalbokning",)),
    (
        "kontaktcenter",
        "Kontaktcenter",
        "kommunledning",
        ("Kommunvägledare",),
        ("växel", "kundtjänst"),
    ),
)

# Names as Swedes write them, several ways each where they do (DIR2): the search must find
# "Karlsson" when the caller says it and the directory has Carlsson.
_GIVEN = (
    "Karin",
    "Carin",
    "Kristina",
    "Christina",
    "Katarina",
    "Catharina",
    "Eva",
    "Maria",
    "Anna",
    "Sofia",
    "Sophia",
    "Elin",
    "Emma",
    "Ida",
    "Linnea",
    "Malin",
    "Sara",
    "Johanna",
    "Helena",
    "Camilla",
    "Kamilla",
    "Cecilia",
    "Ingrid",
    "Margareta",
    "Annika",
    "Lena",
    "Karl",
    "Carl",
    "Mikael",
    "Michael",
    "Oskar",
    "Oscar",
    "Erik",
    "Eric",
    "Johan",
    "Lars",
    "Anders",
    "Per",
    "Fredrik",
    "Gustav",
    "Gustaf",
    "Magnus",
    "Niklas",
    "Nicklas",
    "Jonas",
    "Henrik",
    "Olof",
    "Olov",
    "Kenneth",
    "Kent",
    "Mohammed",
    "Ali",
    "Fatima",
    "Amir",
    "Leila",
)
_FAMILY = (
    "Carlsson",
    "Karlsson",
    "Lindqvist",
    "Lindquist",
    "Lindkvist",
    "Sjöberg",
    "Schöberg",
    "Kjellberg",
    "Tjellberg",
    "Zetterberg",
    "Setterberg",
    "Eriksson",
    "Ericsson",
    "Pettersson",
    "Petersson",
    "Gustafsson",
    "Gustavsson",
    "Andersson",
    "Johansson",
    "Nilsson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Jonsson",
    "Jönsson",
    "Berg",
    "Bergström",
    "Lundberg",
    "Lundgren",
    "Holm",
    "Nyström",
    "Axelsson",
    "Hedlund",
    "Engström",
    "Ekström",
    "Wallin",
    "Forsberg",
    "Sandberg",
    "Lindberg",
    "Mattsson",
    "Matsson",
    "Hassan",
    "Ali",
    "Öberg",
    "Åberg",
    "Söderberg",
    "Sjögren",
    "Kvist",
    "Qvist",
    "Strömberg",
    "Nordin",
    "Björk",
)

_LOCATIONS = {
    "kommunledning": "Stadshuset",
    "samhallsbyggnad": "Stadshuset",
    "socialtjanst": "Socialkontoret",
    "barn-utbildning": "Utbildningshuset",
    "kultur-fritid": "Kulturhuset",
}

# reason id, share of those absent, how long (None: tills vidare), text
_ABSENCES: tuple[tuple[str, float, timedelta | None, str], ...] = (
    ("mote", 0.30, timedelta(minutes=75), "Nås efter mötet"),
    ("lunch", 0.15, timedelta(minutes=40), ""),
    ("tillfalligt-ute", 0.10, timedelta(minutes=20), ""),
    ("kurs", 0.08, timedelta(hours=6), "Ring mobilen vid brådskande ärenden"),
    ("tjansteresa", 0.07, timedelta(days=2), ""),
    ("ledig", 0.10, timedelta(days=3), ""),
    ("semester", 0.08, timedelta(days=14), "Hänvisa till växeln"),
    ("sjuk", 0.12, None, ""),
)
ABSENT_SHARE = 0.22
"""About one in five is away at any moment of an office day."""


@dataclass(frozen=True, slots=True)
class DemoDirectory:
    units: tuple[Unit, ...]
    people: tuple[Person, ...]
    presences: dict[str, Presence]
    """person id → the presence set for them (by hand)."""


def demo_units() -> tuple[Unit, ...]:
    """Exempelby kommun's organisation, parents first."""
    return tuple(Unit(unit_id, name, parent) for unit_id, name, parent, _, _ in _UNITS)


def demo_directory(now: datetime, seed: int = 1, count: int = DEMO_PEOPLE) -> DemoDirectory:
    """The demo's units, the agents and ``count`` generated people, and who is away at
    ``now`` (an aware datetime), all decided by ``seed``."""
    rng = random.Random(seed)
    people = list(_agents())
    taken_emails = {p.email for p in people}
    leaf_units = [u for u in _UNITS if u[2] is not None and u[0] != "kontaktcenter"]
    heads = [u for u in _UNITS if u[2] is None]
    for n in range(count):
        unit = rng.choice(heads) if n % 25 == 0 else rng.choice(leaf_units)
        unit_ids = [unit[0]]
        if rng.random() < 0.08:  # some sit in two units (DIR1)
            other = rng.choice(leaf_units)[0]
            if other not in unit_ids:
                unit_ids.append(other)
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        extension = str(2000 + n)
        numbers = [
            PhoneNumber(NumberKind.EXTENSION, extension),
            PhoneNumber(NumberKind.DIRECT, f"+46812342{n:03d}"),
        ]
        if rng.random() < 0.7:
            numbers.append(
                PhoneNumber(
                    NumberKind.MOBILE, f"+467{rng.choice('0236')}{rng.randrange(10**7):07d}"
                )
            )
        email = _email(given, family, taken_emails)
        titles = (rng.choice(unit[3]),)
        people.append(
            Person(
                person_id=f"demo-{n + 1:04d}",
                external_id=f"EX{n + 1:04d}",
                given_name=given,
                family_name=family,
                numbers=tuple(numbers),
                email=email,
                unit_ids=tuple(unit_ids),
                room=f"{rng.choice('ABC')}{rng.randrange(1, 4)}{rng.randrange(1, 40):02d}",
                location=_location(unit[0]),
                titles=titles,
                keywords=tuple(rng.sample(unit[4], k=min(len(unit[4]), 2))),
            )
        )
    return DemoDirectory(demo_units(), tuple(people), _presences(people, now, rng))


def _agents() -> list[Person]:
    """The demo's agents, answering in the contact centre on their own extensions."""
    agents = []
    for n, (profile, _) in enumerate(demo_agents()):
        given, _, family = profile.name.partition(" ")
        agents.append(
            Person(
                person_id=f"agent-{profile.agent_id}",
                external_id=f"AG{n + 1:02d}",
                given_name=given,
                family_name=family,
                numbers=(PhoneNumber(NumberKind.EXTENSION, profile.phone),),
                email=f"{profile.agent_id}@exempelby.se",
                unit_ids=("kontaktcenter",),
                room="Växeln",
                location="Stadshuset",
                titles=("Kommunvägledare",),
                keywords=("växel", "kundtjänst"),
            )
        )
    return agents


def _email(given: str, family: str, taken: set[str]) -> str:
    base = f"{_ascii(given)}.{_ascii(family)}"
    email, number = f"{base}@exempelby.se", 2
    while email in taken:
        email, number = f"{base}{number}@exempelby.se", number + 1
    taken.add(email)
    return email


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum())


def _location(unit_id: str) -> str:
    parent = {u[0]: u[2] for u in _UNITS}
    top = unit_id
    while parent.get(top) is not None:
        top = parent[top] or top
    return _LOCATIONS.get(top, "Stadshuset")


def _presences(people: Sequence[Person], now: datetime, rng: random.Random) -> dict[str, Presence]:
    """About :data:`ABSENT_SHARE` of the generated people away, each for a reason of the
    default catalogue, since a while ago, back at a time a switchboard would say."""
    presences = {}
    weights = [share for _, share, _, _ in _ABSENCES]
    for person in people:
        if person.person_id.startswith("agent-") or rng.random() >= ABSENT_SHARE:
            continue
        reason_id, _, length, text = rng.choices(_ABSENCES, weights)[0]
        since = now - timedelta(minutes=rng.randrange(5, 120))
        until = None
        if length is not None:
            until = _rounded(now + length * (0.5 + rng.random()))
            if reason_id in ("ledig", "semester", "tjansteresa"):
                local = until.astimezone(STOCKHOLM)
                until = local.replace(hour=8, minute=0).astimezone(now.tzinfo)
            until = max(until, _rounded(now + timedelta(minutes=10)))
        presences[person.person_id] = Presence(
            reason_id=reason_id, since=since, until=until, text=text, set_by="demo"
        )
    return presences


def _rounded(moment: datetime) -> datetime:
    """To the next quarter of an hour, as people say return times ("åter 14:30")."""
    extra = (15 - moment.minute % 15) % 15
    return (moment + timedelta(minutes=extra)).replace(second=0, microsecond=0)
