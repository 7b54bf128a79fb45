"""Break-in from the console over HTTP (issue 16 §3, spec §48): only operators, with their
CSRF token; every refusal in Swedish with nothing changed; her agent id and tenant go to
telephony, never a tenant from the form. The wire's proof (robots hearing the warning tone
and her voice) is tests/telephony/test_break_in_robots.py."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Web, sign_in
from tests.web.test_operator_console import JSON, _operator
from vaxel.core.errors import DomainError
from vaxel.runtime.directory_views import Actor
from vaxel.sim.demo_tenant import DEMO_TENANT

ROUTES = (
    ("/telefonist/bryt-in", {"number": "4600"}),
    ("/telefonist/bryt-in/lamna", {}),
    ("/telefonist/bryt-in/avsluta", {}),
    ("/telefonist/medlyssna", {"number": "4600"}),
)


class FakeBreakIns:
    """Telephony's port, refusing with the code it is given."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, ...]] = []
        self.refuse = ""
        self.shown: dict[str, Any] | None = None

    def start(self, tenant_id: str, agent_id: str, number: str, *, listen: bool = False) -> None:
        self.asked.append(("listen" if listen else "start", tenant_id, agent_id, number))
        if self.refuse:
            raise DomainError("refused", code=self.refuse)

    def leave(self, tenant_id: str, agent_id: str) -> None:
        self.asked.append(("leave", tenant_id, agent_id))
        if self.refuse:
            raise DomainError("refused", code=self.refuse)

    def end_other(self, tenant_id: str, agent_id: str) -> None:
        self.asked.append(("end", tenant_id, agent_id))
        if self.refuse:
            raise DomainError("refused", code=self.refuse)

    def view(self, tenant_id: str, agent_id: str) -> dict[str, Any] | None:
        return self.shown if (tenant_id, agent_id) == (DEMO_TENANT, "kristina") else None


def test_only_operators_with_their_token_break_in(web: Web) -> None:
    port = FakeBreakIns()
    web.app.state.context.console_break_in = port
    for username in ("maria", "admin"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        for path, form in ROUTES:
            refused = client.post(path, data={"csrf": csrf, **form}, headers=JSON)
            assert refused.status_code == 403 and "telefonistbehörighet" in refused.text
    client, _ = _operator(web)
    for path, form in ROUTES:
        refused = client.post(path, data=form, headers=JSON)
        assert refused.status_code == 403 and "CSRF" in refused.text
    assert port.asked == []


def test_break_in_and_leave_are_refused_in_swedish_or_go_to_telephony(web: Web) -> None:
    client, csrf = _operator(web)
    ctx = web.app.state.context
    none = client.post("/telefonist/bryt-in", data={"csrf": csrf, "number": "4600"}, headers=JSON)
    assert none.status_code == 409
    assert none.json()["error"] == "Telefonin är inte igång: inbrytning går inte nu"
    port = FakeBreakIns()
    ctx.console_break_in = port
    for number in ("", "46<script>00", "sip:4600@evil"):
        bad = client.post(
            "/telefonist/bryt-in", data={"csrf": csrf, "number": number}, headers=JSON
        )
        assert bad.status_code == 409
        assert bad.json()["error"] == "Välj en person i listan att bryta in hos"
    long = client.post("/telefonist/bryt-in", data={"csrf": csrf, "number": "4" * 41}, headers=JSON)
    assert long.status_code == 422
    assert port.asked == [], "nothing asked of telephony for a refused number"
    wordings = {
        "break-in-not-busy": "Personen talar inte i telefon: det finns inget samtal att bryta in i",
        "break-in-own": "Du kan inte bryta in i ditt eget samtal",
        "break-in-twice": "Du bryter redan in i ett samtal: lämna det först med Alt+L",
        "break-in-no-phone": "Din anknytning har ingen ansluten telefon: inbrytning går inte",
        "break-in-no-person": ("Numret är ingen persons: välj en person i listan att bryta in hos"),
    }
    for code, text in wordings.items():
        port.refuse = code
        refused = client.post(
            "/telefonist/bryt-in", data={"csrf": csrf, "number": "4600"}, headers=JSON
        )
        assert refused.status_code == 409 and refused.json()["error"] == text, code
    port.refuse = "break-in-none"
    for path in ("/telefonist/bryt-in/lamna", "/telefonist/bryt-in/avsluta"):
        nothing = client.post(path, data={"csrf": csrf}, headers=JSON)
        assert nothing.status_code == 409
        assert nothing.json()["error"] == "Du har ingen inbrytning att lämna"
    port.refuse, port.asked = "", []
    rung = client.post("/telefonist/bryt-in", data={"csrf": csrf, "number": "46 00"}, headers=JSON)
    assert rung.json() == {
        "error": "",
        "said": "Inbrytning: svara i telefonen. Alt+L lämnar samtalet",
    }
    heard = client.post(
        "/telefonist/medlyssna", data={"csrf": csrf, "number": "4600"}, headers=JSON
    )
    assert (
        heard.json()["said"]
        == "Medlyssning: svara i telefonen. Ingen hör dig; Alt+L lämnar samtalet"
    )
    long = client.post(
        "/telefonist/medlyssna", data={"csrf": csrf, "number": "4" * 41}, headers=JSON
    )
    assert long.status_code == 422
    ended = client.post("/telefonist/bryt-in/avsluta", data={"csrf": csrf}, headers=JSON)
    assert ended.json() == {
        "error": "",
        "said": "Det andra samtalet är avslutat: du talar med personen",
    }
    left = client.post("/telefonist/bryt-in/lamna", data={"csrf": csrf}, headers=JSON)
    assert left.json() == {"error": "", "said": "Du har lämnat samtalet"}
    assert port.asked == [
        ("start", DEMO_TENANT, "kristina", "4600"),
        ("listen", DEMO_TENANT, "kristina", "4600"),
        ("end", DEMO_TENANT, "kristina"),
        ("leave", DEMO_TENANT, "kristina"),
    ]
    page = client.get("/telefonist").text
    for key in ("B", "M", "L", "A"):  # the key help
        assert f"Alt</kbd>+<kbd>{key}" in page


def test_her_break_in_is_a_call_in_hand_on_the_card(web: Web) -> None:
    """Issue 16 §3: the card lists her break-in or listen-in with the person's name, the
    mode and a timer — not only the status line."""
    client, _csrf = _operator(web)
    port = FakeBreakIns()
    web.app.state.context.console_break_in = port
    assert 'id="op-break-in"' not in client.get("/telefonist/lage").text
    assert "Inget samtal" in client.get("/telefonist/lage").text
    karin = web.app.state.context.directory_views.search(
        DEMO_TENANT, "Karin Carlsson", _actor(), limit=1
    )[0].person
    port.shown = {
        "person_id": karin.person_id,
        "number": "1005",
        "mode": "break-in",
        "state": "ringing",
        "since_s": 4,
    }
    card = client.get("/telefonist/lage").text
    section = card[
        card.index('id="op-break-in"') : card.index("</section>", card.index('id="op-break-in"'))
    ]
    assert "Inbrytning" in section and "<strong>Karin Carlsson</strong> (1005)" in section
    assert "Din telefon ringer: svara" in section and 'data-seconds="4"' in section
    assert "Inget samtal" not in card  # the break-in is her call in hand
    port.shown |= {"mode": "listen", "state": "in", "since_s": 12, "person_id": "gone"}
    section = client.get("/telefonist/lage").text
    assert "Medlyssning" in section and "Du är i samtalet" in section
    assert "Ingen hör dig." in section and 'data-seconds="12"' in section
    assert "<strong>1005</strong>" in section  # a person the directory does not show: the number


def _actor() -> Actor:
    return Actor("operator", None, "test")
