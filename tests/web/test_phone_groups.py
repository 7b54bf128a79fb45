"""Answer groups on "Min telefon" (issue 14 §3, PBX3): anyone sees each group's number and
who is logged in; a member logs in and out there; for a group answered through an ACD
queue that is the member's agent logging in to and out of the queue, and a queue the
agent may not answer is refused on the page with nothing changed."""

from __future__ import annotations

import re
import time

from tests.web.conftest import Web, flashed, sign_in
from vaxel.acd.events import AgentLoggedOut
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT

PAGE = "/min-telefon/grupper"


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _row(page: str, group_id: str) -> str:
    found = re.search(rf'<tr data-group="{group_id}">(.*?)</tr>', page, re.S)
    assert found, f"no row for {group_id}"
    return found.group(1)


def _agent_queues(web: Web, agent_id: str) -> tuple[str, ...]:
    return web.center.agent_view(DEMO_TENANT, agent_id, time.time()).queue_ids


def test_a_member_logs_in_to_a_queue_group_and_everyone_sees_it(web: Web) -> None:
    numbering = web.app.state.context.pbx_numbering  # type: ignore[attr-defined]
    member = (GroupMember("agent-maria", logged_in=False),)
    for group_id, name, queue in (
        ("kund", "Kundgruppen", "kundtjanst"),
        ("bygg", "Bygg", "bygglov"),
    ):
        numbering.put_group(
            AnswerGroup(DEMO_TENANT, group_id, name, GroupStrategy.QUEUE, member, queue_id=queue)
        )
    numbering.put_number(DEMO_TENANT, "1990", Target(TargetKind.GROUP, "kund"))
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    page = client.get(PAGE)
    assert page.status_code == 200
    kund = _row(page.text, "kund")
    assert "1990" in kund and "Via en kö" in kund and "Logga in i Kundgruppen" in kund
    assert "Inte medlem" in _row(page.text, "vaxeln")  # the demo's switchboard, seen by all
    assert "kundtjanst" not in _agent_queues(web, "maria")

    done = client.post(PAGE, data={"csrf": _csrf(page.text), "group_id": "kund", "in": "1"})
    assert flashed(client, done) == ""
    assert "kundtjanst" in _agent_queues(web, "maria")  # the one engine's queue login
    kund = _row(client.get(PAGE).text, "kund")
    assert "Maria Johansson" in kund and "Logga ut ur Kundgruppen" in kund

    other = web.client()
    sign_in(other, DEMO_TENANT, "johan")
    seen = _row(other.get(PAGE).text, "kund")
    assert "Maria Johansson" in seen and "Inte medlem" in seen

    refused = client.post(PAGE, data={"csrf": _csrf(page.text), "group_id": "bygg", "in": "1"})
    assert "får inte logga in i kön" in flashed(client, refused)
    assert "bygglov" not in _agent_queues(web, "maria")
    assert "Logga in i Bygg" in _row(client.get(PAGE).text, "bygg")  # nothing stored

    out = client.post(PAGE, data={"csrf": _csrf(page.text), "group_id": "kund", "in": "0"})
    assert flashed(client, out) == ""
    assert "kundtjanst" not in _agent_queues(web, "maria")
    assert "Logga in i Kundgruppen" in _row(client.get(PAGE).text, "kund")


def test_a_queue_group_shows_who_the_engine_has_logged_in(web: Web) -> None:
    """Who is logged in to a group answered by a queue is the engine's (issue 14 §3, PBX3):
    the agent logging in to the queue from the workspace shows on the group page and in the
    REST groups, and the engine logging them out by itself (Q23) shows them out."""
    numbering = web.app.state.context.pbx_numbering  # type: ignore[attr-defined]
    member = (GroupMember("agent-maria", logged_in=False),)
    numbering.put_group(
        AnswerGroup(
            DEMO_TENANT, "kund", "Kundgruppen", GroupStrategy.QUEUE, member, queue_id="kundtjanst"
        )
    )
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    assert "Maria Johansson" not in _row(client.get(PAGE).text, "kund")

    joined = client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
    assert joined.status_code == 303 and "kundtjanst" in _agent_queues(web, "maria")
    kund = _row(client.get(PAGE).text, "kund")
    assert "Maria Johansson" in kund and "Logga ut ur Kundgruppen" in kund
    shown = numbering.group(DEMO_TENANT, "kund")
    assert shown is not None and shown.logged_in() == ["agent-maria"]

    web.center.submit(AgentLoggedOut(DEMO_TENANT, "maria", actor="system"), time.time())
    kund = _row(client.get(PAGE).text, "kund")
    assert "Maria Johansson" not in kund and "Logga in i Kundgruppen" in kund
