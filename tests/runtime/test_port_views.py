"""The contact center's named views (issue 12 §2): adapters ask for views by name and get
plain data that shares nothing with the engine, so a tenant's engine could answer them from
another process — every view survives pickling, and none changes when the engine does."""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

from vaxel.acd.events import AgentLoggedIn, CallbackRequested, ContactArrived
from vaxel.acd.ports import ContactCenterPort
from vaxel.core.errors import NotFound
from vaxel.demo import seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade


def test_the_port_runs_no_adapter_code_against_the_engine() -> None:
    assert not hasattr(ContactCenterPort, "read"), "views are named, never a query"


def test_every_view_is_plain_data_that_outlives_the_engines_next_event(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/views.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    now = time.time()
    seed_demo_tenant(center, url, now)
    center.submit(AgentLoggedIn(DEMO_TENANT, "maria", ("kundtjanst",)), now)
    center.submit(
        ContactArrived(DEMO_TENANT, "c1", "kundtjanst", caller_number="+46701234567"), now
    )
    center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", "+46709876543"), now)
    port: ContactCenterPort = center
    callback_id = next(iter(center.acd.tenant(DEMO_TENANT).callbacks))
    views = {
        "contact": port.contact_view(DEMO_TENANT, "c1"),
        "agent": port.agent_view(DEMO_TENANT, "maria", now),
        "queue": port.queue_status(DEMO_TENANT, "kundtjanst", now),
        "callback": port.callback_row(DEMO_TENANT, callback_id),
        "callbacks": port.callback_context(DEMO_TENANT),
        "hours": port.queue_hours(),
        "targets": port.service_level_targets(DEMO_TENANT),
        "board": port.tenant_board(DEMO_TENANT, now),
        "panel": port.agent_panel(DEMO_TENANT, "maria", now),
    }
    copies = {name: pickle.loads(pickle.dumps(view)) for name, view in views.items()}
    assert copies == views
    for n in range(5):  # the engine moves on; what was read stays as it was
        center.submit(ContactArrived(DEMO_TENANT, f"more-{n}", "kundtjanst"), now + 1)
    assert views == copies
    board = views["board"]
    assert isinstance(board, dict)
    kundtjanst = next(q for q in board["queues"] if q["id"] == "kundtjanst")
    assert kundtjanst["waiting"] >= 1 and kundtjanst["logged_in"] == 1
    later = port.queue_status(DEMO_TENANT, "kundtjanst", now + 1).waiting
    assert later == kundtjanst["waiting"] + 5
    with pytest.raises(NotFound):
        port.contact_view("annanstad", "c1")  # another tenant's id is no contact of mine
