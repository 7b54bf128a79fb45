"""The operator console's own live stream (issue 16 §8 and the card benchmark): each push
carries her state, the call in hand and the waiting calls of her queues with the caller's
number, so the page draws a new call without fetching anything; only operators have it."""

from __future__ import annotations

import json

from tests.web.conftest import Web, sign_in
from tests.web.test_operator_console import _operator, _submit
from vaxel.acd.events import AgentLoggedIn, AgentPaused, ContactArrived
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.console_stream import console_payload


def test_only_operators_have_the_console_stream(web: Web) -> None:
    for username in ("maria", "chef"):
        client = web.client()
        sign_in(client, DEMO_TENANT, username)
        refused = client.get("/telefonist/handelser")
        assert refused.status_code == 403 and "telefonistbehörighet" in refused.text


def test_a_push_carries_the_waiting_calls_of_her_queues_with_the_callers_number(
    web: Web,
) -> None:
    _operator(web)
    _submit(
        web,
        AgentLoggedIn(DEMO_TENANT, "kristina", ("vaxel",)),
        AgentPaused(DEMO_TENANT, "kristina", "Lunch"),
        ContactArrived(DEMO_TENANT, "c-1", "vaxel", caller_number="0709220690"),
        ContactArrived(DEMO_TENANT, "c-2", "kundtjanst", caller_number="0701111111"),
    )
    ctx = web.app.state.context
    framed = console_payload(ctx, DEMO_TENANT, "kristina")
    assert framed.startswith(b"data: ") and framed.endswith(b"\n\n")
    data = json.loads(framed[6:])
    assert data["state"] == "paused" and data["call"] == ""
    assert [(w["id"], w["caller_number"], w["queue"]) for w in data["waiting"]] == [
        ("c-1", "0709220690", "Växel")  # not the customer service queue's caller: not hers
    ]
    assert 0 <= data["waiting"][0]["waited_s"] <= 5
