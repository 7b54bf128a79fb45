"""Park and retrieve from the console over HTTP (issue 16 §3, OP3): who may, and every
refusal in Swedish with nothing changed; the robots' proof is
tests/web/test_browser_operator_park.py."""

from __future__ import annotations

from tests.web.conftest import Web, sign_in
from tests.web.test_operator_console import JSON, _operator, _submit
from vaxel.acd.events import (
    AgentLoggedIn,
    AgentPaused,
    ContactArrived,
    ContactPicked,
)
from vaxel.core.errors import DomainError
from vaxel.sim.demo_tenant import DEMO_TENANT


def test_only_operators_park_and_retrieve(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    for path in ("/telefonist/parkera", "/telefonist/hamta"):
        refused = client.post(path, data={"csrf": csrf}, headers=JSON)
        assert refused.status_code == 403 and "telefonistbehörighet" in refused.text


def test_parking_without_a_call_or_a_free_orbit_is_refused_in_swedish(web: Web) -> None:
    client, csrf = _operator(web)
    ctx = web.app.state.context
    asked: list[tuple[str, str, str]] = []

    def full(tenant_id: str, agent_id: str, contact_id: str) -> str:
        asked.append((tenant_id, agent_id, contact_id))
        raise DomainError("every park orbit is taken", code="park-full")

    ctx.console_park = full
    none = client.post("/telefonist/parkera", data={"csrf": csrf}, headers=JSON)
    assert none.status_code == 409 and none.json()["error"] == "Du har inget samtal att parkera"
    assert asked == [], "nothing asked of telephony without a call in hand"
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        ContactArrived(DEMO_TENANT, "c-1", "vaxel", caller_number="0709220690"),
        ContactPicked(DEMO_TENANT, "kristina", "c-1"),  # connected to her at once
    )
    refused = client.post("/telefonist/parkera", data={"csrf": csrf}, headers=JSON)
    assert refused.status_code == 409
    assert refused.json()["error"] == "Alla parkeringsplatser är upptagna, eller inga finns"
    assert asked == [(DEMO_TENANT, "kristina", "c-1")]
    ctx.console_park = lambda tenant_id, agent_id, contact_id: "701"
    parked = client.post("/telefonist/parkera", data={"csrf": csrf}, headers=JSON)
    assert parked.status_code == 200 and parked.json() == {"error": "", "said": "Parkerat på 701"}


def test_retrieving_names_a_parked_call_of_hers_or_is_refused(web: Web) -> None:
    client, csrf = _operator(web)
    ctx = web.app.state.context
    rung: list[str] = []
    ctx.console_retrieve = lambda tenant_id, agent_id, orbit: rung.append(orbit)
    ctx.parked_of = lambda tenant_id, agent_id: []
    nothing = client.post("/telefonist/hamta", data={"csrf": csrf}, headers=JSON)
    assert nothing.json()["error"] == "Du har inga parkerade samtal"
    letters = client.post("/telefonist/hamta", data={"csrf": csrf, "orbit": "7a0"}, headers=JSON)
    assert letters.json()["error"] == "En parkeringsplats är ett nummer med siffror"
    long = client.post("/telefonist/hamta", data={"csrf": csrf, "orbit": "7" * 9}, headers=JSON)
    assert long.status_code == 422  # at most 8 digits
    ctx.parked_of = lambda tenant_id, agent_id: [
        {"id": "c-2", "orbit": "702", "caller_number": "", "parked_s": 5, "state": "parked"},
        {"id": "c-1", "orbit": "700", "caller_number": "", "parked_s": 40, "state": "parked"},
    ]
    first = client.post("/telefonist/hamta", data={"csrf": csrf}, headers=JSON)
    assert first.json() == {"error": "", "said": "Hämtar 700: svara i telefonen"}
    assert rung == ["700"], "none named: the one parked longest ago"

    def empty(tenant_id: str, agent_id: str, orbit: str) -> None:
        raise DomainError("no call waits there", code="console-park-empty")

    ctx.console_retrieve = empty
    gone = client.post("/telefonist/hamta", data={"csrf": csrf, "orbit": "705"}, headers=JSON)
    assert gone.json()["error"] == "Inget samtal väntar på den parkeringsplatsen"
    page = client.get("/telefonist/lage").text
    assert 'data-orbit="700"' in page and "Hämta" in page  # her list, with the button
