"""The workspace's queue overview: length, wait, who is logged in, each queue's own target
(issue 4 §2, Q21, ST1)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import Web, flashed, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT


def test_the_queue_overview_names_who_is_logged_in_and_each_target(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
    johan = web.client()
    johan_csrf = sign_in(johan, DEMO_TENANT, "johan")
    johan.post("/agent/queues", data={"queue": ["kundtjanst", "barnomsorg"], "csrf": johan_csrf})
    page = client.get("/").text
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<tr data-queue="(\w+)">(.*?)</tr>', page, re.S)
    }
    assert "Johan Nilsson, Maria Johansson" in rows["kundtjanst"]
    assert "Johan Nilsson" in rows["barnomsorg"] and "Maria" not in rows["barnomsorg"]
    assert "Johansson" not in rows["vaxel"]
    assert "20 s" in rows["kundtjanst"]  # the queue's own service-level target
    snapshot = client.get("/api/v1/snapshot").json()
    kundtjanst = next(q for q in snapshot["queues"] if q["id"] == "kundtjanst")
    assert kundtjanst["who"] == "Johan Nilsson, Maria Johansson"


def test_a_taken_callback_asks_for_the_note_and_outcome_on_the_contact_card(web: Web) -> None:
    """CB10: while the callback is in the agent's hand the workspace shows the number to
    call and the mandatory note with done/unanswered; closing it there stays on the page."""
    import time

    from vaxel.acd.commands import NotifyCallbackCreated
    from vaxel.acd.events import CallbackRequested

    commands = web.center.submit(
        CallbackRequested(DEMO_TENANT, "kundtjanst", "+46701234567"), time.time()
    )
    callback = next(c for c in commands if isinstance(c, NotifyCallbackCreated)).contact_id
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
    client.post(f"/callbacks/{callback}/take", data={"csrf": csrf})
    card = client.get("/").text
    assert f'action="/callbacks/{callback}/close"' in card
    assert 'href="tel:+46701234567"' in card and 'value="unanswered"' in card
    assert 'value="end"' not in card  # no "end call" for a call Växel did not connect
    empty = client.post(
        f"/callbacks/{callback}/close",
        data={"csrf": csrf, "outcome": "done", "note": " ", "next": "/"},
    )
    assert empty.headers["location"] == "/" and "anteckning" in flashed(client, empty)
    assert web.center.acd.callback_row(DEMO_TENANT, callback).status.value == "in_progress"  # type: ignore[union-attr]
    done = client.post(
        f"/callbacks/{callback}/close",
        data={"csrf": csrf, "outcome": "done", "note": "Svarat om bygglov", "next": "/"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert web.center.acd.callback_row(DEMO_TENANT, callback).status.value == "done"  # type: ignore[union-attr]
    offsite = client.post(
        f"/callbacks/{callback}/close",
        data={"csrf": csrf, "outcome": "done", "note": "x", "next": "https://evil.example/"},
    )
    assert offsite.headers["location"].startswith("/callbacks")


def test_the_contact_card_shows_the_wait_frozen_at_the_answer(web: Web) -> None:
    """Issue 9 §2: "Väntade" is how long the caller waited, not how long ago they called."""
    from vaxel.acd.events import AgentAnswered, AgentLoggedIn, ContactArrived
    from vaxel.acd.model import Channel
    from vaxel.web.app import WebSettings, create_app

    start = 1_900_000_000.0
    clock = [start]
    app = create_app(web.center, web.center.database, WebSettings(), clock=lambda: clock[0])
    client = TestClient(app, follow_redirects=False)
    sign_in(client, DEMO_TENANT, "maria")
    web.center.submit(AgentLoggedIn(DEMO_TENANT, "maria", ("kundtjanst",)), start)
    web.center.submit(ContactArrived(DEMO_TENANT, "c-1", "kundtjanst", Channel.CALL, 0), start)
    clock[0] = start + 7
    assert "Väntade</dt><dd>7 s</dd>" in client.get("/").text  # ringing: still waiting
    web.center.submit(AgentAnswered(DEMO_TENANT, "maria", "c-1"), start + 12)
    clock[0] = start + 300
    card = client.get("/").text
    assert 'value="end"' in card  # in conversation
    assert "Väntade</dt><dd>12 s</dd>" in card


def test_the_workspace_help_says_how_its_service_level_is_counted(web: Web) -> None:
    """The workspace shows the Servicenivå column too, so its help panel gives the same
    definition as the wallboard's (issue 9 §2)."""
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "maria")
    supervisor = web.client()
    sign_in(supervisor, DEMO_TENANT, "chef")
    for page in (agent.get("/").text, supervisor.get("/wallboard").text):
        help_panel = page[page.index('<details class="help">') : page.index("</details>")]
        assert "Servicenivå = besvarade inom målet" in help_panel
        assert "väntande över målet" in help_panel and "Korta avhopp räknas inte" in help_panel
