"""Ring-through and a transfer that follows a diversion, over HTTP (issue 16 §3, OP5, spec
§66): Enter to an absent or forwarded person says where the call went; Alt+G posts
``/telefonist/genomringning``, which reaches telephony's ring-through or is refused in
Swedish with nothing changed. The rule itself: tests/telephony/test_console_transfer.py."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Web
from tests.web.test_operator_console import JSON, _operator, _submit
from vaxel.acd.events import AgentAnswered, AgentLoggedIn, ContactArrived
from vaxel.core.errors import DomainError
from vaxel.sim.demo_tenant import DEMO_TENANT


def _in_hand(web: Web) -> None:
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        ContactArrived(DEMO_TENANT, "c-7", "vaxel", caller_number="0701234567"),
    )
    _submit(web, AgentAnswered(DEMO_TENANT, "kristina", "c-7"))


def test_a_transfer_that_follows_the_diversion_says_where_it_went(web: Web) -> None:
    client, csrf = _operator(web)
    _in_hand(web)
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    context.console_transfer = lambda *args: None
    diversions = {"1005": {"kind": "absent", "to": ""}, "1006": {"kind": "forwarded", "to": "2042"}}
    context.console_diversion = lambda tenant, number: diversions.get(number)
    post = {"csrf": csrf, "number": "1005", "name": "Karin Carlsson"}
    away = client.post("/telefonist/koppla", data=post, headers=JSON).json()
    assert away == {
        "error": "",
        "said": "Karin Carlsson är frånvarande: samtalet följer hänvisningen (Alt+G ringer igenom)",
    }
    forwarded = client.post("/telefonist/koppla", data=post | {"number": "1006"}, headers=JSON)
    assert forwarded.json()["said"].startswith(
        "Karin Carlsson är vidarekopplad till 2042: samtalet följer vidarekopplingen"
    )
    plain = client.post("/telefonist/koppla", data=post | {"number": "1007"}, headers=JSON)
    assert plain.json() == {"error": ""}, "no diversion: nothing more to say"


def test_ring_through_reaches_telephony_and_its_refusals_are_swedish(web: Web) -> None:
    client, csrf = _operator(web)
    post = {"csrf": csrf, "number": "1005", "name": "Karin Carlsson"}
    nothing = client.post("/telefonist/genomringning", data=post, headers=JSON).json()
    assert nothing["error"] == "Du har inget samtal att koppla"
    _in_hand(web)
    asked: list[tuple[str, ...]] = []
    context: Any = web.app.state.context  # type: ignore[attr-defined]

    def ring_through(tenant: str, agent: str, contact: str, number: str) -> None:
        asked.append((tenant, agent, contact, number))
        if number == "4700":
            raise DomainError("a group", code="console-through-person")

    context.console_ring_through = ring_through
    done = client.post("/telefonist/genomringning", data=post, headers=JSON).json()
    assert done["error"] == ""
    assert done["said"] == (
        "Genomringning: Karin Carlsson rings i sina egna telefoner, hänvisningen gäller inte"
    )
    assert asked == [(DEMO_TENANT, "kristina", "c-7", "1005")]
    group = client.post("/telefonist/genomringning", data=post | {"number": "4700"}, headers=JSON)
    assert group.json()["error"].startswith("Genomringning går bara till en person")
    for bad in ("", "Karin", "1" * 41):
        wrong = client.post("/telefonist/genomringning", data=post | {"number": bad}, headers=JSON)
        assert wrong.status_code in (200, 400, 409, 422)
        answer = wrong.json()
        assert answer.get("error") or answer.get("detail"), "refused in words"
    unsigned = client.post("/telefonist/genomringning", data={"number": "1005"}, headers=JSON)
    assert unsigned.status_code == 403, "CSRF"
    assert len(asked) == 2, "nothing else reached telephony"
