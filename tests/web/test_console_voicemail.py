"""Transfer to the person's voicemail from the console over HTTP (issue 16 §3, OP3): what
is refused in Swedish before telephony is asked, and that a call in hand reaches
telephony with the chosen person. The transfer itself, with robot phones and Chromium,
is tests/web/test_browser_console_voicemail.py."""

from __future__ import annotations

import time

from tests.web.conftest import PASSWORD, Web, sign_in
from vaxel.acd.events import (
    AgentLoggedIn,
    AgentPaused,
    ContactArrived,
    ContactPicked,
)
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

JSON = {"Accept": "application/json"}


def test_refusals_and_the_way_to_telephony(web: Web) -> None:
    web.accounts.add_user(
        DEMO_TENANT,
        "kristina",
        "Kristina Olsson",
        "operator",
        PasswordHashing().hash(PASSWORD),
        "kristina",
    )
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "kristina")
    asked: list[tuple[str, ...]] = []
    context = web.app.state.context  # type: ignore[attr-defined]
    context.console_voicemail = lambda *args: asked.append(args)
    hits = client.get("/telefonist/sok?q=karlson").text
    person = hits.split('data-name="Karin Carlsson"')[0].rsplit('data-person="', 1)[1].split('"')[0]

    def post(**form: str) -> tuple[int, dict[str, str]]:
        answer = client.post("/telefonist/rostbrevlada", data={"csrf": csrf, **form}, headers=JSON)
        return answer.status_code, answer.json()

    assert client.post("/telefonist/rostbrevlada", data={"person": person}).status_code == 403
    assert post() == (409, {"error": "Välj en person i listan", "said": ""})
    assert post(person="finns-inte")[1]["error"] == "Personen finns inte i katalogen"
    assert post(person=person)[1]["error"] == "Du har inget samtal att koppla"
    assert (
        client.post(
            "/telefonist/rostbrevlada", data={"csrf": csrf, "person": "x" * 500}
        ).status_code
        == 400
    )
    assert asked == []

    now = time.time()
    for event in (
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        ContactArrived(DEMO_TENANT, "c-vm", "vaxel", caller_number="0709220690"),
        ContactPicked(DEMO_TENANT, "kristina", "c-vm"),
    ):
        web.center.submit(event, now)
    status, answer = post(person=person)
    assert (status, answer) == (
        200,
        {"error": "", "said": "Kopplat till röstbrevlådan hos Karin Carlsson"},
    )
    assert asked == [(DEMO_TENANT, "kristina", "c-vm", person)]
