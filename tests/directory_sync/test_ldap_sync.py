"""An LDAP sync end to end (DIR5): a real slapd, the real store on SQLite and PostgreSQL.
People arrive with their units; a rename, a move and a removal in the directory server are
carried through (the removed person deactivated, not lost); a dry run changes nothing and
says what would change; an unreachable server leaves the directory as it was."""

from __future__ import annotations

from collections.abc import Iterator

import ldap3
import pytest

from tests.directory_sync.slapd import PEOPLE, ROOT_DN, ROOT_PASSWORD, SUFFIX, Slapd, people
from vaxel.directory.model import Person
from vaxel.directory_sync.service import LDAP, DirectoryService
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources

COUNT = 300


@pytest.fixture(scope="module")
def slapd() -> Iterator[Slapd]:
    server = Slapd(people(COUNT))
    yield server
    server.stop()


@pytest.fixture
def service(database_url: str, slapd: Slapd) -> DirectoryService:
    database = open_database(database_url)
    upgrade(database)
    Tenants(database).add(Tenant("exempelby", "Exempelby kommun"))
    Tenants(database).add(Tenant("grannby", "Grannby kommun"))
    sources = DirectorySources(database)
    settings = {
        "url": slapd.url,
        "base_dn": SUFFIX,
        "bind_dn": ROOT_DN,
        "password": ROOT_PASSWORD,
        "mapping": {"unit": "ou", "extension_digits": 4},
        "interval_s": 900,
    }
    sources.put_settings("exempelby", LDAP, settings, 0.0)
    return DirectoryService(DirectoryStore(database), sources)


def _by_uid(found: list[Person]) -> dict[str, Person]:
    return {p.email.split("@")[0]: p for p in found}


def test_a_sync_brings_people_in_and_carries_renames_moves_and_removals(
    service: DirectoryService, slapd: Slapd
) -> None:
    first = service.sync_ldap("exempelby", 1000.0)
    assert first.ok and first.counts["added"] == COUNT and first.counts["units_added"] > 0
    stored = _by_uid(service.directory.people("exempelby"))
    assert len(stored) == COUNT and service.directory.people("grannby") == []
    karin = stored["p00000"]
    expected = people(COUNT)[0]
    assert (karin.given_name, karin.family_name) == (expected.given, expected.family)
    assert karin.extension == expected.number.replace(" ", "")[-4:]

    admin = ldap3.Connection(slapd.url, ROOT_DN, ROOT_PASSWORD, auto_bind=True)
    try:
        admin.modify(f"uid=p00001,{PEOPLE}", {"sn": [(ldap3.MODIFY_REPLACE, ["Zetterberg-Öst"])]})
        admin.modify(f"uid=p00002,{PEOPLE}", {"ou": [(ldap3.MODIFY_REPLACE, ["Kultur/Bibliotek"])]})
        admin.modify_dn(f"uid=p00003,{PEOPLE}", "uid=p00003", new_superior=f"ou=former,{SUFFIX}")
        admin.delete(f"uid=p00004,{PEOPLE}")

        dry = service.sync_ldap("exempelby", 2000.0, dry_run=True)
        assert dry.ok and dry.dry_run
        assert (dry.counts["renamed"], dry.counts["moved"], dry.counts["deactivated"]) == (1, 1, 1)
        assert any("Zetterberg-Öst" in line for line in dry.changes)
        assert _by_uid(service.directory.people("exempelby")) == stored  # nothing changed

        second = service.sync_ldap("exempelby", 3000.0)
        assert second.counts["unchanged"] == COUNT - 3  # the moved-OU person is the same one
        after = _by_uid(service.directory.people("exempelby", include_inactive=True))
        assert after["p00001"].family_name == "Zetterberg-Öst"
        assert after["p00001"].person_id == stored["p00001"].person_id
        assert after["p00002"].unit_ids == ("kultur--bibliotek",)
        assert "kultur" in {u.unit_id for u in service.directory.units("exempelby")}
        assert after["p00003"] == stored["p00003"]
        assert not after["p00004"].active  # deactivated, not lost
        assert "p00004" not in _by_uid(service.directory.people("exempelby"))
        assert service.sources.report("exempelby", LDAP)["counts"]["deactivated"] == 1
    finally:
        admin.modify(
            f"uid=p00001,{PEOPLE}", {"sn": [(ldap3.MODIFY_REPLACE, [people(COUNT)[1].family])]}
        )
        admin.modify(
            f"uid=p00002,{PEOPLE}", {"ou": [(ldap3.MODIFY_REPLACE, [people(COUNT)[2].unit])]}
        )
        admin.modify_dn(f"uid=p00003,ou=former,{SUFFIX}", "uid=p00003", new_superior=PEOPLE)
        p = people(COUNT)[4]
        admin.add(
            p.dn,
            ["inetOrgPerson"],
            {
                "cn": f"{p.given} {p.family}",
                "givenName": p.given,
                "sn": p.family,
                "telephoneNumber": p.number,
                "mail": f"{p.uid}@exempelby.se",
                "ou": p.unit,
            },
        )
        admin.unbind()


def test_an_unreachable_server_keeps_the_directory_and_reports_why(
    service: DirectoryService, slapd: Slapd
) -> None:
    assert service.sync_ldap("exempelby", 1000.0).ok
    before = service.directory.people("exempelby")
    settings = service.sources.settings("exempelby", LDAP) or {}
    service.sources.put_settings("exempelby", LDAP, {**settings, "url": "ldap://127.0.0.1:9"}, 1.0)
    failed = service.sync_ldap("exempelby", 2000.0)
    assert not failed.ok and failed.error_code == "directory-source-unreachable"
    assert service.directory.people("exempelby") == before
    assert service.sources.report("exempelby", LDAP)["error_code"] == "directory-source-unreachable"

    service.sources.put_settings("exempelby", LDAP, {**settings, "password": "fel"}, 2.0)
    refused = service.sync_ldap("exempelby", 3000.0)
    assert refused.error_code == "directory-source-refused" and "credentials" in refused.error
    assert service.directory.people("exempelby") == before
