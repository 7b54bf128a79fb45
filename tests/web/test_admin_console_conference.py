"""The console conference's limit of parties on the park admin page and over the REST API
(issue 16, OP3, spec §46): 6 by default, saved into the tenant setting the console reads at
each Alt+K (``pbx-console-conference``), out of 3–20 refused in Swedish with nothing kept,
audited, CSRF required, per tenant; keys by scope."""

from __future__ import annotations

import html
import time
from typing import Any

from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.pbx.console_conference import CONSOLE_CONFERENCE_SETTINGS, ConsoleConferenceSettings
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.directory_sources import DirectorySources

PAGE = "/admin/pbx/park"
API = "/api/v1/pbx/console-conference"
KEY = "en-nyckel-for-konferens-test"


def stored(web: Web, tenant_id: str) -> int:
    """The limit as the console's conference reads it (``conference_limit``)."""
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    sources = DirectorySources(context.database)
    return ConsoleConferenceSettings.of(
        sources.settings(tenant_id, CONSOLE_CONFERENCE_SETTINGS)
    ).max_parties


def test_the_limit_is_saved_refused_in_swedish_and_audited(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = admin.get(PAGE).text
    assert "Konferens från växelbordet" in page
    assert 'name="max_parties" min="3" max="20" required value="6"' in page
    saved = admin.post(f"{PAGE}/console-conference", data={"csrf": csrf, "max_parties": "4"})
    assert flashed(admin, saved) == ""
    assert stored(web, DEMO_TENANT) == 4
    for value, wording in (
        ("2", "3–20 deltagare"),
        ("21", "3–20 deltagare"),
        ("sex", "heltal 3–20"),
        ("", "heltal 3–20"),
    ):
        refused = admin.post(
            f"{PAGE}/console-conference", data={"csrf": csrf, "max_parties": value}
        )
        told = flashed(admin, refused)
        assert wording in told, (value, told)
    forged = admin.post(f"{PAGE}/console-conference", data={"csrf": "fel", "max_parties": "9"})
    assert forged.status_code == 403
    assert stored(web, DEMO_TENANT) == 4  # nothing refused was kept
    assert 'name="max_parties" min="3" max="20" required value="4"' in admin.get(PAGE).text
    audit = html.unescape(admin.get("/admin/audit").text)
    assert "<td>admin</td><td>Parkering ändrad</td><td>console-conference</td>" in audit
    assert stored(web, OTHER) == 6  # the other tenant keeps the default
    agent = web.client()
    agent_csrf = sign_in(agent, DEMO_TENANT, "maria")
    denied = agent.post(f"{PAGE}/console-conference", data={"csrf": agent_csrf, "max_parties": "9"})
    assert denied.status_code == 403 and stored(web, DEMO_TENANT) == 4


def test_the_limit_over_the_rest_api_by_scope_and_tenant(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", KEY, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", KEY + "-other", now, ["read", "config"])
    config, reader = {"X-API-Key": KEY}, {"X-API-Key": KEY + "-read"}
    other = {"X-API-Key": KEY + "-other"}
    client = web.client()
    assert client.get(API, headers=reader).json() == {"max_parties": 6}
    assert client.put(API, json={"max_parties": 8}, headers=reader).status_code == 403
    saved = client.put(API, json={"max_parties": 8}, headers=config)
    assert saved.status_code == 200 and saved.json() == {"max_parties": 8}
    assert stored(web, DEMO_TENANT) == 8
    for bad in ({"max_parties": 2}, {"max_parties": 21}, {"max_parties": "många"}, {}):
        assert client.put(API, json=bad, headers=config).status_code == 422, bad
    assert stored(web, DEMO_TENANT) == 8
    assert client.get(API, headers=other).json() == {"max_parties": 6}
    assert client.put(API, json={"max_parties": 3}, headers=other).status_code == 200
    assert stored(web, DEMO_TENANT) == 8 and stored(web, OTHER) == 3
