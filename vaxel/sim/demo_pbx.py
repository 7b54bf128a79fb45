"""The demo tenant's PBX (issue 14 §9): every directory person with an extension has it as
their short number and desk phone, the staff's direct numbers (+46 8 123 42 000–319) reach
their extensions (2000–2319), two answer groups: the switchboard (Växeln, 1900,
everyone at once) and the IT support (IT-support, 1901, one after another), the
voicemail number 1980 (one's own mailbox from one's own phone, PBX4) and ten park orbits
(1970–1979, OP3).

Deterministic and pure: the seed writes what these functions return.
"""

from __future__ import annotations

from collections.abc import Sequence

from vaxel.directory.model import Person
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.pbx.numbering import MAILBOX_MENU, DidRange, Target, TargetKind

__all__ = [
    "DEMO_DID_RANGE",
    "VOICEMAIL_NUMBER",
    "demo_groups",
    "demo_numbers",
    "demo_person_devices",
]

DEMO_DID_RANGE = ("+46812342000", "+46812342319", "2000")
SWITCHBOARD_GROUP, IT_GROUP = ("vaxeln", "1900"), ("it-support", "1901")
CONFERENCE_ROOM = ("ledningsgruppen", "1960", "Ledningsgruppen", "7391")
"""The demo's conference room (PBX6): id, short number, name, PIN."""
VOICEMAIL_NUMBER = "1980"
"""The demo's voicemail number: the mailbox menu (PBX4)."""
PARK_ORBITS = tuple(str(n) for n in range(1970, 1980))
"""The demo's park orbits (OP3): short numbers in its plan."""


def _extension(person: Person) -> str | None:
    return person.extension


def demo_numbers(people: Sequence[Person]) -> list[tuple[str, Target]]:
    """Short numbers: each person's extension, the two groups', the conference room's and
    the voicemail number and the park orbits."""
    numbers = [
        (extension, Target(TargetKind.PERSON, person.person_id))
        for person in people
        if (extension := _extension(person)) is not None
    ]
    numbers.append((SWITCHBOARD_GROUP[1], Target(TargetKind.GROUP, SWITCHBOARD_GROUP[0])))
    numbers.append((IT_GROUP[1], Target(TargetKind.GROUP, IT_GROUP[0])))
    numbers.append((CONFERENCE_ROOM[1], Target(TargetKind.CONFERENCE, CONFERENCE_ROOM[0])))
    numbers.append((VOICEMAIL_NUMBER, Target(TargetKind.VOICEMAIL, MAILBOX_MENU)))
    numbers += [(orbit, Target(TargetKind.PARK_ORBIT, orbit)) for orbit in PARK_ORBITS]
    return numbers


def demo_did_range() -> DidRange:
    return DidRange.parse(*DEMO_DID_RANGE)


def demo_person_devices(tenant_id: str, people: Sequence[Person]) -> list[PersonDevices]:
    """Each person's desk phone: the SIP extension of their short number."""
    return [
        PersonDevices(
            tenant_id,
            person.person_id,
            (Device(DeviceKind.SIP, extension, label="Bordstelefon"),),
            display_name=f"{person.given_name} {person.family_name}",
        )
        for person in people
        if (extension := _extension(person)) is not None
    ]


def demo_groups(tenant_id: str, people: Sequence[Person]) -> list[AnswerGroup]:
    """The switchboard's agents answer Växeln; three staff members the IT support."""
    agents = sorted(p.person_id for p in people if p.person_id.startswith("agent-"))[:4]
    staff = sorted(p.person_id for p in people if p.person_id.startswith("demo-"))[:3]
    return [
        AnswerGroup(
            tenant_id,
            SWITCHBOARD_GROUP[0],
            "Växeln",
            GroupStrategy.RING_ALL,
            tuple(GroupMember(p) for p in agents),
        ),
        AnswerGroup(
            tenant_id,
            IT_GROUP[0],
            "IT-support",
            GroupStrategy.IN_ORDER,
            tuple(GroupMember(p, logged_in=i < 2) for i, p in enumerate(staff)),
        ),
    ]
