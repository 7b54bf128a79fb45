"""The trunk and classes of service over REST (issue 14 §2, §9; PBX8): the password
write-only, refusals as problem details naming the field, scopes, tenant isolation."""

from __future__ import annotations

import time

from tests.web.conftest import OTHER, Web
from vaxel.pbx.trunks import LastAnswer, TrunkStatus
from vaxel.sim.demo_tenant import DEMO_TENANT

KEY = "en-nyckel-for-trunken-test"
TRUNK = {
    "host": "sip.carrier.example",
    "username": "4610123450",
    "password": "carrier-secret",
    "expires_s": 600,
    "main_number": "010-123 45 00",
}


def keys(web: Web) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", KEY, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", KEY + "-other", now, ["read", "config"])
    return {"X-API-Key": KEY}, {"X-API-Key": KEY + "-read"}, {"X-API-Key": KEY + "-other"}


def test_the_trunk_over_rest(web: Web) -> None:
    config, reader, other = keys(web)
    client = web.client()
    assert client.get("/api/v1/pbx/trunk", headers=config).status_code == 404
    assert client.put("/api/v1/pbx/trunk", json=TRUNK, headers=reader).status_code == 403
    saved = client.put("/api/v1/pbx/trunk", json=TRUNK, headers=config)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["host"] == "sip.carrier.example" and body["main_number"] == "+46101234500"
    assert "password" not in body and "carrier-secret" not in saved.text
    context = web.app.state.context  # type: ignore[attr-defined]
    context.trunk_status = lambda tenant: TrunkStatus(
        tenant, "refused", LastAnswer(403, "Forbidden", 5.0)
    )
    shown = client.get("/api/v1/pbx/trunk", headers=reader).json()
    assert shown["state"] == "refused" and shown["last_answer"]["reason"] == "Forbidden"
    assert client.get("/api/v1/pbx/trunk", headers=other).status_code == 404  # isolation
    refused = client.put(
        "/api/v1/pbx/trunk", json={**TRUNK, "password": "", "username": ""}, headers=config
    )
    assert refused.status_code in (400, 422), refused.text
    assert client.delete("/api/v1/pbx/trunk", headers=config).status_code == 204
    assert client.get("/api/v1/pbx/trunk", headers=config).status_code == 404


def test_classes_of_service_over_rest(web: Web) -> None:
    config, reader, other = keys(web)
    client = web.client()
    put = client.put(
        "/api/v1/pbx/classes-of-service/utland",
        json={"name": "Utland", "reach": "international"},
        headers=config,
    )
    assert put.status_code == 200, put.text
    assigned = client.put(
        "/api/v1/pbx/class-assignments/user/1005", json={"class_id": "utland"}, headers=config
    )
    assert assigned.status_code == 204
    unknown = client.put(
        "/api/v1/pbx/class-assignments/user/1005", json={"class_id": "saknas"}, headers=config
    )
    assert unknown.status_code in (400, 422), unknown.text
    listed = client.get("/api/v1/pbx/classes-of-service", headers=reader).json()
    assert listed == [
        {"class_id": "utland", "name": "Utland", "reach": "international", "premium_allowed": False}
    ]
    assert client.get("/api/v1/pbx/classes-of-service", headers=other).json() == []
    bad = client.put(
        "/api/v1/pbx/classes-of-service/Fel Id", json={"reach": "national"}, headers=config
    )
    assert bad.status_code in (400, 422)
    gone = client.delete("/api/v1/pbx/classes-of-service/utland", headers=config)
    assert gone.status_code == 204
