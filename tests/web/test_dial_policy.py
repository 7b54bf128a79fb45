"""Toll fraud through callbacks (issue 10 §11, CB7, CB8): the API takes only numbers the
dial policy allows, saying why by code, and the callback list never offers a barred number
as a ``tel:`` link."""

from __future__ import annotations

import time

import pytest

from tests.web.conftest import Web, sign_in
from vaxel.acd.events import CallbackRequested
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import Tenant, Tenants

KEY = {"X-API-Key": "nyckel-exempelby"}


@pytest.fixture
def api(web: Web) -> Web:
    web.accounts.add_api_key(DEMO_TENANT, "webbplatsen", KEY["X-API-Key"], time.time())
    return web


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("0900-123 45 67", "premium-rate"),
        ("0939-12 34 56", "premium-rate"),
        ("118 118", "premium-rate"),
        ("00881 6 1234 5678", "non-geographic"),
        ("+44 20 7123 4567", "international-barred"),
    ],
)
def test_the_api_refuses_a_barred_number_with_its_code(api: Web, number: str, reason: str) -> None:
    client = api.client()
    answer = client.post(
        "/api/v1/callbacks", headers=KEY, json={"queue": "kundtjanst", "number": number}
    )
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "number-barred" and problem["reason"] == reason
    assert [e["field"] for e in problem["errors"]] == ["number"] and problem["detail"]
    assert client.get("/api/v1/callbacks", headers=KEY).json() == []


def test_the_refusal_is_in_english_for_an_english_client(api: Web) -> None:
    answer = api.client().post(
        "/api/v1/callbacks",
        headers=KEY | {"Accept-Language": "en"},
        json={"queue": "kundtjanst", "number": "0900123456"},
    )
    assert answer.json()["detail"].startswith("Premium-rate numbers")


@pytest.mark.parametrize(("number", "stored"), [("08-123 456 78", "+46812345678"), ("112", "112")])
def test_the_api_accepts_swedish_and_emergency_numbers(api: Web, number: str, stored: str) -> None:
    answer = api.client().post(
        "/api/v1/callbacks", headers=KEY, json={"queue": "kundtjanst", "number": number}
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["number"] == stored


def test_the_callback_list_offers_no_tel_link_for_a_barred_number(web: Web) -> None:
    """A barred number already stored (from before, or a caller's number on hang-up) is
    shown with the reason, never as a link the agent's softphone would dial."""
    now = time.time()
    web.center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", "+881612345678"), now)
    web.center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", "+46812345678"), now)
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    page = client.get("/callbacks").text
    assert "+881612345678" in page
    assert "tel:+881612345678" not in page
    assert "Satellitnummer" in page
    assert 'href="tel:+46812345678"' in page


def test_a_tenant_that_allows_international_calls_books_abroad(api: Web) -> None:
    """The tenant setting (stored, migration 0007): abroad allowed, satellite still not."""
    tenants = Tenants(api.center.database)
    tenant = tenants.get(DEMO_TENANT)
    tenants.add(Tenant(tenant.tenant_id, tenant.name, tenant.main_number, True))
    client = api.client()
    abroad = client.post(
        "/api/v1/callbacks", headers=KEY, json={"queue": "kundtjanst", "number": "+44 20 7123 4567"}
    )
    assert abroad.status_code == 201, abroad.text
    assert abroad.json()["number"] == "+442071234567"
    satellite = client.post(
        "/api/v1/callbacks", headers=KEY, json={"queue": "kundtjanst", "number": "+881612345678"}
    )
    assert satellite.json()["reason"] == "non-geographic"
