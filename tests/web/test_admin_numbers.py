"""Service numbers and the flow answering each, in the admin pages and the REST API
(issue 12 §6, ADM1): a number belongs to one organisation, a flow answering a number cannot
be removed, refusals read in Swedish (English when chosen) and name the number."""

from __future__ import annotations

import html
import time

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, Web, flashed, sign_in
from vaxel.runtime.extensions import PhoneExtension, PhoneExtensions
from vaxel.runtime.service_numbers import NumberAssignments
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.web.i18n import LANGUAGE_COOKIE

OTHER_MAIN = "+46101111111"
"""The other tenant's main number (tests/web/conftest.py)."""
NEW = "+46812345001"
KEY = "numbers-test-key-exempelby"


def _admin(web: Web) -> tuple[TestClient, str]:
    client = web.client()
    return client, sign_in(client, DEMO_TENANT, "admin")


def _second_flow(web: Web, tenant: str = DEMO_TENANT, flow_id: str = "direkt") -> None:
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    document = {
        "id": flow_id,
        "start": "ko",
        "nodes": {"ko": {"type": "queue", "queue": "barnomsorg"}},
    }
    if tenant != DEMO_TENANT:
        document = {"id": flow_id, "start": "slut", "nodes": {"slut": {"type": "hangup"}}}
    configuration.put_flow(tenant, document, "Direkt till barnomsorgen")


def _rows(client: TestClient) -> str:
    return html.unescape(client.get("/admin/numbers").text)


def test_the_main_number_keeps_its_flow_when_another_flow_is_added(web: Web) -> None:
    client, csrf = _admin(web)
    page = _rows(client)
    assert f'data-number="{MAIN_NUMBER}"' in page
    assert "08-123 450 00" in page and "huvudnummer" in page
    assert OTHER_MAIN not in page, "another tenant's number is never shown"
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    [main] = NumberAssignments(configuration).answered(DEMO_TENANT)
    assert (main.flow_id, main.assigned) == ("huvudflode", False), "its only flow answers it"
    _second_flow(web, flow_id="a-forst")  # comes first by id
    [main] = NumberAssignments(configuration).answered(DEMO_TENANT)
    assert (main.flow_id, main.assigned) == ("huvudflode", True)
    refused = client.post(f"/admin/numbers/{MAIN_NUMBER}/remove", data={"csrf": csrf})
    assert flashed(client, refused) == (
        f"{MAIN_NUMBER} är huvudnumret; välj ett annat flöde för det i stället"
    )


def test_an_admin_adds_a_number_changes_its_flow_and_removes_it(web: Web) -> None:
    client, csrf = _admin(web)
    _second_flow(web)
    added = client.post(
        "/admin/numbers", data={"csrf": csrf, "number": "08-123 450 01", "flow_id": "direkt"}
    )
    assert flashed(client, added) == ""
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    assignments = NumberAssignments(configuration)
    answered = {a.number: a.flow_id for a in assignments.answered(DEMO_TENANT)}
    assert answered == {MAIN_NUMBER: "huvudflode", NEW: "direkt"}, "stored in E.164"
    page = _rows(client)
    assert f'data-number="{NEW}"' in page and "08-123 450 01" in page
    flows = html.unescape(client.get("/admin/flows").text)
    assert "08-123 450 01" in flows, "the flows page says which numbers each flow answers"
    changed = client.post(
        "/admin/numbers", data={"csrf": csrf, "number": NEW, "flow_id": "huvudflode"}
    )
    assert flashed(client, changed) == ""
    assert {a.number: a.flow_id for a in assignments.answered(DEMO_TENANT)}[NEW] == "huvudflode"
    removed = client.post(f"/admin/numbers/{NEW}/remove", data={"csrf": csrf})
    assert flashed(client, removed) == ""
    assert [a.number for a in assignments.answered(DEMO_TENANT)] == [MAIN_NUMBER]
    again = client.post(f"/admin/numbers/{NEW}/remove", data={"csrf": csrf})
    assert again.status_code == 404 and "Organisationen har inget sådant nummer" in again.text


def test_a_number_belongs_to_one_organisation_only(web: Web) -> None:
    client, csrf = _admin(web)
    taken = client.post(
        "/admin/numbers", data={"csrf": csrf, "number": "010-111 11 11", "flow_id": "huvudflode"}
    )
    assert flashed(client, taken) == f"{OTHER_MAIN} används redan av en annan organisation"
    assert "annanstad" not in flashed(
        client,
        client.post(
            "/admin/numbers", data={"csrf": csrf, "number": OTHER_MAIN, "flow_id": "huvudflode"}
        ),
    ), "the refusal does not say whose it is"
    assigned = client.post(
        "/admin/numbers", data={"csrf": csrf, "number": NEW, "flow_id": "huvudflode"}
    )
    assert flashed(client, assigned) == ""
    _second_flow(web, OTHER, "slut")
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    try:
        NumberAssignments(configuration).assign(OTHER, "08-123 450 01", "slut")
    except Exception as error:
        assert getattr(error, "code", "") == "service-number-taken"
    else:
        raise AssertionError("another tenant took an assigned number")
    for tenant in (DEMO_TENANT, OTHER):
        numbers = [a.number for a in NumberAssignments(configuration).answered(tenant)]
        assert (NEW in numbers) is (tenant == DEMO_TENANT)


def test_refusals_name_the_number_and_the_rule_in_the_admins_language(web: Web) -> None:
    client, csrf = _admin(web)
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    PhoneExtensions(configuration).put(
        PhoneExtension(DEMO_TENANT, "0812345002", "Receptionen", "hemligt-sip-1")
    )
    cases = {
        "12ab": "'12ab' är inget möjligt telefonnummer",
        "08-123 450 02": "0812345002 är en anknytning",
        "": "måste fyllas i",
        "0" * 41: "högst 40 tecken (här är det 41)",
    }
    for typed, message in cases.items():
        refused = client.post(
            "/admin/numbers", data={"csrf": csrf, "number": typed, "flow_id": "huvudflode"}
        )
        assert flashed(client, refused) == message, typed
    unknown_flow = client.post(
        "/admin/numbers", data={"csrf": csrf, "number": NEW, "flow_id": "finns-ej"}
    )
    assert flashed(client, unknown_flow) == "flödet 'finns-ej' finns inte; skapa det först"
    refill = client.post(
        "/admin/numbers", data={"csrf": csrf, "number": "12ab", "flow_id": "huvudflode"}
    )
    assert 'value="12ab"' in client.get(refill.headers["location"]).text, "the form keeps the input"
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = client.post(
        "/admin/numbers", data={"csrf": csrf, "number": OTHER_MAIN, "flow_id": "huvudflode"}
    )
    assert flashed(client, english) == f"{OTHER_MAIN} is already used by another organisation"
    assert NumberAssignments(configuration).answered(DEMO_TENANT)[0].number == MAIN_NUMBER


def test_an_extension_cannot_take_an_assigned_numbers_national_form(web: Web) -> None:
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    NumberAssignments(configuration).assign(DEMO_TENANT, NEW, "huvudflode")
    try:
        PhoneExtensions(configuration).put(
            PhoneExtension(DEMO_TENANT, "0812345001", "Receptionen", "hemligt-sip-1")
        )
    except Exception as error:
        assert getattr(error, "code", "") == "service-number"
    else:
        raise AssertionError("an extension took a service number")


def test_a_flow_answering_numbers_cannot_be_removed_until_they_have_another(web: Web) -> None:
    client, csrf = _admin(web)
    _second_flow(web)
    client.post("/admin/numbers", data={"csrf": csrf, "number": NEW, "flow_id": "direkt"})
    refused = client.post("/admin/flows/direkt/remove", data={"csrf": csrf})
    assert flashed(client, refused) == (
        f"flödet 'direkt' svarar på {NEW}; ge numren ett annat flöde först"
    )
    main = client.post("/admin/flows/huvudflode/remove", data={"csrf": csrf})
    assert MAIN_NUMBER in flashed(client, main), "the main number's default flow is in use too"
    client.post("/admin/numbers", data={"csrf": csrf, "number": NEW, "flow_id": "huvudflode"})
    removed = client.post("/admin/flows/direkt/remove", data={"csrf": csrf})
    assert flashed(client, removed) == ""
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    assert set(configuration.flows(DEMO_TENANT)) == {"huvudflode"}
    assert client.post("/admin/flows/finns-ej/remove", data={"csrf": csrf}).status_code in (
        303,
        404,
    )


def test_the_rest_api_lists_assigns_and_removes_numbers_with_problem_details(web: Web) -> None:
    now = time.time()
    web.accounts.add_api_key(DEMO_TENANT, "intranät", KEY, now, ["read", "config"])
    web.accounts.add_api_key(DEMO_TENANT, "läsare", KEY + "-read", now, ["read"])
    client = web.client()
    headers = {"X-API-Key": KEY}
    listed = client.get("/api/v1/numbers", headers=headers)
    assert listed.status_code == 200
    assert listed.json() == [
        {"number": MAIN_NUMBER, "flow": "huvudflode", "main": True, "assigned": False}
    ]
    _second_flow(web)
    put = client.put("/api/v1/numbers/08-123%20450%2001", json={"flow": "direkt"}, headers=headers)
    assert put.status_code == 200, put.text
    assert put.json() == {"number": NEW, "flow": "direkt", "main": False, "assigned": True}
    assert [n["number"] for n in client.get("/api/v1/numbers", headers=headers).json()] == [
        MAIN_NUMBER,
        NEW,
    ]
    taken = client.put(
        f"/api/v1/numbers/{OTHER_MAIN}",
        json={"flow": "direkt"},
        headers=headers | {"Accept-Language": "en"},
    )
    assert taken.status_code == 422
    assert taken.headers["content-type"].startswith("application/problem+json")
    body = taken.json()
    assert body["code"] == "service-number-taken"
    assert body["params"] == {"field": "number", "value": OTHER_MAIN}
    assert body["detail"] == f"{OTHER_MAIN} is already used by another organisation"
    reader = client.put(
        f"/api/v1/numbers/{NEW}", json={"flow": "huvudflode"}, headers={"X-API-Key": KEY + "-read"}
    )
    assert reader.status_code == 403, "changing needs the config scope"
    assert client.delete(f"/api/v1/numbers/{NEW}", headers=headers).status_code == 204
    gone = client.delete(f"/api/v1/numbers/{NEW}", headers=headers)
    assert gone.status_code == 404 and gone.json()["code"] == "unknown-service-number"
