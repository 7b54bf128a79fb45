"""DID ranges, answer groups and a person's devices over the REST API (issue 14 §9c, PBX1,
PBX3, PBX9): the admin page's and "Min telefon"'s own checks and coded refusals, keys by
scope, and another tenant's key neither sees nor changes any of it."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, Web
from vaxel.pbx.devices import DeviceKind, RingStrategy
from vaxel.pbx.groups import GroupStrategy
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.sim.demo_tenant import DEMO_TENANT

CONFIG, READ, THEIRS = {"X-API-Key": "konfig"}, {"X-API-Key": "las"}, {"X-API-Key": "annan"}


def service(web: Web) -> PbxNumberingService:
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    return context.pbx_numbering  # type: ignore[no-any-return]


def keys(web: Web) -> TestClient:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "växel", "konfig", now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läs", "las", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", "annan", now, ["read", "config"])
    return web.client()


def test_did_ranges_are_added_in_any_spelling_refused_alike_and_removed(web: Web) -> None:
    client = keys(web)
    body = {"first": "010-555 12 00", "last": "010 555 12 09", "first_short": "4800"}
    assert client.post("/api/v1/pbx/did-ranges", json=body, headers=READ).status_code == 403
    added = client.post("/api/v1/pbx/did-ranges", json=body, headers=CONFIG)
    assert added.status_code == 201, added.text
    assert added.json() == {"first": "+46105551200", "last": "+46105551209", "first_short": "4800"}
    plan = service(web).plan(DEMO_TENANT)
    assert plan.short_of_did("+46105551205") == "4805"
    shown = client.get("/api/v1/pbx/numbers", headers=READ).json()["did_ranges"]
    assert {"first": "+46105551200", "last": "+46105551209", "first_short": "4800"} in shown
    overlap = {"first": "+46 10 555 12 05", "last": "010-555 12 20", "first_short": "4900"}
    refused = client.post("/api/v1/pbx/did-ranges", json=overlap, headers=CONFIG)
    assert refused.status_code == 409 and refused.json()["code"] == "pbx-did-overlap"
    for bad, code in (
        ({**body, "first": "112", "last": "112"}, "pbx-did-invalid"),
        ({**body, "last": "010-555 11 00"}, "pbx-did-range-order"),
        ({**body, "first_short": "98"}, "pbx-did-short-overflow"),
    ):
        answer = client.post("/api/v1/pbx/did-ranges", json=bad, headers=CONFIG)
        assert answer.status_code == 409 and answer.json()["code"] == code, (bad, answer.text)
    theirs = client.get("/api/v1/pbx/numbers", headers=THEIRS).json()["did_ranges"]
    assert theirs == []
    url = "/api/v1/pbx/did-ranges/010-555%2012%2000"
    assert client.delete(url, headers=THEIRS).status_code == 404
    assert service(web).plan(DEMO_TENANT).short_of_did("+46105551205") == "4805"
    assert client.delete(url, headers=CONFIG).status_code == 204
    assert service(web).plan(DEMO_TENANT).short_of_did("+46105551205") is None
    assert client.delete(url, headers=CONFIG).status_code == 404


def test_answer_groups_are_created_changed_and_deleted_keeping_logins(web: Web) -> None:
    client = keys(web)
    url = "/api/v1/pbx/groups/bygglov"
    body = {"name": "Bygglov", "strategy": "ring-all", "members": ["karin", "olle"]}
    assert client.put(url, json=body, headers=READ).status_code == 403
    made = client.put(url, json=body, headers=CONFIG)
    assert made.status_code == 200, made.text
    assert [m["person_id"] for m in made.json()["members"]] == ["karin", "olle"]
    service(web).set_login(DEMO_TENANT, "bygglov", "olle", False)
    changed = client.put(
        url, json={**body, "strategy": "in-order", "members": ["olle", "karin", "eva"]},
        headers=CONFIG,
    )  # fmt: skip
    assert changed.status_code == 200, changed.text
    group = service(web).group(DEMO_TENANT, "bygglov")
    assert group is not None and group.strategy is GroupStrategy.IN_ORDER
    assert [(m.person_id, m.logged_in) for m in group.members] == [
        ("olle", False),
        ("karin", True),
        ("eva", True),
    ]
    for bad, status, code in (
        ({**body, "members": ["karin", "karin"]}, 409, "pbx-group-member-twice"),
        ({**body, "name": " "}, 409, "pbx-group-name"),
        ({**body, "strategy": "queue"}, 409, "pbx-group-queue-required"),
    ):
        answer = client.put(url, json=bad, headers=CONFIG)
        assert answer.status_code == status and answer.json()["code"] == code, answer.text
    assert client.put(url, json={**body, "strategy": "slump"}, headers=CONFIG).status_code == 422
    bad_id = client.put("/api/v1/pbx/groups/bygg%20lov", json=body, headers=CONFIG)
    assert bad_id.status_code == 422
    assert service(web).group(DEMO_TENANT, "bygglov") == group
    # the other tenant's key: its own groups only; deleting ours is "no such group"
    assert client.delete(url, headers=THEIRS).status_code == 404
    theirs = client.get("/api/v1/pbx/groups", headers=THEIRS).json()
    assert "bygglov" not in [g["group_id"] for g in theirs]
    assert client.delete(url, headers=CONFIG).status_code == 204
    assert service(web).group(DEMO_TENANT, "bygglov") is None
    assert client.delete(url, headers=CONFIG).status_code == 404


def test_a_persons_ring_strategy_and_mobile_are_set_and_refused_as_min_telefon_does(
    web: Web,
) -> None:
    client = keys(web)
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    maria = context.directory_views.person_of_account(DEMO_TENANT, "maria")
    url = f"/api/v1/pbx/people/{maria}/devices"
    before = service(web).devices(DEMO_TENANT, maria)
    desk = [d for d in (before.devices if before else ()) if d.kind is DeviceKind.SIP]
    body = {"strategy": "sequence", "ring_s": 20, "mobile": "070-123 45 67"}
    assert client.put(url, json=body, headers=READ).status_code == 403
    saved = client.put(url, json=body, headers=CONFIG)
    assert saved.status_code == 200, saved.text
    held = service(web).devices(DEMO_TENANT, maria)
    assert held is not None and held.strategy is RingStrategy.SEQUENCE and held.ring_s == 20.0
    assert [d for d in held.devices if d.kind is DeviceKind.SIP] == desk  # the admin's
    assert held.devices[-1].address == "+46701234567"
    shown = client.get(url, headers=READ).json()
    assert (shown["strategy"], shown["mobile"]) == ("sequence", "+46701234567")
    for mobile, code in (
        ("112", "pbx-did-invalid"),
        ("114 14", "pbx-did-invalid"),
        ("0900-123 45 67", "device-mobile-barred"),
        ("+44 7012 345678", "device-mobile-barred"),
        ("08-123 420 05", "device-mobile-direct"),
    ):
        answer = client.put(url, json={**body, "mobile": mobile}, headers=CONFIG)
        assert answer.status_code == 409 and answer.json()["code"] == code, (mobile, answer.text)
    short = client.put(url, json={**body, "ring_s": 2}, headers=CONFIG)
    assert short.status_code == 409 and short.json()["code"] == "pbx-ring-seconds"
    assert service(web).devices(DEMO_TENANT, maria) == held
    cleared = client.put(url, json={**body, "mobile": ""}, headers=CONFIG)
    assert cleared.status_code == 200 and cleared.json()["mobile"] == ""
    # someone the directory does not know, and the other tenant's key on Maria: 404
    assert client.get("/api/v1/pbx/people/ingen/devices", headers=READ).status_code == 404
    assert client.put(url, json=body, headers=THEIRS).status_code == 404
    assert client.get(url, headers=THEIRS).status_code == 404
    assert service(web).devices(OTHER, maria) is None
