"""The directory's sources in the admin pages (issue 13 §3–4, §6): LDAP settings checked by
field, "Testa anslutning" against a real slapd (the count when it works, the reason when it
does not), a dry run listing the changes, "Synkronisera nu", and people's calendars."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.directory_sync.slapd import ROOT_DN, ROOT_PASSWORD, SUFFIX, Slapd, people
from tests.web.conftest import Web, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources

PAGE = "/admin/directory"


@pytest.fixture(scope="module")
def slapd() -> Iterator[Slapd]:
    server = Slapd(people(30))
    yield server
    server.stop()


def _form(slapd: Slapd, **changes: str) -> dict[str, str]:
    return {
        "url": slapd.url,
        "base_dn": SUFFIX,
        "bind_dn": ROOT_DN,
        "password": ROOT_PASSWORD,
        "map_unit": "ou",
        "interval_min": "60",
        "enabled": "1",
        **changes,
    }


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found
    return found.group(1)


def test_test_connection_dry_run_and_sync_now(web: Web, slapd: Slapd) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    tested = client.post(f"{PAGE}/ldap", data={"csrf": csrf, "action": "test", **_form(slapd)})
    assert tested.status_code == 200
    assert "Anslutningen fungerar: 30 personer hittades" in tested.text
    page = client.get(PAGE).text
    assert ROOT_PASSWORD not in page and "sparat; lämna tomt" in page  # never shown back

    dry = client.post(
        f"{PAGE}/ldap", data={"csrf": csrf, "action": "dry-run", **_form(slapd, password="")}
    )
    assert dry.status_code == 200 and dry.text.count("<li>+ ") >= 30  # the kept password works
    store = DirectoryStore(web.app.state.context.database)  # type: ignore[attr-defined]
    before = len(store.people(DEMO_TENANT))
    synced = client.post(f"{PAGE}/ldap", data={"csrf": csrf, "action": "sync", **_form(slapd)})
    assert synced.status_code == 200
    assert len(store.people(DEMO_TENANT)) == before + 30
    found = client.get("/katalog/sok", params={"q": people(30)[5].family})
    assert "ldap-" in found.text  # the pages see the synced people at once


def test_unreachable_and_wrong_settings_are_said_in_swedish(web: Web, slapd: Slapd) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    dead = client.post(
        f"{PAGE}/ldap",
        data={"csrf": csrf, "action": "test", **_form(slapd, url="ldap://127.0.0.1:9")},
    )
    assert "Anslutningen fungerar inte: Servern svarade inte" in dead.text
    wrong = client.post(
        f"{PAGE}/ldap", data={"csrf": csrf, "action": "save", **_form(slapd, url="http://ad")}
    )
    assert wrong.status_code == 303
    shown = client.get(PAGE).text
    assert "url: ska vara ldap://" in shown and 'value="http://ad"' in shown  # refilled
    sources = DirectorySources(web.app.state.context.database)  # type: ignore[attr-defined]
    assert sources.settings(DEMO_TENANT, "ldap")["url"] == "ldap://127.0.0.1:9"  # type: ignore[index]


def test_calendars_are_added_and_removed_and_others_refused(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    added = client.post(
        f"{PAGE}/calendars",
        data={"csrf": csrf, "person_id": "agent-maria", "url": "https://kal.exempelby.se/maria/"},
    )
    assert added.status_code == 303
    assert "https://kal.exempelby.se/maria/" in client.get(PAGE).text
    assert (
        client.post(
            f"{PAGE}/calendars", data={"csrf": csrf, "person_id": "finns-inte", "url": "https://x/"}
        ).status_code
        == 404
    )
    client.post(f"{PAGE}/calendars/agent-maria", data={"csrf": csrf})
    assert "https://kal.exempelby.se/maria/" not in client.get(PAGE).text
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "maria")
    assert agent.get(PAGE).status_code == 403
