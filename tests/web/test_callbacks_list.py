"""The callback list worked end to end over HTTP (CB8–CB11): attempt history, the note,
unanswered → requeued until max attempts, a supervisor's requeue, two agents racing for
one item, click-to-call by phone or by hand, and the rows the page refetches live."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import Web, flashed, sign_in
from vaxel.acd.events import AgentPaused, AgentReady, CallbackRequested, TimerTick
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.callback_history import CallbackHistory
from vaxel.web.app import WebSettings, create_app

NUMBER = "0701234567"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def app_of(web: Web, clock: Clock, on_phone: Callable[[str], bool] = lambda c: False) -> Any:
    return create_app(
        web.center, web.center.database, WebSettings(), clock=clock, on_phone=on_phone
    )


def agent(app: Any, username: str) -> tuple[TestClient, str]:
    """An agent signed in, logged in to kundtjänst and paused (so nothing is offered)."""
    client = TestClient(app, follow_redirects=False)
    csrf = sign_in(client, DEMO_TENANT, username)
    client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
    client.post("/agent/state", data={"action": "pause", "reason": "Möte", "csrf": csrf})
    return client, csrf


def request_callback(web: Web, now: float) -> str:
    web.center.submit(
        CallbackRequested(DEMO_TENANT, "kundtjanst", NUMBER, caller_data={"kundnummer": "4711"}),
        now,
    )
    [row] = [r for r in web.center.acd.callback_list(DEMO_TENANT) if r.number == NUMBER]
    return row.contact_id


def row_of(page: str, contact_id: str) -> str:
    found = re.search(rf'<tr id="cb-{contact_id}".*?</tr>', page, re.S)
    assert found, page[-2000:]
    return found.group(0)


def error_of(client: TestClient, response: Any) -> str:
    """The message the post left for the next page (the session's flash)."""
    return flashed(client, response)


def test_unanswered_requeues_with_history_until_max_attempts_then_a_supervisor_requeues(
    web: Web,
) -> None:
    clock = Clock(1.8e9)
    app = app_of(web, clock)
    maria, csrf = agent(app, "maria")
    contact_id = request_callback(web, clock.now)
    for attempt in (1, 2, 3):
        taken = maria.post(f"/callbacks/{contact_id}/take", data={"csrf": csrf})
        assert error_of(maria, taken) == "", attempt
        closed = maria.post(
            f"/callbacks/{contact_id}/close",
            data={"outcome": "unanswered", "note": f"Inget svar {attempt}", "csrf": csrf},
        )
        assert error_of(maria, closed) == ""
        row = row_of(maria.get("/callbacks").text, contact_id)
        if attempt < 3:  # CB11: back in the list after the retry delay (600 s in the demo)
            assert 'data-status="requeued"' in row and "Nästa försök från" in row
            assert "Ring upp" not in row  # not before its time
            clock.now += 601
            web.center.submit(TimerTick(), clock.now)
            maria.post("/agent/state", data={"action": "pause", "reason": "Möte", "csrf": csrf})
    assert 'data-status="failed"' in row and "3 av 3" in row
    for n in (1, 2, 3):  # the history: every attempt with time, agent, outcome and note
        assert f'data-attempt="{n}"' in row and f"Inget svar {n}" in row
    assert row.count("Maria Johansson") >= 3
    assert "Nytt försök från" in row
    history = CallbackHistory(web.center.database).attempts(DEMO_TENANT, [contact_id])
    assert [(a.attempt, a.agent_id, a.outcome) for a in history[contact_id]] == [
        (1, "maria", "unanswered"),
        (2, "maria", "unanswered"),
        (3, "maria", "unanswered"),
    ]
    assert history[contact_id][2].next_at is None  # failed: no next attempt
    assert CallbackHistory(web.center.database).attempts("annanstad", [contact_id]) == {}
    assert "Lägg i kö igen" not in row
    refused = maria.post(f"/callbacks/{contact_id}/requeue", data={"csrf": csrf})
    assert refused.status_code == 403
    boss = TestClient(app, follow_redirects=False)
    boss_csrf = sign_in(boss, DEMO_TENANT, "chef")
    assert "Lägg i kö igen" in row_of(boss.get("/callbacks").text, contact_id)
    requeued = boss.post(f"/callbacks/{contact_id}/requeue", data={"csrf": boss_csrf})
    assert error_of(boss, requeued) == ""
    row = row_of(boss.get("/callbacks").text, contact_id)
    assert 'data-status="requeued"' in row and "Lagd i kö igen av chef" in row
    again = boss.post(f"/callbacks/{contact_id}/requeue", data={"csrf": boss_csrf})
    assert "misslyckad" in error_of(boss, again)
    assert (
        maria.post(f"/callbacks/{contact_id}/take", data={"csrf": csrf}).headers["location"]
        == "/callbacks"
    )  # a fresh round: it can be worked again


def test_a_note_is_required_and_done_closes_it(web: Web) -> None:
    clock = Clock(1.8e9)
    app = app_of(web, clock)
    maria, csrf = agent(app, "maria")
    contact_id = request_callback(web, clock.now)
    maria.post(f"/callbacks/{contact_id}/take", data={"csrf": csrf})
    row = row_of(maria.get("/callbacks").text, contact_id)
    # no phone of Maria's is connected: the number is a tel: link and she records the outcome
    assert f'href="tel:{NUMBER}"' in row and f"Ring upp {NUMBER}" in row
    assert "Ingen telefon är ansluten" in row and 'name="note"' in row
    blank = maria.post(
        f"/callbacks/{contact_id}/close", data={"outcome": "done", "note": "  ", "csrf": csrf}
    )
    assert "anteckning" in error_of(maria, blank)
    assert web.center.acd.callback_row(DEMO_TENANT, contact_id).status.value == "in_progress"  # type: ignore[union-attr]
    maria.post(
        f"/callbacks/{contact_id}/close",
        data={"outcome": "done", "note": "Fakturan förklarad", "csrf": csrf},
    )
    row = row_of(maria.get("/callbacks").text, contact_id)
    assert 'data-status="done"' in row and "Fakturan förklarad" in row and "Ring upp" not in row
    [attempt] = CallbackHistory(web.center.database).attempts(DEMO_TENANT, [contact_id])[contact_id]
    assert (attempt.outcome, attempt.note, attempt.next_at) == ("done", "Fakturan förklarad", None)


def test_with_a_phone_the_row_says_the_phone_rings_first(web: Web) -> None:
    clock = Clock(1.8e9)
    app = app_of(web, clock, on_phone=lambda contact_id: True)
    maria, csrf = agent(app, "maria")
    contact_id = request_callback(web, clock.now)
    maria.post(f"/callbacks/{contact_id}/take", data={"csrf": csrf})
    row = row_of(maria.get("/callbacks").text, contact_id)
    assert "Din telefon ringer" in row and f'tel:{NUMBER}" class' not in row
    assert "Ingen telefon är ansluten" not in row


def test_two_agents_race_for_one_callback_and_one_wins(web: Web) -> None:
    clock = Clock(1.8e9)
    app = app_of(web, clock)
    racers = [agent(app, "maria"), agent(app, "johan")]
    contact_id = request_callback(web, clock.now)
    start = threading.Barrier(2)
    results: dict[str, Any] = {}

    def take(name: str, client: TestClient, csrf: str) -> None:
        start.wait()
        results[name] = client.post(f"/callbacks/{contact_id}/take", data={"csrf": csrf})

    threads = [
        threading.Thread(target=take, args=(name, client, csrf))
        for name, (client, csrf) in zip(("maria", "johan"), racers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clients = dict(zip(("maria", "johan"), (client for client, _ in racers), strict=True))
    errors = {name: error_of(clients[name], response) for name, response in results.items()}
    winners = [name for name, error in errors.items() if not error]
    assert len(winners) == 1, errors
    [loser] = [name for name in errors if name not in winners]
    winner_name = {"maria": "Maria Johansson", "johan": "Johan Nilsson"}[winners[0]]
    assert errors[loser] == f"{winner_name} har redan tagit den här återuppringningen"
    view = web.center.acd.contact_view(DEMO_TENANT, contact_id)
    assert view.agent_id == winners[0]
    # the loser's list shows who works it and offers no button; closing it is refused too
    loser_client, loser_csrf = racers[("maria", "johan").index(loser)]
    row = row_of(loser_client.get("/callbacks").text, contact_id)
    assert winner_name in row and "Ring upp" not in row and 'name="note"' not in row
    closed = loser_client.post(
        f"/callbacks/{contact_id}/close",
        data={"outcome": "done", "note": "Inte min", "csrf": loser_csrf},
    )
    assert error_of(loser_client, closed) == "Någon annan arbetar med den här återuppringningen"
    assert web.center.acd.contact_view(DEMO_TENANT, contact_id).agent_id == winners[0]


def test_the_rows_and_their_version_change_only_with_the_callback_list(web: Web) -> None:
    """What the page refetches live: its rows alone, and a version bumped by callback
    events only (an agent pausing does not make every list page refetch)."""
    clock = Clock(1.8e9)
    app = app_of(web, clock)
    maria, _ = agent(app, "maria")
    version = lambda: int(  # noqa: E731
        re.search(r'data-version="(\d+)"', maria.get("/callbacks").text).group(1)  # type: ignore[union-attr]
    )
    before = version()
    web.center.submit(AgentReady(DEMO_TENANT, "maria"), clock.now)
    web.center.submit(AgentPaused(DEMO_TENANT, "maria", "Lunch"), clock.now)
    assert version() == before
    contact_id = request_callback(web, clock.now)
    assert version() == before + 1
    rows = maria.get("/callbacks/rows?queue=kundtjanst").text
    assert rows.lstrip().startswith("{#") is False and "<html" not in rows
    assert f'id="cb-{contact_id}"' in rows
    probe = maria.get("/callbacks/changes")  # without since: the version once, then done
    assert probe.text == f"data: {before + 1}\n\n"
    with maria.stream("GET", f"/callbacks/changes?since={before}") as response:
        first = next(line for line in response.iter_lines() if line.startswith("data:"))
    assert first == f"data: {before + 1}"


def test_the_list_sorts_by_agent_and_by_last_note_too(web: Web) -> None:
    """CB8: every column sorts, also "who tried before" and the last log text."""
    clock = Clock(1.8e9)
    app = app_of(web, clock)
    clients = {name: agent(app, name) for name in ("maria", "johan")}
    ids = []
    for number, (name, note) in zip(
        ("0701111111", "0702222222"), (("maria", "Ö sist"), ("johan", "A först")), strict=True
    ):
        web.center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", number), clock.now)
        [row] = [r for r in web.center.acd.callback_list(DEMO_TENANT) if r.number == number]
        client, csrf = clients[name]
        client.post(f"/callbacks/{row.contact_id}/take", data={"csrf": csrf})
        client.post(
            f"/callbacks/{row.contact_id}/close",
            data={"outcome": "done", "note": note, "csrf": csrf},
        )
        ids.append(row.contact_id)
    maria = clients["maria"][0]

    def order(sort: str) -> list[str]:
        page = maria.get(f"/callbacks?sort={sort}").text
        return re.findall(r'<tr id="cb-([^"]+)"', page)

    assert order("note") == [ids[1], ids[0]]
    assert order("agents") == [ids[1], ids[0]]  # johan before maria
    assert order("number") == [ids[0], ids[1]]


def test_the_api_gives_a_callbacks_attempts_to_its_own_tenant_only(web: Web) -> None:
    clock = Clock(1.8e9)
    app = app_of(web, clock)
    maria, csrf = agent(app, "maria")
    contact_id = request_callback(web, clock.now)
    maria.post(f"/callbacks/{contact_id}/take", data={"csrf": csrf})
    maria.post(
        f"/callbacks/{contact_id}/close",
        data={"outcome": "unanswered", "note": "Upptaget", "csrf": csrf},
    )
    web.accounts.add_api_key(DEMO_TENANT, "test", "egen-nyckel", clock.now)
    web.accounts.add_api_key("annanstad", "test", "annan-nyckel", clock.now)
    api = TestClient(app)
    path = f"/api/v1/callbacks/{contact_id}/attempts"
    [attempt] = api.get(path, headers={"X-API-Key": "egen-nyckel"}).json()
    assert (attempt["attempt"], attempt["agent_id"], attempt["outcome"], attempt["note"]) == (
        1,
        "maria",
        "unanswered",
        "Upptaget",
    )
    assert datetime.fromisoformat(attempt["next_at"]).timestamp() == clock.now + 600
    assert attempt["next_at"].endswith(("+01:00", "+02:00"))  # ISO 8601, Stockholm offset
    assert api.get(path, headers={"X-API-Key": "annan-nyckel"}).status_code == 404
    assert api.get(path).status_code == 401


def test_a_callback_for_a_later_interval_cannot_be_called_before_it_starts(web: Web) -> None:
    """CB2: a callback for the afternoon waits; the list says from when, with no button."""
    from datetime import datetime

    from vaxel.core.clock import from_local

    clock = Clock(from_local(datetime(2027, 3, 2, 9, 0)))
    app = app_of(web, clock)
    maria, csrf = agent(app, "maria")
    web.center.submit(
        CallbackRequested(DEMO_TENANT, "kundtjanst", NUMBER, interval_id="em"), clock.now
    )
    [row] = [r for r in web.center.acd.callback_list(DEMO_TENANT) if r.number == NUMBER]
    html = row_of(maria.get("/callbacks").text, row.contact_id)
    assert "Får ringas från 2 mar 13:00" in html and "Ring upp" not in html
    refused = maria.post(f"/callbacks/{row.contact_id}/take", data={"csrf": csrf})
    assert error_of(maria, refused).startswith("Återuppringningen får inte ringas än")


def test_a_long_form_value_is_cut_in_the_list_with_the_whole_value_on_hover(web: Web) -> None:
    """Issue 9 §3: a long caller data value must not push the callback list off-screen."""
    clock = Clock(1.8e9)
    app = app_of(web, clock)
    maria, _ = agent(app, "maria")
    value = "Fakturafråga " * 7  # 91 characters, inside the API's limit of 100
    web.center.submit(
        CallbackRequested(DEMO_TENANT, "kundtjanst", NUMBER, caller_data={"ärende": value}),
        clock.now,
    )
    [row] = [r for r in web.center.acd.callback_list(DEMO_TENANT) if r.number == NUMBER]
    html = row_of(maria.get("/callbacks").text, row.contact_id)
    assert f'class="muted clip" title="ärende: {value}"' in html
    page = maria.get("/callbacks").text
    assert ".clip {" in page and "overflow-wrap:break-word" in page
