"""A callback picked from the web list (CB8) with a registered phone (CB9): the agent's
phone rings first, and once it answers the customer is dialled and bridged — the ACD
connected the callback at the pick already, so the answer is not a new AgentAnswered."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    CALLBACK_AGENT_ID,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
)
from tests.telephony.test_robot_phones import AGENT_HZ, CALLER_HZ, phone_robot, wait_for
from vaxel.acd.events import AgentPaused, CallbackClosed, CallbackRequested, ContactPicked
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.callback_history import CallbackHistory

pytestmark = pytest.mark.interop


async def test_a_callback_picked_from_the_list_rings_the_agent_then_dials_the_customer(
    running: Running, tmp_path: Path
) -> None:
    port = running.port
    center, service = running.center, running.service
    agent = await phone_robot(
        tmp_path, "agent", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, AGENT_HZ
    )
    customer = await phone_robot(
        tmp_path, "customer", port, CUSTOMER_EXTENSION, CUSTOMER_PASSWORD, CALLER_HZ
    )
    try:
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, CALLBACK_AGENT_ID).state.value == "ready"
        )
        await wait_for(
            lambda: bool(
                service.registration.bindings(service.directory.extensions[CUSTOMER_EXTENSION])
            )
        )
        # paused, so the ACD offers nothing by itself: she picks it from the list
        center.submit(AgentPaused(DEMO_TENANT, CALLBACK_AGENT_ID, "Återuppringningar"), time.time())
        commands = center.submit(
            CallbackRequested(DEMO_TENANT, "kundtjanst", CUSTOMER_EXTENSION), time.time()
        )
        contact_id = next(c.contact_id for c in commands if hasattr(c, "eligible_at"))
        center.submit(ContactPicked(DEMO_TENANT, CALLBACK_AGENT_ID, contact_id), time.time())
        service.after_external_submit()  # as the web app does after "Ring upp"
        assert contact_id in service.switch.calls  # the list says "your phone rings"
        await wait_for(lambda: any(c.bridged for c in service.switch.calls.values()), 15)
        await customer.command("hangup")
        await wait_for(lambda: not service.switch.calls, 5)
    finally:
        await customer.stop()
        await agent.stop()
    [attempt] = CallbackHistory(center.database).attempts(DEMO_TENANT, [contact_id])[contact_id]
    assert (attempt.agent_id, attempt.call_result) == (CALLBACK_AGENT_ID, "answered")
    center.submit(
        CallbackClosed(DEMO_TENANT, contact_id, CALLBACK_AGENT_ID, "done", "Kunden hjälpt"),
        time.time(),
    )
    row = center.acd.callback_row(DEMO_TENANT, contact_id)
    assert row is not None and row.status.value == "done"
