"""An hour of the demo's traffic in virtual time, with the demo's other drivers of the ACD
interleaved as they run in ``vaxel demo``: telephony's timer ticking the runtime at each
deadline on its own, and callbacks posted through the REST API (issue 9 §1)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from vaxel.acd.model import AgentState
from vaxel.core.clock import from_local
from vaxel.demo import DEMO_API_KEY, demo_simulator, seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT, demo_agents
from vaxel.store import open_database, upgrade
from vaxel.store.accounts import Accounts
from vaxel.web.app import WebSettings, create_app

STEP_S = 0.1
"""The demo loop's sleep: the simulator catches up with the clock this often."""


def test_an_hour_of_demo_traffic_with_api_callbacks_and_telephony_timers(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database, seed=1)
    start = from_local(datetime(2026, 12, 7, 9, 0))  # a Monday morning: the demo is open
    seed_demo_tenant(center, url, start)
    simulator = demo_simulator(center, start, seed=1, id_prefix="demo-")
    simulator.start(configure=False)
    Accounts(database).add_api_key(DEMO_TENANT, "Webbplatsen", DEMO_API_KEY, start)
    clock = [start]
    web = TestClient(create_app(center, database, WebSettings(), clock=lambda: clock[0]))
    agent_ids = [profile.agent_id for profile, _ in demo_agents()]
    offered_since: dict[str, float] = {}
    api_callbacks: list[str] = []
    now = start
    while now < start + 3600:
        later = now + STEP_S
        # Telephony keeps one timer armed for the ACD's next deadline and fires it on its
        # own, between two turns of the demo loop (TelephonyService._acd_due).
        deadline = center.next_deadline()
        while deadline is not None and deadline <= later:
            center.tick(deadline + 0.001)
            deadline = center.next_deadline()
        if len(api_callbacks) < 4 and later >= start + 60 + 600 * len(api_callbacks):
            clock[0] = later  # the website's form posts a callback (CB7)
            created = web.post(
                "/api/v1/callbacks",
                json={"queue": "kundtjanst", "number": "0701234567"},
                headers={"X-API-Key": DEMO_API_KEY},
            )
            assert created.status_code == 201, created.text
            api_callbacks.append(created.json()["id"])
        simulator.advance_to(later)
        now = later
        for agent_id in agent_ids:
            view = center.acd.agent_view(DEMO_TENANT, agent_id)
            assert view.pause_reason != "unanswered_offers", (agent_id, now - start)
            if view.state is AgentState.OFFERED:
                since = offered_since.setdefault(agent_id, now)
                assert now - since < 60, f"{agent_id} rang for {now - since:.0f} s"
            else:
                offered_since.pop(agent_id, None)
    assert len(api_callbacks) == 4
    for contact_id in api_callbacks:
        row = center.acd.callback_row(DEMO_TENANT, contact_id)
        assert row is not None and row.attempts >= 1, contact_id  # a simulated agent dialled
    assert sum(f.answered for f in simulator.tally.queues.values()) > 100


def test_a_quiet_demo_simulates_nobody_and_keeps_nothing_it_hears(tmp_path: Path) -> None:
    """`vaxel demo --no-traffic` never advances the simulator, so it must not listen:
    what it heard would pile up for as long as the demo runs."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database, seed=1)
    seed_demo_tenant(center, url, 0.0)
    listeners = list(center.listeners)
    simulator = demo_simulator(center, 0.0, seed=1, id_prefix="demo-", traffic=False)
    assert center.listeners == listeners
    assert not any(simulator.plays(profile.agent_id) for profile, _ in demo_agents())
