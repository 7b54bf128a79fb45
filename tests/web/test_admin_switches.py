"""Lavinbesked switches on the admin page and over REST (IVR4, issue 14 §7): switched on
and off with CSRF, written to the audit log, the keypad number shown, scopes and another
organisation's switches never reached."""

from __future__ import annotations

import html
import time
from datetime import UTC, datetime

from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.core.clock import to_local
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
        ("driftstorning", 1, False),
        ("nattservice", 2, False),
        ("telefonistmeny", 3, False),
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


def _local(epoch: float) -> str:
    return f"{to_local(epoch):%Y-%m-%dT%H:%M}"


def _window(web: Web) -> tuple[float, float]:
    context = web.app.state.context  # type: ignore[attr-defined]
    switch = FlowSwitches(context.configuration, time.time).listed(DEMO_TENANT)[0]
    return switch.on_from, switch.off_at


def test_an_admin_schedules_a_lavinbesked_in_stockholm_time(web: Web) -> None:
    """IVR4 "scheduled": a window given in local time is stored as those instants, shown and
    audited; a window ending before it starts, one already past and a time that is no time
    are refused in Swedish with nothing stored; no CSRF, no change."""
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "admin")
    start = (int(time.time()) // 60 + 60) * 60  # a whole minute, an hour ahead
    end = start + 7200
    form = {"name": "driftstorning", "on_from": _local(start), "off_at": _local(end)}
    refused = client.post("/admin/brytare/schema", data=form)
    assert refused.status_code == 403 and _window(web) == (0.0, 0.0)
    done = client.post("/admin/brytare/schema", data={**form, "csrf": csrf})
    assert flashed(client, done) == ""
    assert _window(web) == (float(start), float(end))
    page = html.unescape(client.get("/admin/brytare").text)
    assert 'data-switch="driftstorning" data-on="false" data-active="false"' in page
    assert f"{to_local(start):%H:%M}" in page and f"{to_local(end):%H:%M}" in page
    audit = html.unescape(client.get("/admin/audit").text)
    assert f"schemalagd {to_local(start):%Y-%m-%d %H:%M}" in audit

    for on_from, off_at, wording in (
        (_local(end), _local(start), "Fönstret måste sluta efter att det börjar"),
        (_local(start - 86400), _local(start - 80000), "Fönstret har redan passerat"),
        ("i morgon", _local(end), "Skriv tiden som ÅÅÅÅ-MM-DD TT:MM"),
        (_local(start), _local(start + 400 * 86400), "högst 366 dagar fram"),
    ):
        bad = {"name": "driftstorning", "on_from": on_from, "off_at": off_at, "csrf": csrf}
        assert wording in flashed(client, client.post("/admin/brytare/schema", data=bad))
        assert _window(web) == (float(start), float(end)), "a refusal stores nothing"

    now_on = {**form, "on_from": _local(start - 7200), "csrf": csrf}  # already started
    assert flashed(client, client.post("/admin/brytare/schema", data=now_on)) == ""
    page = html.unescape(client.get("/admin/brytare").text)
    assert 'data-on="false" data-active="true"' in page and "Påslaget enligt schema" in page


def test_a_window_over_rest(web: Web) -> None:
    web.accounts.add_api_key(DEMO_TENANT, "kris", KEY, time.time(), ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", time.time(), ["read"])
    config, reader = {"X-API-Key": KEY}, {"X-API-Key": KEY + "-read"}
    client = web.client()
    start = int(time.time()) + 3600
    body = {
        "on_from": datetime.fromtimestamp(start, UTC).isoformat(),
        "off_at": datetime.fromtimestamp(start + 600, UTC).isoformat(),
    }
    url = "/api/v1/flow-switches/driftstorning/window"
    assert client.put(url, json=body, headers=reader).status_code == 403
    done = client.put(url, json=body, headers=config)
    assert done.status_code == 200, done.text
    assert done.json()["active"] is False and done.json()["on"] is False
    assert _window(web) == (float(start), float(start + 600))
    listed = client.get("/api/v1/flow-switches", headers=reader).json()[0]
    assert datetime.fromisoformat(listed["off_at"]).timestamp() == start + 600
    naive = {"on_from": _local(start - 7200), "off_at": _local(start + 60)}  # Stockholm time
    assert client.put(url, json=naive, headers=config).json()["active"] is True
    backwards = {"on_from": body["off_at"], "off_at": body["on_from"]}
    refused = client.put(url, json=backwards, headers=config)
    assert refused.status_code == 409 and refused.json()["code"] == "switch-window-order"
