"""The numbering plan admin page and "Min telefon" (issue 14 §1, §3, §9; PBX1, PBX3, PBX9):
short numbers, DID ranges and answer groups saved per tenant, refusals worded by code,
members logged in and out, and a person setting how their devices ring."""

from __future__ import annotations

import time
from typing import Any

from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.pbx.devices import DeviceKind, RingStrategy
from vaxel.pbx.groups import AnswerGroup, GroupMember
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.sim.demo_tenant import DEMO_TENANT

PAGE = "/admin/pbx/numbers"


def service(web: Web) -> PbxNumberingService:
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    return context.pbx_numbering  # type: ignore[no-any-return]


def test_numbers_ranges_and_groups_are_saved_and_refused_by_code(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    assert admin.get(PAGE).status_code == 200
    added = admin.post(
        f"{PAGE}/numbers", data={"csrf": csrf, "number": "4500", "kind": "person", "ref": "k"}
    )
    assert flashed(admin, added) == ""
    taken = admin.post(
        f"{PAGE}/numbers", data={"csrf": csrf, "number": "4500", "kind": "group", "ref": "g"}
    )
    assert "Numret 4500 används redan i nummerplanen" in flashed(admin, taken)
    ranged = admin.post(
        f"{PAGE}/ranges",
        data={"csrf": csrf, "first": "010-123 45 00", "last": "010-123 45 99",
              "first_short": "4500"},
    )  # fmt: skip
    assert flashed(admin, ranged) == ""
    plan = service(web).plan(DEMO_TENANT)
    assert plan.resolve("0101234500") == Target(TargetKind.PERSON, "k")
    page = admin.get(PAGE).text
    assert "+46101234500" in page and 'data-number="4500"' in page
    grouped = admin.post(
        f"{PAGE}/groups",
        data={"csrf": csrf, "group_id": "reception", "name": "Receptionen",
              "strategy": "in-order", "members": "karin, olle"},
    )  # fmt: skip
    assert flashed(admin, grouped) == ""
    admin.post(f"{PAGE}/groups/reception/login", data={"csrf": csrf, "person_id": "olle"})
    group = service(web).group(DEMO_TENANT, "reception")
    assert group is not None and group.logged_in() == ["karin"]
    refused = admin.post(
        f"{PAGE}/groups/reception/login", data={"csrf": csrf, "person_id": "pelle", "in": "1"}
    )
    assert "inte med i svarsgruppen Receptionen" in flashed(admin, refused)
    other = web.client()
    sign_in(other, OTHER, "boss")
    assert 'data-number="4500"' not in other.get(PAGE).text
    assert service(web).plan(OTHER).resolve("4500") is None


def test_a_person_sets_how_their_devices_ring_and_a_mobile(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    page = client.get("/min-telefon")
    assert page.status_code == 200 and "Mina enheter" in page.text
    done = client.post(
        "/min-telefon",
        data={"csrf": csrf, "strategy": "sequence", "ring_s": "20", "mobile": "070-123 45 67"},
    )
    assert done.status_code == 303
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    person_id = context.directory_views.person_of_account(DEMO_TENANT, "maria")
    held = service(web).devices(DEMO_TENANT, person_id)
    assert held is not None and held.strategy is RingStrategy.SEQUENCE
    assert [(d.kind, d.address) for d in held.devices][-1] == (DeviceKind.MOBILE, "+46701234567")
    bad = client.post(
        "/min-telefon", data={"csrf": csrf, "strategy": "parallel", "ring_s": "2", "mobile": ""}
    )
    assert "Ringtiden ska vara 5–180 sekunder" in flashed(client, bad)


def test_a_mobile_the_switch_would_never_dial_is_refused_when_saved(web: Web) -> None:
    """Maria (the default class: Sweden, no premium) saving a UK personal number or 0900 as
    her mobile: it would never be dialled (her class), so the page says so instead of
    keeping it silently; a direct number of the switch would come back from the carrier as
    a call to it (task R, PBX8, PBX9)."""
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    person_id = context.directory_views.person_of_account(DEMO_TENANT, "maria")
    before = service(web).devices(DEMO_TENANT, person_id)
    form = {"csrf": csrf, "strategy": "parallel", "ring_s": "20"}
    for mobile, said in (
        ("+44 7012 345678", "spärrat"),
        ("0900-123 45 67", "spärrat"),
        ("08-123 420 05", "direktnummer"),
    ):
        refused = client.post("/min-telefon", data={**form, "mobile": mobile})
        assert said in flashed(client, refused), mobile
        assert service(web).devices(DEMO_TENANT, person_id) == before, mobile


def test_the_plan_and_group_logins_over_the_rest_api(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "växel", "konfig", now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läs", "las", now, ["read"])
    web.accounts.add_api_key(OTHER, "annan", "annan", now, ["read", "config"])
    client = web.client()
    config, read = {"X-API-Key": "konfig"}, {"X-API-Key": "las"}
    body = {"kind": "person", "ref": "karin"}
    assert client.put("/api/v1/pbx/numbers/4500", json=body, headers=read).status_code == 403
    assert client.put("/api/v1/pbx/numbers/4500", json=body, headers=config).status_code == 204
    taken = client.put("/api/v1/pbx/numbers/4500", json=body, headers=config)
    assert taken.status_code == 409 and taken.json()["params"]["number"] == "4500"
    plan = client.get("/api/v1/pbx/numbers", headers=read).json()
    assert "4500" in [n["number"] for n in plan["numbers"]]
    other = client.get("/api/v1/pbx/numbers", headers={"X-API-Key": "annan"}).json()
    assert other["numbers"] == []
    service(web).put_group(
        AnswerGroup(DEMO_TENANT, "reception", "Receptionen", members=(GroupMember("karin"),))
    )
    url = "/api/v1/pbx/groups/reception/members/karin/login"
    assert client.delete(url, headers=config).status_code == 204
    groups = client.get("/api/v1/pbx/groups", headers=read).json()
    [group] = [g for g in groups if g["group_id"] == "reception"]
    assert group["members"] == [{"person_id": "karin", "logged_in": False}]
    assert client.put(url, headers={"X-API-Key": "annan"}).status_code == 404
