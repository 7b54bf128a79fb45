"""API keys are scoped, expire and can be revoked (issue 10 §12).

A key made for the website's callback form once read every contact; now each route asks
for its scope: callbacks:create for POST /api/v1/callbacks, read for the GETs, events for
the event stream. An expired or revoked key is refused like an unknown one (401).
"""

from __future__ import annotations

import re
import time

from tests.web.conftest import Web, sign_in
from vaxel.demo import DEMO_API_KEY, seed_demo_accounts
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.api_keys import SCOPES, ApiKeys, key_id_of

FORM = {"queue": "kundtjanst", "number": "070-123 45 67"}


def test_a_website_form_key_creates_callbacks_and_reads_nothing(web: Web) -> None:
    web.accounts.add_api_key(
        DEMO_TENANT, "webbplatsen", "formular", time.time(), ["callbacks:create"]
    )
    web.accounts.add_api_key(DEMO_TENANT, "crm", "lasare", time.time(), ["read"])
    client = web.client()
    form_key, reader = {"X-API-Key": "formular"}, {"X-API-Key": "lasare"}
    created = client.post("/api/v1/callbacks", headers=form_key, json=FORM)
    assert created.status_code == 201, created.text
    one = f"/api/v1/callbacks/{created.json()['id']}"
    for path in ("/api/v1/contacts", "/api/v1/callbacks", one, "/api/v1/queues", "/api/v1/events"):
        refused = client.get(path, headers=form_key)
        assert refused.status_code == 403, path
        assert "read" in refused.text or "events" in refused.text
        assert "+46701234567" not in refused.text
    assert client.get("/api/v1/callbacks", headers=reader).json()[0]["number"] == "+46701234567"
    assert client.post("/api/v1/callbacks", headers=reader, json=FORM).status_code == 403
    assert client.get("/api/v1/events", headers=reader).status_code == 403


def test_an_expired_or_revoked_key_is_refused(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "gammal", "utgangen", now - 86400, expires_at=now - 1)
    web.accounts.add_api_key(DEMO_TENANT, "läckt", "aterkallad", now)
    client = web.client()
    assert client.get("/api/v1/queues", headers={"X-API-Key": "aterkallad"}).status_code == 200
    assert ApiKeys(web.center.database).revoke(DEMO_TENANT, key_id_of("aterkallad"), now)
    for key in ("utgangen", "aterkallad"):
        for method, path in (("GET", "/api/v1/queues"), ("POST", "/api/v1/callbacks")):
            response = client.request(method, path, headers={"X-API-Key": key}, json=FORM)
            assert response.status_code == 401, (key, path)


def test_the_last_use_is_written_at_most_once_a_minute(web: Web) -> None:
    keys = ApiKeys(web.center.database)
    keys.add(DEMO_TENANT, "crm", "nyckel", 1000.0, ["read"])
    assert keys.authenticate("nyckel", 1010.0) is not None
    assert keys.authenticate("nyckel", 1069.0) is not None  # within the minute: no write
    assert [k.last_used_at for k in keys.all(DEMO_TENANT)] == [1010.0]
    keys.authenticate("nyckel", 1070.0)
    assert [k.last_used_at for k in keys.all(DEMO_TENANT)] == [1070.0]
    assert (
        keys.authenticate(
            "nyckel",
            1071.0,
        )
        is not None
    )
    assert keys.revoke(DEMO_TENANT, key_id_of("nyckel"), 1080.0)
    assert keys.authenticate("nyckel", 1090.0) is None
    assert not keys.revoke(DEMO_TENANT, key_id_of("nyckel"), 1100.0)  # revoked already


def test_an_admin_creates_lists_and_revokes_keys_on_the_admin_page(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    assert "/admin/api-keys" in client.get("/admin").text
    form = {"name": "Webbplatsen", "scopes": ["callbacks:create"], "expires": "2099-12-31"}
    assert client.post("/admin/api-keys", data=form).status_code == 403  # no CSRF token
    assert ApiKeys(web.center.database).all(DEMO_TENANT) == []
    page = client.post("/admin/api-keys", data=form | {"csrf": csrf})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    key = re.search(r'<code id="new-key">([^<]+)</code>', page.text).group(1)  # type: ignore[union-attr]
    assert (
        client.post("/api/v1/callbacks", headers={"X-API-Key": key}, json=FORM).status_code == 201
    )
    assert client.get("/api/v1/contacts", headers={"X-API-Key": key}).status_code == 403
    listed = client.get("/admin/api-keys").text
    assert key not in listed  # shown once only
    assert key_id_of(key) in listed and "Webbplatsen" in listed and "2099-12-31" in listed
    assert "Skapa återuppringningar" in listed and "Aktiv" in listed
    revoke = f"/admin/api-keys/{key_id_of(key)}/revoke"
    assert client.post(revoke).status_code == 403  # no CSRF token
    assert client.post(revoke, data={"csrf": csrf}).status_code == 303
    assert (
        client.post("/api/v1/callbacks", headers={"X-API-Key": key}, json=FORM).status_code == 401
    )
    assert "Återkallad" in client.get("/admin/api-keys").text
    again = client.post(revoke, data={"csrf": csrf})
    assert "Ingen aktiv API-nyckel med det id:t" in client.get(again.headers["location"]).text
    typed = {"name": "Ärendesystemet", "scopes": ["read"], "expires": "i morgon", "csrf": csrf}
    refused = client.post("/admin/api-keys", data=typed).text
    assert "Sista giltiga dag: skriv datumet som ÅÅÅÅ-MM-DD" in refused
    assert 'value="Ärendesystemet"' in refused and 'value="i morgon"' in refused
    assert 'value="read" checked' in refused and 'value="events" checked' not in refused
    refused = client.post("/admin/api-keys", data={"name": "x", "csrf": csrf}).text
    assert "Behörigheter: välj minst en" in refused
    assert len(ApiKeys(web.center.database).all(DEMO_TENANT)) == 1


def test_the_demo_key_does_what_the_readme_shows(web: Web) -> None:
    """The demo prints its key for the website form, the lists and the event stream; the
    published key changes no configuration (no ``config`` scope)."""
    seed_demo_accounts(web.center.database.url.render_as_string(hide_password=False))
    found = ApiKeys(web.center.database).find(DEMO_API_KEY)
    assert found is not None and found.scopes == tuple(s for s in SCOPES if s != "config")
    client, key = web.client(), {"X-API-Key": DEMO_API_KEY}
    assert client.post("/api/v1/callbacks", headers=key, json=FORM).status_code == 201
    for path in ("/api/v1/callbacks", "/api/v1/contacts", "/api/v1/queues", "/api/v1/agents"):
        assert client.get(path, headers=key).status_code == 200, path
