"""The public callback API books only inside opening hours and speaks ISO 8601 (issue 9 §5;
CB2, CB7, Q1). The demo's kundtjänst queue takes callbacks 08–12 and 13–16 within its office
hours (Mon–Thu 08–16:30, Fri 08–15); the clock stands still on a Friday."""

from __future__ import annotations

import time
from datetime import datetime

from fastapi.testclient import TestClient

from tests.web.conftest import Web
from vaxel.core.clock import from_local
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.app import WebSettings, create_app

KEY = {"X-API-Key": "boknings-nyckel"}


def api_at(web: Web, local: str, settings: WebSettings | None = None) -> TestClient:
    """The API of ``web`` with its clock fixed at a Stockholm wall time."""
    if web.accounts.tenant_of_key(KEY["X-API-Key"]) is None:
        web.accounts.add_api_key(DEMO_TENANT, "webbplatsen", KEY["X-API-Key"], time.time())
    now = from_local(datetime.fromisoformat(local))
    context = web.app.state.context  # type: ignore[attr-defined]
    app = create_app(
        web.center,
        context.database,
        settings or WebSettings(),
        clock=lambda: now,
        configuration=context.configuration,
    )
    return TestClient(app)


def book(client: TestClient, **fields: str) -> dict[str, object]:
    response = client.post(
        "/api/v1/callbacks",
        headers=KEY,
        json={"queue": "kundtjanst", "number": "070-123 45 67", **fields},
    )
    return {"status": response.status_code, **response.json()}


def test_the_offered_intervals_skip_closed_days_and_times(web: Web) -> None:
    client = api_at(web, "2027-01-15 09:30")  # a Friday
    windows = client.get("/api/v1/queues/kundtjanst/callback-intervals", headers=KEY).json()
    days = [(w["interval"], w["day"]) for w in windows[:4]]
    assert days == [
        ("fm", "2027-01-15"),
        ("em", "2027-01-15"),
        ("fm", "2027-01-18"),  # the weekend is closed: nothing offered
        ("em", "2027-01-18"),
    ]
    assert not {w["day"] for w in windows} & {"2027-01-16", "2027-01-17"}
    assert windows[0]["start"] == "2027-01-15T09:30:00+01:00"  # under way: from now
    assert windows[1]["end"] == "2027-01-15T15:00:00+01:00"  # Friday closes at 15
    unknown = client.get("/api/v1/queues/finns-inte/callback-intervals", headers=KEY)
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown-queue"


def test_an_interval_on_a_closed_day_is_refused(web: Web) -> None:
    client = api_at(web, "2027-01-15 09:30")
    refused = book(client, interval="fm", day="2027-01-16")  # a Saturday
    assert refused["status"] == 422
    assert refused["type"] == "urn:vaxel:problem:interval-closed"
    assert refused["detail"] == "Kön är stängd under tidsfönstret fm den 2027-01-16"
    assert client.get("/api/v1/callbacks", headers=KEY).json() == []
    monday = book(client, interval="fm", day="2027-01-18")
    assert monday["status"] == 201
    assert monday["eligible_at"] == "2027-01-18T08:00:00+01:00"


def test_eligible_at_is_iso_8601_with_offset_and_inside_opening_hours(web: Web) -> None:
    evening = api_at(web, "2027-01-15 17:00")  # Friday after closing
    asap = book(evening)
    assert asap["status"] == 201
    assert asap["eligible_at"] == "2027-01-18T08:00:00+01:00"  # Monday morning, not tonight
    afternoon = book(evening, interval="em")
    assert afternoon["eligible_at"] == "2027-01-18T13:00:00+01:00"
    summer = api_at(web, "2027-06-14 10:00")  # a Monday, summer time
    now = book(summer)
    assert now["eligible_at"] == "2027-06-14T10:00:00+02:00"
    listed = summer.get("/api/v1/callbacks", headers=KEY).json()
    assert {c["eligible_at"] for c in listed} >= {"2027-06-14T10:00:00+02:00"}
    assert all(c["requested_at"][-6:] in ("+01:00", "+02:00") for c in listed)


def test_a_demo_that_keeps_its_queues_open_books_callbacks_now(web: Web) -> None:
    """The demo started outside office hours keeps its queues open (issue 9 §7); a callback
    booked through the API then is not parked until Monday, when the demo never reaches it."""
    sunday = "2027-01-17 05:00"
    kept_open = api_at(web, sunday, WebSettings(opening_hours=False))
    asap = book(kept_open)
    assert asap["status"] == 201
    assert asap["eligible_at"] == "2027-01-17T05:00:00+01:00"
    scheduled = book(api_at(web, sunday))
    assert scheduled["eligible_at"] == "2027-01-18T08:00:00+01:00"
