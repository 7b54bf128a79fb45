"""The supervisor wallboard (ST1): per-queue service level against each queue's own target,
today's traffic per quarter hour in Stockholm time, agents by state, tenant isolation."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, Web, sign_in
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentLoggedIn,
    AgentPaused,
    ContactAbandoned,
    ContactArrived,
    ContactEnded,
    QueueConfigured,
    TimerTick,
)
from vaxel.acd.model import AgentProfile, Channel, QueueConfig
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.app import WebSettings, create_app
from vaxel.web.i18n import LANGUAGE_COOKIE


def utc(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[misc]


DAY = utc(2030, 1, 15, 9, 8)
"""The wallboard's "now": 10:08 in Stockholm (CET, UTC+1) on a winter Tuesday."""


def clocked(web: Web, now: float = DAY) -> TestClient:
    """A supervisor's client of an app whose clock stands still at ``now``."""
    app = create_app(web.center, web.center.database, WebSettings(), clock=lambda: now)
    client = TestClient(app, follow_redirects=False)
    sign_in(client, DEMO_TENANT, "chef")
    return client


def add_queue(web: Web, queue_id: str, target_s: float, goal: float, at: float) -> None:
    config = QueueConfig(
        DEMO_TENANT, queue_id, queue_id.title(), service_level_s=target_s, service_level_goal=goal
    )
    web.center.submit(QueueConfigured(config), at)
    profile = AgentProfile(DEMO_TENANT, f"agent-{queue_id}", "Test", permitted_queues=(queue_id,))
    web.center.submit(AgentConfigured(profile), at)
    web.center.submit(AgentLoggedIn(DEMO_TENANT, f"agent-{queue_id}", (queue_id,)), at)


def answer_after(web: Web, queue_id: str, contact_id: str, at: float, wait_s: float) -> None:
    web.center.submit(ContactArrived(DEMO_TENANT, contact_id, queue_id, Channel.CALL, 0), at)
    web.center.submit(AgentAnswered(DEMO_TENANT, f"agent-{queue_id}", contact_id), at + wait_s)


def queue_of(snapshot: dict, queue_id: str) -> dict:
    return next(q for q in snapshot["queues"] if q["id"] == queue_id)


def test_each_queue_measures_its_own_target_and_goal(web: Web) -> None:
    """Answered after 20 s: outside a 10 s target, inside a 30 s one; the overall level
    adds up what each queue counted in time, not one global target."""
    start = DAY - 600
    add_queue(web, "snabb", 10, 0.9, start)
    add_queue(web, "lugn", 30, 0.8, start)
    answer_after(web, "snabb", "s-1", start + 1, 20)
    answer_after(web, "lugn", "l-1", start + 1, 20)
    web.center.submit(ContactArrived(DEMO_TENANT, "l-2", "lugn", Channel.CALL, 0), start + 60)
    web.center.submit(ContactAbandoned(DEMO_TENANT, "l-2"), start + 70)
    snapshot = clocked(web).get("/api/v1/snapshot").json()

    fast, calm = queue_of(snapshot, "snabb"), queue_of(snapshot, "lugn")
    assert (fast["answered"], fast["in_target"], fast["service_level"]) == (1, 0, "0 %")
    assert (fast["target_s"], fast["goal"], fast["below_goal"]) == (10, "90 %", True)
    assert (calm["answered"], calm["abandoned"], calm["in_target"]) == (1, 1, 1)
    assert (calm["service_level"], calm["goal"], calm["below_goal"]) == ("50 %", "80 %", True)
    overall = snapshot["overall"]
    assert (overall["answered"], overall["abandoned"], overall["in_target"]) == (2, 1, 1)
    assert overall["service_level"] == "33 %"
    assert overall["goal"] == ""  # the queues' goals differ: no single goal to claim


def test_a_caller_waiting_past_the_target_lowers_the_level_as_the_wait_crosses_it(
    web: Web,
) -> None:
    """Issue 9 §2: a board must not say 100 % while callers wait for minutes. The waiting
    caller counts as missed from the second the wait passes the target, on the wallboard
    and in the workspace's queue overview alike; answering them later changes nothing."""
    start = DAY - 600
    add_queue(web, "snabb", 20, 0.8, start)
    answer_after(web, "snabb", "s-1", start, 5)
    web.center.submit(ContactArrived(DEMO_TENANT, "s-2", "snabb", Channel.CALL, 0), DAY - 20)
    at_target = queue_of(clocked(web, DAY).get("/api/v1/snapshot").json(), "snabb")
    assert (at_target["waiting_past_target"], at_target["service_level"]) == (0, "100 %")
    late = clocked(web, DAY + 1)
    past = queue_of(late.get("/api/v1/snapshot").json(), "snabb")
    assert (past["waiting_past_target"], past["service_level"], past["below_goal"]) == (
        1,
        "50 %",
        True,
    )
    for page in (late.get("/wallboard").text, late.get("/").text):
        row = page[page.index('data-queue="snabb"') :]
        assert 'data-field="service_level">50 %' in row[: row.index("</tr>")]
    web.center.submit(ContactEnded(DEMO_TENANT, "s-1"), DAY + 25)  # the agent is free
    web.center.submit(AgentAnswered(DEMO_TENANT, "agent-snabb", "s-2"), DAY + 30)
    answered = queue_of(clocked(web, DAY + 31).get("/api/v1/snapshot").json(), "snabb")
    assert (answered["answered"], answered["in_target"], answered["waiting_past_target"]) == (
        2,
        1,
        0,
    )
    assert answered["service_level"] == "50 %"


def test_short_abandons_are_not_counted_and_the_threshold_is_the_queues(web: Web) -> None:
    """Hanging up after 3 s is a short abandon under a 5 s threshold (left out), not under
    a 2 s one; a 10 s abandon counts either way."""
    start = DAY - 600
    add_queue(web, "snabb", 20, 0.8, start)
    answer_after(web, "snabb", "s-1", start, 5)
    for contact_id, wait_s in (("short", 3), ("long", 10)):
        at = start + 100
        web.center.submit(ContactArrived(DEMO_TENANT, contact_id, "snabb", Channel.CALL, 0), at)
        web.center.submit(ContactAbandoned(DEMO_TENANT, contact_id), at + wait_s)
    queue = queue_of(clocked(web).get("/api/v1/snapshot").json(), "snabb")
    assert (queue["abandoned"], queue["short_abandoned"], queue["service_level"]) == (
        2,
        1,
        "50 %",
    )
    strict = QueueConfig(
        DEMO_TENANT,
        "snabb",
        "Snabb",
        service_level_s=20,
        service_level_goal=0.8,
        short_abandon_s=2,
    )
    web.center.submit(QueueConfigured(strict), DAY - 1)
    queue = queue_of(clocked(web).get("/api/v1/snapshot").json(), "snabb")
    assert (queue["short_abandoned"], queue["service_level"]) == (0, "33 %")
    assert "Korta avhopp" in clocked(web).get("/wallboard").text  # the help says how


def test_a_queue_at_its_goal_is_not_flagged_and_the_page_colours_the_one_under(web: Web) -> None:
    start = DAY - 600
    add_queue(web, "snabb", 10, 0.9, start)
    add_queue(web, "lugn", 30, 0.8, start)
    answer_after(web, "snabb", "s-1", start + 1, 20)
    answer_after(web, "lugn", "l-1", start + 1, 20)
    client = clocked(web)
    assert queue_of(client.get("/api/v1/snapshot").json(), "lugn")["below_goal"] is False
    page = client.get("/wallboard").text
    row = page[page.index('data-queue="snabb"') :]
    assert 'below-goal" data-field="service_level">0 %' in row[: row.index("</tr>")]
    row = page[page.index('data-queue="lugn"') :]
    assert "below-goal" not in row[: row.index("</tr>")]
    assert "90 % / 10 s" in page and "80 % / 30 s" in page


def test_the_chart_counts_each_contact_in_its_stockholm_quarter_hour(web: Web) -> None:
    """Intervals are Stockholm's: 08:59:30 UTC is 09:59:30 there (the 09:45 quarter),
    09:00:10 UTC the 10:00 one; yesterday evening is not today."""
    add_queue(web, "snabb", 10, 0.8, utc(2030, 1, 14, 22, 0))
    submit = web.center.submit
    yesterday = utc(2030, 1, 14, 22, 50)  # 23:50 local the day before
    submit(ContactArrived(DEMO_TENANT, "yesterday", "snabb", Channel.CALL, 0), yesterday)
    submit(ContactAbandoned(DEMO_TENANT, "yesterday"), yesterday + 5)
    submit(ContactArrived(DEMO_TENANT, "a", "snabb", Channel.CALL, 0), utc(2030, 1, 15, 8, 59, 30))
    submit(ContactAbandoned(DEMO_TENANT, "a"), utc(2030, 1, 15, 8, 59, 35))
    submit(ContactArrived(DEMO_TENANT, "b", "snabb", Channel.CALL, 0), utc(2030, 1, 15, 9, 0, 10))
    submit(AgentAnswered(DEMO_TENANT, "agent-snabb", "b"), utc(2030, 1, 15, 9, 0, 20))
    submit(ContactArrived(DEMO_TENANT, "c", "snabb", Channel.CALL, 0), utc(2030, 1, 15, 9, 7))
    chart = clocked(web).get("/api/v1/snapshot").json()["chart"]

    assert chart["interval_min"] == 15
    assert chart["labels"][0] == "07:00" and chart["labels"][-1] == "10:00"
    by_label = {
        label: (chart["offered"][i], chart["answered"][i], chart["abandoned"][i])
        for i, label in enumerate(chart["labels"])
    }
    assert by_label["09:45"] == (1, 0, 1)
    assert by_label["10:00"] == (2, 1, 0)
    assert sum(chart["offered"]) == 3


def test_the_chart_numbers_are_a_table_by_stockholm_quarter_and_the_svg_is_described(
    web: Web,
) -> None:
    """Issue 9 §13: the traffic chart's numbers are on the page as a table (what a screen
    reader reads, and what the chart draws), each row labelled with its Stockholm time; the
    page gives wallboard.js the SVG's title and description."""
    add_queue(web, "snabb", 10, 0.8, DAY - 3600)
    web.center.submit(ContactArrived(DEMO_TENANT, "a", "snabb", Channel.CALL, 0), DAY - 60)
    page = clocked(web).get("/wallboard").text
    rows = re.findall(
        r"<tr><td>(\d\d:\d\d)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
        r"<td class=\"num\">(\d+)</td></tr>",
        page[page.index('id="chart-rows"') :],
    )
    assert rows[0] == ("07:00", "0", "0", "0") and rows[-1] == ("10:00", "1", "0", "0")
    assert len(rows) == 13  # 07:00 … 10:00 local, quarter by quarter
    chart = page[page.index('<div id="chart"') :]
    chart = chart[: chart.index("></div>")]
    assert 'data-title="Inkomna, besvarade och avbrutna samtal per kvart i dag"' in chart
    assert "{from} till {to}, klockslag i svensk tid" in chart and "{offered} inkomna" in chart


def test_agents_by_state_per_queue_match_the_agent_list(web: Web) -> None:
    now = DAY - 300
    web.center.submit(AgentLoggedIn(DEMO_TENANT, "karin", ("bygglov",)), now)
    web.center.submit(AgentLoggedIn(DEMO_TENANT, "lars", ("bygglov", "kundtjanst")), now)
    web.center.submit(AgentLoggedIn(DEMO_TENANT, "ali", ("kundtjanst", "bygglov")), now)
    web.center.submit(AgentPaused(DEMO_TENANT, "ali", "lunch"), now + 1)
    web.center.submit(ContactArrived(DEMO_TENANT, "c-1", "bygglov", Channel.CALL, 0), now + 2)
    offered = [
        a["id"]
        for a in clocked(web).get("/api/v1/snapshot").json()["agents"]
        if a["state"] == "offered"
    ]
    web.center.submit(AgentAnswered(DEMO_TENANT, offered[0], "c-1"), now + 5)
    snapshot = clocked(web).get("/api/v1/snapshot").json()

    for queue in snapshot["queues"]:
        members = [a for a in snapshot["agents"] if queue["id"] in a["queues"]]
        states = [a["state"] for a in members]
        assert queue["logged_in"] == len(members)
        assert queue["ready"] == states.count("ready")
        assert queue["busy"] == states.count("busy") + states.count("offered")
        assert queue["wrap_up"] == states.count("wrap_up")
        assert queue["paused"] == states.count("paused")
    bygglov = queue_of(snapshot, "bygglov")
    assert (bygglov["logged_in"], bygglov["busy"], bygglov["paused"]) == (3, 1, 1)
    busy = next(a for a in snapshot["agents"] if a["state"] == "busy")
    assert busy["in_state_s"] == 300 - 5
    assert snapshot["at"] == DAY


def test_the_auto_pause_reason_is_shown_by_name_and_the_api_keeps_the_id(web: Web) -> None:
    """Issue 9 §13: Q23's auto-pause shows as "Obesvarade samtal" (English "Unanswered
    calls") on the wallboard and in the agent's workspace, never as its id."""
    start = DAY - 600
    web.center.submit(QueueConfigured(QueueConfig(DEMO_TENANT, "q", offer_timeout_s=10)), start)
    profile = AgentProfile(
        DEMO_TENANT, "maria", "Maria Johansson", permitted_queues=("q",), max_unanswered=1
    )
    web.center.submit(AgentConfigured(profile), start)
    web.center.submit(AgentLoggedIn(DEMO_TENANT, "maria", ("q",)), start)
    web.center.submit(ContactArrived(DEMO_TENANT, "c-1", "q", Channel.CALL, 0), start + 1)
    web.center.submit(TimerTick(DEMO_TENANT), start + 11)  # the offer rang out: paused
    board = clocked(web)
    maria = next(a for a in board.get("/api/v1/snapshot").json()["agents"] if a["id"] == "maria")
    assert (maria["state"], maria["pause_reason"]) == ("paused", "unanswered_offers")
    page = board.get("/wallboard").text
    row = page[page.index('data-agent="maria"') :]
    assert "Obesvarade samtal" in row[: row.index("</tr>")]
    names = page[page.index('id="pause-names">') :]
    assert json.loads(names[17 : names.index("</script>")]) == {
        "unanswered_offers": "Obesvarade samtal",
        # the browser phone's own pauses (issue 15, Bad input: telephony/browser_readiness.py)
        "softphone_no_microphone": "Webbtelefonen saknar mikrofon",
        "softphone_denied": "Webbtelefonen får inte använda mikrofonen",
        "softphone_media_failed": "Webbtelefonens ljud kom inte fram",
        "softphone_closed": "Webbtelefonen är inte ansluten",
        # her chosen audio device cannot ring (issue 16, PBX9: telephony/browser_readiness.py)
        "mobile_no_trunk": "Mobilen kan inte ringas: organisationen har ingen trunk",
        "mobile_barred": "Mobilen kan inte ringas: numret är spärrat för dig",
        "desk_phone_missing": "Bordstelefonen är inte registrerad",
    }  # what live.js shows when the state changes
    app = create_app(web.center, web.center.database, WebSettings(), clock=lambda: DAY)
    agent = TestClient(app, follow_redirects=False)
    agent.cookies.set(LANGUAGE_COOKIE, "en")
    sign_in(agent, DEMO_TENANT, "maria")
    workspace = agent.get("/").text
    assert "(Unanswered calls)" in workspace
    for text in (page, workspace):
        visible = text[: text.index('<script type="application/json"')]
        assert "unanswered_offers" not in visible


def test_a_tenant_never_sees_another_tenants_queues_or_agents(web: Web) -> None:
    """ADM2: the snapshot, the page and the live stream of tenant A hold none of B's."""
    demo = web.client()
    sign_in(demo, DEMO_TENANT, "chef")
    other = web.client()
    sign_in(other, OTHER, "olle")
    mine = json.dumps(demo.get("/api/v1/snapshot").json())
    theirs = json.dumps(other.get("/api/v1/snapshot").json())
    assert '"reception"' not in mine and '"olle"' not in mine and "Olle Ek" not in mine
    assert '"reception"' in theirs and '"olle"' in theirs
    assert '"bygglov"' not in theirs and '"karin"' not in theirs
    page = demo.get("/wallboard").text
    assert "reception" not in page and "Olle Ek" not in page
    with demo.stream("GET", "/events") as stream:
        line = next(line for line in stream.iter_lines() if line.startswith("data: "))
    live = json.loads(line[6:])
    assert {q["id"] for q in live["queues"]} >= {"bygglov"}
    assert "reception" not in line and "Olle Ek" not in line


def test_an_agent_may_not_open_the_wallboard(web: Web) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    assert client.get("/wallboard").status_code == 403


def test_all_pages_share_one_snapshot_built_once_per_change_not_per_tick() -> None:
    """ST1 at 200 pages: one build and one encoding per event, shared; the clock alone
    (pages count times on from ``at``) rebuilds only after REFRESH_S."""
    from vaxel.acd.events import AgentReady
    from vaxel.web.live import REFRESH_S, LiveHub

    hub = LiveHub()
    builds: list[float] = []

    def build() -> dict[str, float]:
        builds.append(len(builds))
        return {"at": len(builds)}

    payloads = {hub.payload("t", 100.0 + n / 100, build) for n in range(200)}
    assert len(builds) == 1 and payloads == {b'data: {"at":1}\n\n'}
    hub.payload("t", 105.0, build)
    assert len(builds) == 1  # seconds passing are the browser's business
    hub.committed(AgentReady("t", "karin"), [], 105.0)
    hub.committed(AgentReady("other", "karin"), [], 105.0)
    assert {hub.payload("t", 105.0, build) for _ in range(200)} == {b'data: {"at":2}\n\n'}
    hub.payload("t", 105.0 + REFRESH_S, build)
    assert len(builds) == 3
