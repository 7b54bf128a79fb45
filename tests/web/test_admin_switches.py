"""Lavinbesked switches on the admin page and over REST (IVR4, issue 14 §7): switched on
and off with CSRF, written to the audit log, the keypad number shown, scopes and another
organisation's switches never reached."""

from __future__ import annotations

import html
import time

from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.sim.demo_tenant import DEMO_TENANT

KEY = "en-nyckel-for-brytarna-test"


def _on(web: Web, tenant: str = DEMO_TENANT) -> frozenset[str]:
    context = web.app.state.context  # type: ignore[attr-defined]
    return FlowSwitches(context.configuration, time.time).store.on(tenant)


def test_an_admin_switches_the_lavinbesked_on_and_off(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    page = html.unescape(client.get("/admin/brytare").text)
    assert 'data-switch="driftstorning" data-on="false"' in page
    assert "*96*nummer#" in page
    refused = client.post("/admin/brytare", data={"name": "driftstorning", "on": "1"})
    assert refused.status_code == 403 and _on(web) == frozenset(), "no CSRF token, no change"
    switched = client.post(
        "/admin/brytare", data={"name": "driftstorning", "on": "1", "csrf": csrf}
    )
    assert flashed(client, switched) == ""
    assert _on(web) == frozenset({"driftstorning"})
    page = html.unescape(client.get("/admin/brytare").text)
    assert 'data-switch="driftstorning" data-on="true"' in page and "(admin)" in page
    audit = html.unescape(client.get("/admin/audit").text)
    assert "Brytare ändrad" in audit and "driftstorning" in audit and "påslagen" in audit
    off = client.post("/admin/brytare", data={"name": "driftstorning", "on": "0", "csrf": csrf})
    assert flashed(client, off) == "" and _on(web) == frozenset()
    unknown = client.post("/admin/brytare", data={"name": "finns-inte", "on": "1", "csrf": csrf})
    assert unknown.status_code == 404 and "Det finns ingen sådan brytare" in unknown.text


def test_an_agent_may_not_switch(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "chef")  # a supervisor: no admin
    response = client.post(
        "/admin/brytare", data={"name": "driftstorning", "on": "1", "csrf": csrf}
    )
    assert response.status_code == 403 and _on(web) == frozenset()


def test_switches_over_rest(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "kris", KEY, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", KEY + "-other", now, ["read", "config"])
    config, reader = {"X-API-Key": KEY}, {"X-API-Key": KEY + "-read"}
    other = {"X-API-Key": KEY + "-other"}
    client = web.client()
    listed = client.get("/api/v1/flow-switches", headers=reader)
    assert listed.status_code == 200
    assert [(s["name"], s["number"], s["on"]) for s in listed.json()] == [
        ("driftstorning", 1, False)
    ]
    body = {"on": True}
    assert (
        client.put("/api/v1/flow-switches/driftstorning", json=body, headers=reader).status_code
        == 403
    )
    assert (
        client.put("/api/v1/flow-switches/driftstorning", json=body, headers=other).status_code
        == 404
    )
    assert _on(web) == frozenset() and _on(web, OTHER) == frozenset()
    switched = client.put("/api/v1/flow-switches/driftstorning", json=body, headers=config)
    assert switched.status_code == 200, switched.text
    assert switched.json()["on"] is True and switched.json()["changed_by"] == "api"
    assert _on(web) == frozenset({"driftstorning"})
    unknown = client.put("/api/v1/flow-switches/okand", json=body, headers=config)
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown-switch"
    assert (
        client.put(
            "/api/v1/flow-switches/driftstorning", json={"on": "kanske"}, headers=config
        ).status_code
        == 422
    )
