"""The demo's seed (issue 9, issue 13 §8, issue 14 §9): Exempelby's tenant, queues, agents,
schedule and flow; its directory and PBX; its trunk to a local carrier; its web accounts and
API key. Each is stored once, so what is changed in the demo survives a restart.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from vaxel.directory.model import Person
from vaxel.runtime import ContactCenter
from vaxel.runtime.extensions import PhoneExtension
from vaxel.sim.demo_directory import demo_directory
from vaxel.sim.demo_tenant import (
    DEMO_SKILLS,
    DEMO_TENANT,
    MAIN_NUMBER,
    TENANT_NAME,
    demo_agents,
    demo_queues,
    demo_schedule,
)
from vaxel.store import Database, Documents, Tenant, Tenants, acd_codec, open_database
from vaxel.store.directory import DirectoryStore, ImportMode
from vaxel.store.skills import SkillCatalogue

__all__ = [
    "DEMO_API_KEY",
    "DEMO_CARRIER_PASSWORD",
    "DEMO_CARRIER_USER",
    "FLOW_FILE",
    "demo_password",
    "demo_pbx_lines",
    "demo_web_users",
    "seed_demo_accounts",
    "seed_demo_directory",
    "seed_demo_pbx",
    "seed_demo_tenant",
    "seed_demo_trunk",
    "staff_phones",
]

FLOW_FILE = Path(__file__).parents[1] / "flow" / "demo_flow.yaml"

DEMO_CARRIER_USER, DEMO_CARRIER_PASSWORD = "4610123450", "demo-carrier-secret"
"""The demo trunk's account at the demo carrier (``scripts/sipp/demo_carrier.xml``)."""


def seed_demo_trunk(database_url: str, host: str, port: int) -> None:
    """The demo tenant's trunk to a local carrier, registering with digest (issue 14 §2)."""
    from vaxel.pbx.trunks import Trunk
    from vaxel.store.pbx_trunks import TrunkStore

    trunk = Trunk(
        DEMO_TENANT,
        host,
        port,
        username=DEMO_CARRIER_USER,
        password=DEMO_CARRIER_PASSWORD,
        expires_s=600,
    )
    TrunkStore(open_database(database_url)).put_trunk(trunk, "")


def seed_demo_tenant(center: ContactCenter, database_url: str, now: float) -> None:
    """Store the demo tenant (queues, agents, schedule, flow) and configure the engine."""
    database = open_database(database_url)
    Tenants(database).add(Tenant(DEMO_TENANT, TENANT_NAME, MAIN_NUMBER))
    codec = acd_codec()
    queues = Documents(database, "queue")
    for queue in demo_queues():
        queues.put(DEMO_TENANT, queue.queue_id, queue.display_name, codec.encode(queue))
    agents = Documents(database, "agent")
    extensions = Documents(database, "extension")
    for profile, login_queues in demo_agents():
        agents.put(DEMO_TENANT, profile.agent_id, profile.name, codec.encode(profile))
        phone = PhoneExtension(
            DEMO_TENANT,
            profile.phone,
            profile.name,
            demo_password(profile.phone),
            profile.agent_id,
            login_queues,
        )
        extensions.put(DEMO_TENANT, phone.number, phone.display_name, phone.document())
    catalogue = SkillCatalogue(database)
    catalogued = catalogue.all(DEMO_TENANT)
    for skill_id, skill_name in DEMO_SKILLS.items():
        if skill_id not in catalogued:  # the agents' skills, so the skills page lists them
            catalogue.add(DEMO_TENANT, skill_id, skill_name)
    schedule = demo_schedule()
    Documents(database, "schedule").put(
        DEMO_TENANT, str(schedule["id"]), str(schedule["name"]), schedule
    )
    seed_demo_directory(database, now)
    seed_demo_pbx(database)
    if FLOW_FILE.exists():
        import yaml

        flow = yaml.safe_load(FLOW_FILE.read_text(encoding="utf-8"))
        Documents(database, "flow").put(DEMO_TENANT, "huvudflode", "Huvudflöde", flow)
    from vaxel.acd.events import AgentConfigured, QueueConfigured

    for queue in demo_queues():
        center.submit(QueueConfigured(queue), now)
    for profile, _ in demo_agents():
        center.submit(AgentConfigured(profile), now)


def seed_demo_directory(database: Database, now: float, seed: int = 1) -> None:
    """Exempelby's directory (issue 13 §8): its units, a few hundred staff and who of them
    is away at ``now`` — once, so presences set in the demo survive a restart."""
    store = DirectoryStore(database)
    if store.people(DEMO_TENANT, include_inactive=True):
        return
    directory = demo_directory(datetime.fromtimestamp(now, UTC), seed)
    store.import_people(DEMO_TENANT, directory.people, directory.units, ImportMode.REPLACE, now)
    store.set_presences(DEMO_TENANT, directory.presences)


def seed_demo_pbx(database: Database, phones: int = 10) -> None:
    """Exempelby's PBX (issue 14 §9): short numbers, direct numbers, desk phones, two
    answer groups, a conference room (1960, PIN 7391) and park orbits (1970–1979) for its
    directory people; the first ``phones`` staff members get SIP accounts (2000–2009,
    password ``demo<extension>``) so robot or soft phones can register.
    Once: a plan already stored is left as the admins changed it."""
    from vaxel.pbx.conference import ConferenceRoom
    from vaxel.sim.demo_pbx import (
        CONFERENCE_ROOM,
        demo_did_range,
        demo_groups,
        demo_numbers,
        demo_person_devices,
    )
    from vaxel.store.pbx_conference import ConferenceStore
    from vaxel.store.pbx_numbering import PbxNumbering

    pbx = PbxNumbering(database)
    if pbx.plan(DEMO_TENANT).numbers:
        return
    people = DirectoryStore(database).people(DEMO_TENANT)
    pbx.add_plan(
        DEMO_TENANT,
        demo_numbers(people),
        [demo_did_range()],
        demo_person_devices(DEMO_TENANT, people),
    )
    for group in demo_groups(DEMO_TENANT, people):
        pbx.put_group(group)
    room_id, number, name, pin = CONFERENCE_ROOM
    host = next((p.person_id for p in people if p.person_id.startswith("demo-")), "")
    ConferenceStore(database).save(ConferenceRoom(room_id, DEMO_TENANT, number, name, pin, host))
    extensions = Documents(database, "extension")
    for number, name in staff_phones(people, phones):
        phone = PhoneExtension(DEMO_TENANT, number, name, demo_password(number))
        extensions.put(DEMO_TENANT, number, name, phone.document())  # put replaces


def staff_phones(people: Sequence[Person], phones: int = 10) -> list[tuple[str, str]]:
    """(extension, name) of the staff members who get SIP accounts: the first ``phones``
    demo people by id, those with an extension."""
    staff = sorted(
        (p for p in people if p.person_id.startswith("demo-")), key=lambda p: p.person_id
    )
    return [
        (person.extension, f"{person.given_name} {person.family_name}")
        for person in staff[:phones]
        if person.extension
    ]


def demo_pbx_lines(database_url: str) -> list[str]:
    """What the demo prints about its switchboard: the PBX's own numbers and the staff
    phones that may register (Swedish, as the rest of the demo's output)."""
    from vaxel.sim.demo_pbx import CONFERENCE_ROOM, IT_GROUP, SWITCHBOARD_GROUP, VOICEMAIL_NUMBER

    people = DirectoryStore(open_database(database_url)).people(DEMO_TENANT)
    _room, room_number, room_name, pin = CONFERENCE_ROOM
    lines = [
        f"Växelns nummer: {SWITCHBOARD_GROUP[1]} Växeln och {IT_GROUP[1]} IT-support "
        f"(svarsgrupper), {room_number} konferensrummet {room_name} (PIN {pin}), "
        f"{VOICEMAIL_NUMBER} röstbrevlådan; personalens anknytningar 2000–2319, "
        "direktnummer 08-123 42 000–319",
        "Personalens telefoner (anknytning / lösenord):",
    ]
    lines += [f"  {n} / {demo_password(n)}  {name}" for n, name in staff_phones(people)]
    return lines


def demo_password(extension: str) -> str:
    """The demo extensions' SIP password (the demo listens on 127.0.0.1 only)."""
    return f"demo{extension}"


DEMO_API_KEY = "demo-api-nyckel-exempelby"
OPERATOR_QUEUES = ("vaxel",)
"""The demo's operator queue (OP1): Växel, where the main number's callers who press 0 or
choose nothing wait for the switchboard operator."""


def demo_web_users() -> list[tuple[str, str, str]]:
    """(username, password, role) of the demo's web accounts: each agent, a supervisor and
    an admin. The agents of the switchboard queue only (Växel, reached from the main number
    by 0 or by not choosing) are operators: they get the console /telefonist (issue 16 §1).
    The demo listens on 127.0.0.1 only."""
    users = [
        (
            profile.agent_id,
            demo_password(profile.phone),
            "operator" if profile.permitted_queues == OPERATOR_QUEUES else "agent",
        )
        for profile, _ in demo_agents()
    ]
    return [*users, ("chef", "demo-chef", "supervisor"), ("admin", "demo-admin", "tenant_admin")]


def seed_demo_accounts(database_url: str) -> None:
    from vaxel.store.accounts import Accounts
    from vaxel.store.api_keys import SCOPES
    from vaxel.web.passwords import PasswordHashing

    accounts = Accounts(open_database(database_url))
    hashing = PasswordHashing()
    names = {profile.agent_id: profile.name for profile, _ in demo_agents()}
    if accounts.tenant_of_key(DEMO_API_KEY) is None:
        # The README shows it creating callbacks, reading and streaming events; the demo's
        # published key changes no configuration.
        scopes = tuple(s for s in SCOPES if s != "config")
        accounts.add_api_key(
            DEMO_TENANT, "Demo: webbplatsens formulär", DEMO_API_KEY, time.time(), scopes
        )
    for username, password, role in demo_web_users():
        if accounts.find(DEMO_TENANT, username) is None:
            accounts.add_user(
                DEMO_TENANT,
                username,
                names.get(username, username.title()),
                role,
                hashing.hash(password),
                username if role in ("agent", "operator") else None,
            )
