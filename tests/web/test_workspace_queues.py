"""The workspace's queue overview: length, wait, who is logged in, each queue's own target
(issue 4 §2, Q21, ST1)."""

from __future__ import annotations

import re

from tests.web.conftest import Web, sign_in
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
