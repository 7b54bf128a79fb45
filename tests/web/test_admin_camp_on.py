"""Camp-on's tenant settings on the park admin page (issue 16 §3, OP4): how long a camped
call waits before it comes back to the operator and how many calls one extension holds —
120 s and 3 by default, saved into the settings telephony reads at each camp-on, out of
range refused in Swedish, audited, CSRF required, per tenant; the same over the REST API
for keys by scope."""

from __future__ import annotations

import time
from typing import Any

from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.pbx.camp_on import CAMP_ON_SETTINGS, CampOnSettings
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.directory_sources import DirectorySources

PAGE = "/admin/pbx/park"
KEY = "en-nyckel-for-vantkoppling-test"


def stored(web: Web, tenant_id: str) -> CampOnSettings:
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    return CampOnSettings.of(
        DirectorySources(context.database).settings(tenant_id, CAMP_ON_SETTINGS)
    )


def test_camp_on_settings_are_saved_refused_in_swedish_and_audited(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = admin.get(PAGE).text
    assert "Väntkoppling hos upptagen anknytning" in page
    assert 'name="wait_s" min="10" max="1800" required value="120"' in page
    saved = admin.post(
        f"{PAGE}/camp-on", data={"csrf": csrf, "wait_s": "90", "max_per_extension": "5"}
    )
    assert flashed(admin, saved) == ""
    assert stored(web, DEMO_TENANT) == CampOnSettings(90.0, 5)
    for wait_s, most, wording in (
        ("9", "3", "10–1 800 sekunder"),
        ("1801", "3", "10–1 800 sekunder"),
        ("nittio", "3", ""),
        ("90", "21", "1–20"),
        ("90", "0", "1–20"),
    ):
        refused = admin.post(
            f"{PAGE}/camp-on", data={"csrf": csrf, "wait_s": wait_s, "max_per_extension": most}
        )
        told = flashed(admin, refused)
        assert told and wording in told, (wait_s, most, told)
    forged = admin.post(
        f"{PAGE}/camp-on", data={"csrf": "fel", "wait_s": "60", "max_per_extension": "2"}
    )
    assert forged.status_code == 403
    assert stored(web, DEMO_TENANT) == CampOnSettings(90.0, 5)  # nothing refused was kept
    assert 'value="90"' in admin.get(PAGE).text
    assert "camp-on" in admin.get("/admin/audit").text
    assert stored(web, OTHER) == CampOnSettings()  # the other tenant keeps the default


def test_camp_on_settings_over_the_rest_api_by_scope_and_tenant(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", KEY, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", KEY + "-other", now, ["read", "config"])
    config, reader = {"X-API-Key": KEY}, {"X-API-Key": KEY + "-read"}
    other = {"X-API-Key": KEY + "-other"}
    client = web.client()
    body = {"wait_s": 60, "max_per_extension": 2}
    assert client.get("/api/v1/pbx/camp-on", headers=reader).json() == {
        "wait_s": 120.0,
        "max_per_extension": 3,
    }
    assert client.put("/api/v1/pbx/camp-on", json=body, headers=reader).status_code == 403
    saved = client.put("/api/v1/pbx/camp-on", json=body, headers=config)
    assert saved.status_code == 200 and saved.json() == {"wait_s": 60.0, "max_per_extension": 2}
    assert stored(web, DEMO_TENANT) == CampOnSettings(60.0, 2)
    for bad in ({"wait_s": 9, "max_per_extension": 2}, {"wait_s": 60, "max_per_extension": 21}):
        refused = client.put("/api/v1/pbx/camp-on", json=bad, headers=config)
        assert refused.status_code == 422, bad
    assert stored(web, DEMO_TENANT) == CampOnSettings(60.0, 2)
    assert client.get("/api/v1/pbx/camp-on", headers=other).json()["wait_s"] == 120.0
    assert stored(web, OTHER) == CampOnSettings()
