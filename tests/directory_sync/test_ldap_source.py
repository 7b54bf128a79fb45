"""Reading people from a real slapd (DIR5): every entry across pages, a stable id that
survives renames and moves, and clear refusals for a wrong password, base DN or server."""

from __future__ import annotations

import socket

import ldap3
import pytest

from tests.directory_sync.slapd import GROUPS, PEOPLE, ROOT_DN, ROOT_PASSWORD, SUFFIX, Slapd, people
from vaxel.directory_sync.ldap_source import (
    LdapServer,
    SourceRefused,
    SourceUnreachable,
    check_connection,
    fetch_entries,
)

ATTRIBUTES = ["givenName", "sn", "telephoneNumber", "mobile", "mail", "ou", "title", "memberOf"]


@pytest.fixture(scope="module")
def slapd():
    server = Slapd(people(1200))
    yield server
    server.stop()


def _server(slapd: Slapd, **changes: object) -> LdapServer:
    settings: dict[str, object] = {
        "url": slapd.url,
        "base_dn": SUFFIX,
        "bind_dn": ROOT_DN,
        "password": ROOT_PASSWORD,
        "timeout_s": 5,
    }
    settings.update(changes)
    return LdapServer(**settings)  # type: ignore[arg-type]


def test_every_entry_is_read_across_pages_with_its_attributes(slapd: Slapd) -> None:
    entries = fetch_entries(_server(slapd), ATTRIBUTES)
    assert len(entries) == 1200  # more than two pages of 500
    assert len({e.entry_id for e in entries}) == 1200
    first = next(e for e in entries if e.dn == f"uid=p00000,{PEOPLE}")
    expected = people(1200)[0]
    assert first.first("givenName") == expected.given
    assert first.first("sn") == expected.family
    assert first.first("telephoneNumber") == expected.number
    assert first.all("memberOf") == tuple(f"cn={g},{GROUPS}" for g in expected.groups)


def test_the_id_survives_a_rename_and_a_move(slapd: Slapd) -> None:
    before = {e.dn: e.entry_id for e in fetch_entries(_server(slapd), ATTRIBUTES)}
    admin = ldap3.Connection(slapd.url, ROOT_DN, ROOT_PASSWORD, auto_bind=True)
    try:
        assert admin.modify_dn(f"uid=p00001,{PEOPLE}", "uid=p00001-renamed")
        assert admin.modify_dn(
            f"uid=p00001-renamed,{PEOPLE}", "uid=p00001-renamed", new_superior=f"ou=former,{SUFFIX}"
        )
        after = {e.dn: e.entry_id for e in fetch_entries(_server(slapd), ATTRIBUTES)}
        assert after[f"uid=p00001-renamed,ou=former,{SUFFIX}"] == before[f"uid=p00001,{PEOPLE}"]
    finally:
        admin.modify_dn(f"uid=p00001-renamed,ou=former,{SUFFIX}", "uid=p00001", new_superior=PEOPLE)
        admin.unbind()


def test_the_filter_and_base_limit_what_is_read(slapd: Slapd) -> None:
    only = fetch_entries(
        _server(slapd, search_filter="(memberOf=cn=socialjour,ou=groups,dc=exempelby,dc=se)"),
        ATTRIBUTES,
    )
    assert only and all(f"cn=socialjour,{GROUPS}" in e.all("memberOf") for e in only)
    assert len(only) == sum("socialjour" in p.groups for p in people(1200))


def test_check_connection_counts_what_the_filter_finds(slapd: Slapd) -> None:
    assert check_connection(_server(slapd)) > 0


def test_a_wrong_password_is_refused_and_says_so(slapd: Slapd) -> None:
    with pytest.raises(SourceRefused) as refused:
        fetch_entries(_server(slapd, password="fel"), ATTRIBUTES)
    assert refused.value.code == "directory-source-refused"
    assert "credentials" in refused.value.reason


def test_a_missing_base_dn_is_refused(slapd: Slapd) -> None:
    with pytest.raises(SourceRefused):
        fetch_entries(_server(slapd, base_dn="ou=finnsinte,dc=exempelby,dc=se"), ATTRIBUTES)


def test_a_server_that_is_not_there_is_unreachable_within_the_timeout() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = LdapServer(f"ldap://127.0.0.1:{port}", SUFFIX, ROOT_DN, ROOT_PASSWORD, timeout_s=2)
    with pytest.raises(SourceUnreachable) as unreachable:
        fetch_entries(server, ATTRIBUTES)
    assert unreachable.value.code == "directory-source-unreachable"


def test_a_url_that_is_not_ldap_is_refused() -> None:
    with pytest.raises(SourceRefused):
        check_connection(LdapServer("http://127.0.0.1:1", SUFFIX))
