"""A real OpenLDAP server (Debian's slapd) on 127.0.0.1 for the sync tests and benchmark.

Each server gets a temporary configuration (mdb database, the memberof overlay as Active
Directory has it), is loaded offline with ``slapadd`` (10,000 entries in about a second) and
then serves on a free port until stopped. Entries are generated: Swedish names, numbers,
units and groups, deterministic for a seed.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.directory_sync.processes import free_port, stop, wait_for_port

SUFFIX = "dc=exempelby,dc=se"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "hemligt-test"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"

GIVEN = (
    "Karin",
    "Anna",
    "Lars",
    "Erik",
    "Maria",
    "Johan",
    "Eva",
    "Per",
    "Kristina",
    "Mikael",
    "Sara",
    "Anders",
    "Lena",
    "Björn",
    "Åsa",
    "Göran",
    "Ingrid",
    "Oskar",
    "Elin",
    "Nils",
)
FAMILY = (
    "Carlsson",
    "Karlsson",
    "Lindqvist",
    "Lindquist",
    "Sjöberg",
    "Andersson",
    "Nilsson",
    "Eriksson",
    "Johansson",
    "Zetterberg",
    "Kjellberg",
    "Öberg",
    "Svensson",
    "Holm",
)
UNITS = (
    "Samhällsbyggnad/Bygglov",
    "Samhällsbyggnad/Miljö",
    "Socialtjänst/Socialjour",
    "Barn och utbildning",
    "Kommunledning",
)
GROUP_NAMES = ("bygglov", "socialjour", "chefer", "vaxel")


@dataclass(frozen=True, slots=True)
class Person:
    uid: str
    given: str
    family: str
    number: str
    mobile: str
    unit: str
    title: str
    room: str
    groups: tuple[str, ...]

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"


def people(count: int, seed: int = 7) -> list[Person]:
    chance = random.Random(seed)
    result = []
    for i in range(count):
        result.append(
            Person(
                uid=f"p{i:05d}",
                given=chance.choice(GIVEN),
                family=chance.choice(FAMILY),
                number=f"+46 10 123 {20 + i // 100:02d} {i % 100:02d}",
                mobile=f"+46 70 {100 + i // 1000:03d} {i % 1000:03d} 00"[:17],
                unit=chance.choice(UNITS),
                title=chance.choice(
                    (
                        "Handläggare",
                        "Enhetschef",
                        "Bygglovshandläggare",
                        "Socialsekreterare",
                        "Telefonist",
                    )
                ),
                room=f"B{chance.randint(1, 40)}",
                groups=tuple(sorted(chance.sample(GROUP_NAMES, chance.randint(0, 2)))),
            )
        )
    return result


def _ldif(persons: list[Person]) -> str:
    blocks = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: exempelby\n"
        "o: Exempelby kommun\n",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: ou=former,{SUFFIX}\nobjectClass: organizationalUnit\nou: former\n",
    ]
    for p in persons:
        lines = [
            f"dn: {p.dn}",
            "objectClass: inetOrgPerson",
            f"uid: {p.uid}",
            f"cn: {p.given} {p.family}",
            f"givenName: {p.given}",
            f"sn: {p.family}",
            f"telephoneNumber: {p.number}",
            f"mobile: {p.mobile}",
            f"mail: {p.uid}@exempelby.se",
            f"ou: {p.unit}",
            f"title: {p.title}",
            f"physicalDeliveryOfficeName: {p.room}",
            *(f"memberOf: cn={g},{GROUPS}" for g in p.groups),
        ]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


class Slapd:
    """One slapd process with its own folder; ``url`` while running."""

    def __init__(self, persons: list[Person]) -> None:
        if shutil.which("slapd") is None or shutil.which("slapadd") is None:
            raise RuntimeError("slapd is not installed: run scripts/system-packages.sh")
        self.folder = Path(tempfile.mkdtemp(prefix="vaxel-slapd-"))
        (self.folder / "db").mkdir()
        self.config = self.folder / "slapd.conf"
        self.config.write_text(
            "\n".join(
                [
                    *(
                        f"include /etc/ldap/schema/{s}.schema"
                        for s in ("core", "cosine", "inetorgperson", "nis")
                    ),
                    "modulepath /usr/lib/ldap",
                    "moduleload back_mdb",
                    "moduleload memberof",
                    f"pidfile {self.folder}/slapd.pid",
                    "database mdb",
                    f'suffix "{SUFFIX}"',
                    f'rootdn "{ROOT_DN}"',
                    f"rootpw {ROOT_PASSWORD}",
                    f"directory {self.folder}/db",
                    "maxsize 268435456",
                    "sizelimit unlimited",
                    "overlay memberof",
                    "",
                ]
            )
        )
        data = self.folder / "data.ldif"
        data.write_text(_ldif(persons), encoding="utf-8")
        subprocess.run(
            ["slapadd", "-q", "-f", str(self.config), "-l", str(data)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            ["slapd", "-f", str(self.config), "-h", f"{self.url}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process, 10, self.stop)

    def stop(self) -> None:
        stop(self.process, self.folder)
