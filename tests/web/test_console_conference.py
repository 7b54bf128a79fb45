"""The console's three-party conference over HTTP (issue 16 §3, OP3): only operators, with
their CSRF token; every refusal in Swedish with nothing changed; her agent id, tenant and
call in hand go to telephony, never ones from the form. The wire (robots hearing each
other) is tests/web/test_browser_operator_conference.py."""

from __future__ import annotations

from tests.web.conftest import Web, sign_in
from tests.web.test_operator_console import JSON, _operator, _submit
from vaxel.acd.events import AgentAnswered, AgentLoggedIn, ContactArrived
from vaxel.core.errors import DomainError
from vaxel.sim.demo_tenant import DEMO_TENANT

ROUTES = ("/telefonist/konferens", "/telefonist/konferens/lamna")


class FakeConferences:
    """Telephony's port, refusing with the code it is given."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, ...]] = []
        self.refuse, self.most = "", 0

    def start(self, tenant_id: str, agent_id: str, contact_id: str) -> None:
        self.asked.append(("start", tenant_id, agent_id, contact_id))
        if self.refuse:
            raise DomainError("refused", code=self.refuse, most=self.most)

    def leave(self, tenant_id: str, agent_id: str, contact_id: str) -> None:
        self.asked.append(("leave", tenant_id, agent_id, contact_id))
        if self.refuse:
            raise DomainError("refused", code=self.refuse)

    def on(self, tenant_id: str, agent_id: str, contact_id: str) -> bool:
        return False


def test_only_operators_with_their_token_make_a_conference(web: Web) -> None:
    port = FakeConferences()
    web.app.state.context.console_conferences = port
    for username in ("maria", "admin"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        for path in ROUTES:
            refused = client.post(path, data={"csrf": csrf, "contact": "c-3"}, headers=JSON)
            assert refused.status_code == 403 and "telefonistbehörighet" in refused.text
    client, _ = _operator(web)
    for path in ROUTES:
        refused = client.post(path, data={}, headers=JSON)
        assert refused.status_code == 403 and "CSRF" in refused.text
    assert port.asked == []


def test_refusals_in_swedish_and_her_own_call_to_telephony(web: Web) -> None:
    client, csrf = _operator(web)
    ctx = web.app.state.context
    off = client.post("/telefonist/konferens", data={"csrf": csrf}, headers=JSON)
    assert off.json()["error"] == "Telefonin är inte igång: samtal kan inte kopplas"
    port = FakeConferences()
    ctx.console_conferences = port
    none = client.post("/telefonist/konferens", data={"csrf": csrf}, headers=JSON)
    assert none.status_code == 409
    assert none.json()["error"] == "Du har inget samtal att göra konferens med"
    left = client.post("/telefonist/konferens/lamna", data={"csrf": csrf}, headers=JSON)
    assert left.json()["error"] == "Du är inte i någon konferens"
    assert port.asked == []
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        ContactArrived(DEMO_TENANT, "c-3", "vaxel", caller_number="0701234567"),
    )
    _submit(web, AgentAnswered(DEMO_TENANT, "kristina", "c-3"))
    wordings = {
        "conference-no-consult": (
            "Du har ingen förfrågan: fråga personen först (Skift+Enter), sedan konferens (Alt+K)"
        ),
        "conference-not-answered": "Personen har inte svarat än: konferens när hen svarat",
        "conference-on": "Konferensen pågår redan: Alt+L lämnar den",
    }
    for code, text in wordings.items():
        port.refuse = code
        refused = client.post(
            "/telefonist/konferens", data={"csrf": csrf, "contact": "c-other"}, headers=JSON
        )
        assert refused.status_code == 409 and refused.json()["error"] == text, code
    port.refuse, port.most = "console-conference-full", 6  # past the limit (§46)
    refused = client.post("/telefonist/konferens", data={"csrf": csrf}, headers=JSON)
    assert refused.json()["error"] == "Konferensen är full (högst 6 deltagare, du medräknad)"
    port.refuse = "conference-none"
    refused = client.post("/telefonist/konferens/lamna", data={"csrf": csrf}, headers=JSON)
    assert refused.json()["error"] == "Du är inte i någon konferens"
    port.refuse, port.asked = "", []
    assert client.post("/telefonist/konferens", data={"csrf": csrf}, headers=JSON).json() == {
        "error": ""
    }
    assert client.post("/telefonist/konferens/lamna", data={"csrf": csrf}, headers=JSON).json() == {
        "error": ""
    }
    assert port.asked == [  # her call in hand, whatever the form said
        ("start", DEMO_TENANT, "kristina", "c-3"),
        ("leave", DEMO_TENANT, "kristina", "c-3"),
    ]
    page = client.get("/telefonist").text
    assert "Alt</kbd>+<kbd>K" in page  # the key help
