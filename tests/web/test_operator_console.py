"""The operator console over HTTP (issue 16 §1–§3, OP1–OP3, Q21, Q28): who may open it,
what its live part shows of a real ContactCenter, taking a call from the list, the
directory search with presence and status, and the blind transfer's way to telephony."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, sign_in
from vaxel.acd.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentPaused,
    ContactAbandoned,
    ContactArrived,
)
from vaxel.core.errors import DomainError
from vaxel.pbx.groups import AnswerGroup, GroupMember
from vaxel.pbx.numbering import DidRange, Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

JSON = {"Accept": "application/json"}


def _operator(web: Web) -> tuple[TestClient, str]:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(
        DEMO_TENANT, "kristina", "Kristina Olsson", "operator", hashed, "kristina"
    )
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "kristina")
    assert csrf
    return client, csrf


def _submit(web: Web, *events: Any) -> None:
    for event in events:
        web.center.submit(event, time.time())


def test_only_operators_open_the_console(web: Web) -> None:
    for username in ("maria", "chef", "admin"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        for path in ("/telefonist", "/telefonist/lage", "/telefonist/sok?q=karlson"):
            response = client.get(path)
            assert response.status_code == 403, (username, path)
            assert "telefonistbehörighet" in response.text
        refused = client.post("/telefonist/ta", data={"csrf": csrf}, headers=JSON)
        assert refused.status_code == 403
    assert web.client().get("/telefonist").status_code in (303, 401)  # signed out


def test_she_sees_her_queues_the_waiting_calls_and_takes_one(web: Web) -> None:
    client, csrf = _operator(web)
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        AgentLoggedIn(DEMO_TENANT, "anna", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "anna", "Lunch"),
        ContactArrived(DEMO_TENANT, "c-1", "vaxel", caller_number="0709220690"),
        ContactArrived(DEMO_TENANT, "c-2", "vaxel", caller_number="0701234567"),
    )
    page = client.get("/telefonist")
    assert page.status_code == 200
    assert 'id="op-q"' in page.text and "autofocus" in page.text  # the search has focus
    assert "F2" in page.text and "Enter" in page.text  # the keys are documented
    live = client.get("/telefonist/lage")
    assert live.headers["cache-control"] == "no-store"
    assert "Växel" in live.text and "Anna Lindqvist" in live.text  # who else is logged in
    assert live.text.count('name="contact"') == 2  # both waiting calls, to take
    taken = client.post("/telefonist/ta", data={"csrf": csrf, "contact": "c-2"}, headers=JSON)
    assert taken.status_code == 200 and taken.json() == {"error": ""}
    view = web.center.agent_view(DEMO_TENANT, "kristina", time.time())
    assert (view.state.value, view.contact_id) == ("busy", "c-2")  # the one she chose
    card = client.get("/telefonist/lage").text
    assert "0701234567" in card and "Okänd i katalogen" in card
    again = client.post("/telefonist/ta", data={"csrf": csrf, "contact": "c-2"}, headers=JSON)
    assert again.status_code == 409 and again.json()["error"]  # refused in Swedish


def test_f2_takes_the_longest_waiting_call_and_the_card_names_a_known_caller(web: Web) -> None:
    client, csrf = _operator(web)
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
    )
    nothing = client.post("/telefonist/ta", data={"csrf": csrf}, headers=JSON)
    assert nothing.json() == {"error": "Inga samtal väntar i dina köer"}
    _submit(
        web,
        ContactArrived(DEMO_TENANT, "c-before", "bygglov", caller_number="0709220690"),
        ContactAbandoned(DEMO_TENANT, "c-before"),  # she called this morning and gave up
        ContactArrived(DEMO_TENANT, "c-elin", "vaxel", caller_number="0709220690"),
    )
    taken = client.post("/telefonist/ta", data={"csrf": csrf}, headers=JSON)
    assert taken.json() == {"error": ""}
    card = client.get("/telefonist/lage").text
    assert "Elin Carlsson" in card  # her mobile, found in the directory
    assert 'id="op-dialled"' not in card  # no telephony here: nothing known of the dialling
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    context.dialled_of = lambda contact_id: "+46812342091" if contact_id == "c-elin" else ""
    card = client.get("/telefonist/lage").text
    dialled = re.search(r'<dd id="op-dialled">(.*?)</dd>', card, re.S)
    assert dialled is not None and "Elin Carlsson" in dialled.group(1)  # her direct number
    assert 'data-field="status"' in dialled.group(1)  # with her line's status (OP2)
    context.dialled_of = lambda contact_id: "08-123 450 00"  # the demo's main number
    card = client.get("/telefonist/lage").text
    assert "Huvudnumret" in card
    earlier = re.search(r'<ul id="op-earlier">(.*?)</ul>', card, re.S)
    assert earlier is not None and "Bygglov · Avbruten" in earlier.group(1)
    assert earlier.group(1).count("<li>") == 1  # not the call in hand itself


def test_the_card_shows_whom_the_caller_dialled_from_the_contacts_record(web: Web) -> None:
    """After a restart telephony knows nothing of the call, but the contact's record (the
    journal) still says whom the caller dialled, so the card shows the person (OP2)."""
    client, csrf = _operator(web)
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        ContactArrived(
            DEMO_TENANT, "c-k", "vaxel", caller_number="0701234567", dialled_number="+46812342091"
        ),
    )
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    context.dialled_of = lambda contact_id: "08-123 450 00"  # the record wins over this
    assert client.post("/telefonist/ta", data={"csrf": csrf}, headers=JSON).json() == {"error": ""}
    card = client.get("/telefonist/lage").text
    dialled = re.search(r'<dd id="op-dialled">(.*?)</dd>', card, re.S)
    assert dialled is not None and "Elin Carlsson" in dialled.group(1)  # her direct number
    assert "Huvudnumret" not in card
    assert "Inloggad i" not in dialled.group(1)  # in no group yet
    elin = re.search(
        r'data-person="([^"]+)"[^>]*data-name="Elin Carlsson"',
        client.get("/telefonist/sok", params={"q": "elin carlsson"}).text,
        re.S,
    )
    assert elin is not None
    context.pbx_numbering.put_group(
        AnswerGroup(DEMO_TENANT, "skola", "Skolexpeditionen", members=(GroupMember(elin.group(1)),))
    )
    card = client.get("/telefonist/lage").text
    dialled = re.search(r'<dd id="op-dialled">(.*?)</dd>', card, re.S)
    assert dialled is not None and "Inloggad i Skolexpeditionen" in dialled.group(1)  # §68


def test_the_search_shows_the_groups_a_person_is_logged_in_to_and_who_answers_a_group(
    web: Web,
) -> None:
    """Spec §68: the operator sees which call groups a person is logged in to, and for a
    group she searches for, who is logged in; another organisation's groups never show."""
    client, _csrf = _operator(web)
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    numbering = context.pbx_numbering
    first = client.get("/telefonist/sok", params={"q": "karin carlsson"}).text
    karin_id = re.search(r'data-person="([^"]+)"[^>]*data-name="Karin Carlsson"', first, re.S)
    assert karin_id is not None
    karin = karin_id.group(1)
    members = (GroupMember(karin), GroupMember("agent-maria", logged_in=False))
    numbering.put_group(AnswerGroup(DEMO_TENANT, "bygg", "Byggfrågor", members=members))
    numbering.put_group(AnswerGroup(DEMO_TENANT, "lon", "Lönefrågor", members=members[:1]))
    numbering.put_number(DEMO_TENANT, "1950", Target(TargetKind.GROUP, "bygg"))
    numbering.put_group(AnswerGroup(OTHER, "bygg2", "Byggfrågor Annanstad"))
    found = client.get("/telefonist/sok", params={"q": "karin carlsson"}).text
    hit = re.search(rf'data-person="{karin}"(.*?)</li>', found, re.S)
    assert hit is not None and "Inloggad i Byggfrågor, Lönefrågor" in hit.group(1)
    numbering.set_login(DEMO_TENANT, "lon", karin, False)  # she logs out of one
    found = client.get("/telefonist/sok", params={"q": "karin carlsson"}).text
    hit = re.search(rf'data-person="{karin}"(.*?)</li>', found, re.S)
    assert hit is not None and "Inloggad i Byggfrågor<" in hit.group(1)
    groups = client.get("/telefonist/sok", params={"q": "bygg"}).text
    row = re.search(r'<li data-group="bygg" data-number="1950">(.*?)</li>', groups, re.S)
    assert row is not None and "Inloggade: Karin Carlsson" in row.group(1)
    assert "Maria" not in row.group(1)  # a member logged out does not answer
    assert "Annanstad" not in groups  # tenant isolation
    by_number = client.get("/telefonist/sok", params={"q": "195"}).text
    assert 'data-group="bygg"' in by_number
    lon = client.get("/telefonist/sok", params={"q": "löne"}).text
    assert "Ingen inloggad" in lon


def test_the_search_is_the_directorys_with_presence_status_and_a_number(web: Web) -> None:
    client, _csrf = _operator(web)
    found = client.get("/telefonist/sok", params={"q": "karlson"}).text
    names = re.findall(r'data-name="([^"]+)"', found)
    assert "Karin Carlsson" in names and "Erik Karlsson" in names  # phonetic
    assert 'data-number="1005"' in found  # Karin's extension, where Enter connects
    assert 'data-field="status"' in found and 'data-field="presence"' in found
    assert client.get("/telefonist/sok", params={"q": "x" * 201}).status_code == 400


def test_connect_goes_to_telephony_and_its_refusal_comes_back_in_swedish(web: Web) -> None:
    client, csrf = _operator(web)
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        ContactArrived(DEMO_TENANT, "c-3", "vaxel", caller_number="0701234567"),
    )
    _submit(web, AgentAnswered(DEMO_TENANT, "kristina", "c-3"))
    post = {"csrf": csrf, "number": "1005"}
    refused = client.post("/telefonist/koppla", data=post, headers=JSON)
    assert refused.json() == {"error": "Telefonin är inte igång: samtal kan inte kopplas"}
    asked: list[tuple[str, ...]] = []
    context: Any = web.app.state.context  # type: ignore[attr-defined]

    def transfer(tenant: str, agent: str, contact: str, number: str) -> None:
        asked.append((tenant, agent, contact, number))
        if number == "0900123456":
            raise DomainError("barred", code="console-barred")

    context.console_transfer = transfer
    done = client.post("/telefonist/koppla", data=post, headers=JSON)
    assert done.json() == {"error": ""}
    assert asked == [(DEMO_TENANT, "kristina", "c-3", "1005")]
    barred = client.post("/telefonist/koppla", data=post | {"number": "0900 123 456"}, headers=JSON)
    assert barred.json() == {"error": "Numret är spärrat för dig"}
    for bad in ("", "Karin", "1" * 41):
        wrong = client.post("/telefonist/koppla", data=post | {"number": bad}, headers=JSON)
        assert wrong.status_code in (400, 409, 422)
    assert len(asked) == 2  # nothing else reached telephony


def test_the_card_names_the_queue_a_direct_number_without_a_person_reaches(web: Web) -> None:
    """OP2: a direct number the plan maps to a queue, with no person behind it, makes the
    contact carry the queue's short number; the card says "Bygglov (kö)", not a bare number."""
    client, csrf = _operator(web)
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    plan = context.pbx_numbering
    plan.put_did_range(DEMO_TENANT, DidRange.parse("+4686001000", "+4686001099", "6000"))
    plan.put_number(DEMO_TENANT, "6050", Target(TargetKind.QUEUE, "bygglov"))
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        ContactArrived(DEMO_TENANT, "c-q", "vaxel", caller_number="0701234567"),
    )
    assert client.post("/telefonist/ta", data={"csrf": csrf}, headers=JSON).json() == {"error": ""}
    for number in ("6050", "+46 8 600 10 50"):  # the queue's short number, its direct number
        context.dialled_of = lambda contact_id, n=number: n
        card = client.get("/telefonist/lage").text
        dialled = re.search(r'<dd id="op-dialled">(.*?)</dd>', card, re.S)
        assert dialled is not None, number
        assert "<strong>Bygglov (kö)</strong>" in dialled.group(1), number
    context.dialled_of = lambda contact_id: "6099"  # a number of no queue stays bare
    card = client.get("/telefonist/lage").text
    assert "(kö)" not in card
