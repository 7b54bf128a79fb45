"""The operator console with robot phones, keyboard only (issue 16 §1–§4, OP1–OP3): a
baresip robot calls the demo's main number and presses 0 (the operator queue, Växel); the
operator's own phone — a second robot, her extension 1011 — answers; in Chromium she
types "karlson", sees the Carlssons with presence and status as she types, moves to Karin
Carlsson with the arrow key and presses Enter: the switch transfers the caller, Karin's
robot phone rings and answers, and caller and Karin hear each other. No mouse is used."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running, start
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.browsing import SHOTS, signed_in
from tests.web.conftest import PASSWORD
from vaxel.app.console_calls import (
    console_camp_on,
    console_consults,
    console_parking,
    console_transfer,
    dialled_of,
    recalls_of,
)
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.call import CallState
from vaxel.telephony.directory import Extension
from vaxel.web.app import WebSettings, create_app
from vaxel.web.passwords import PasswordHashing

pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
OPERATOR_EXT, OPERATOR_PASSWORD = "1011", "robot-1011-secret"
CALLER_HZ, OPERATOR_HZ, KARIN_HZ = 1000.0, 1300.0, 1700.0
WAIT_MS = 30_000
CONTEXTS: dict[str, Any] = {}
"""Each served site's web context, for a test that wires more of it (camp-on's lines)."""


@pytest.fixture
async def console(tmp_path: Path) -> AsyncIterator[tuple[Running, str]]:
    """The switch and the web app over one ContactCenter, wired as the composition root
    does (the console's transfer reaches the switch), served on a free port."""
    running = await start(tmp_path)
    running.service.directory.extensions[OPERATOR_EXT] = Extension(
        DEMO_TENANT, OPERATOR_EXT, OPERATOR_PASSWORD, "kristina", auto_login_queues=("vaxel",)
    )
    center = running.center
    hashed = PasswordHashing().hash(PASSWORD)
    from vaxel.store.accounts import Accounts

    Accounts(center.database).add_user(
        DEMO_TENANT, "kristina", "Kristina Olsson", "operator", hashed, "kristina"
    )
    app = create_app(
        center,
        center.database,
        WebSettings(),
        after_submit=running.service.after_external_submit,
        on_phone=lambda contact_id: contact_id in running.service.switch.calls,
    )
    app.state.context.console_transfer = console_transfer(running.service)
    app.state.context.dialled_of = dialled_of(running.service)
    app.state.context.console_consults = console_consults(  # issue 16 §3
        running.service, app.state.context.hub.wake
    )
    app.state.context.recalls_of = recalls_of(running.service, app.state.context.hub.wake)
    context = app.state.context
    console_camp_on(running.service, context)
    parking = console_parking(running.service)  # issue 16 §3: park from the console
    context.console_park, context.console_retrieve, context.parked_of = parking
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    CONTEXTS[f"http://127.0.0.1:{port}"] = context
    yield running, f"http://127.0.0.1:{port}"
    CONTEXTS.pop(f"http://127.0.0.1:{port}", None)
    server.should_exit = True
    await task
    await running.service.close()


async def test_answer_search_and_transfer_with_the_keyboard_only(
    console: tuple[Running, str], browser: Any, tmp_path: Path
) -> None:
    running, site = console
    switch, port = running.service.switch, running.port
    operator = await phone_robot(
        tmp_path, "operator", port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    logs: dict[str, str] = {}
    try:
        center = running.center
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
        )
        registration = switch.registration
        extensions = running.service.directory.extensions
        await wait_for(lambda: bool(registration.bindings(extensions[AGENT_EXTENSION])), 20)
        page: Any = await signed_in(browser, site, "kristina")
        await page.goto(f"{site}/telefonist")
        field = page.locator("#op-q")
        await page.wait_for_function("document.activeElement.id === 'op-q'")

        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("0")  # the switchboard: the operator queue
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 20)
        [contact_id] = list(switch.calls)
        assert center.acd.agent_view(DEMO_TENANT, "kristina").contact_id == contact_id
        # the live stream brings the call in hand to the card, without a reload
        card = page.locator("#op-card")
        await card.get_by_text("0701234567").first.wait_for(timeout=WAIT_MS)
        assert "Växel" in await card.inner_text()
        assert "Huvudnumret" in await page.locator("#op-dialled").inner_text()  # what was dialled
        await page.wait_for_function("document.activeElement.id === 'op-q'")

        await page.keyboard.type("karlson")
        karin_hit = page.locator('#op-results [data-name="Karin Carlsson"]')
        await karin_hit.wait_for(timeout=WAIT_MS)
        assert await karin_hit.get_attribute("data-number") == AGENT_EXTENSION
        assert await karin_hit.locator('[data-field="status"]').inner_text()  # e.g. Tillgänglig
        names = await page.locator("#op-results [role=option]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.name)"
        )
        for _ in range(names.index("Karin Carlsson")):
            await page.keyboard.press("ArrowDown")
        assert await karin_hit.get_attribute("aria-selected") == "true"
        await page.screenshot(path=str(SHOTS / "operator-console.png"))
        assert await field.get_attribute("aria-activedescendant") == await karin_hit.get_attribute(
            "id"
        )
        await page.keyboard.press("Enter")

        def with_karin() -> bool:  # the caller's call, now talking with whom it rang
            call = switch.calls.get(contact_id)
            return call is not None and call.state is CallState.TRANSFERRED

        await wait_for(with_karin, 20)  # Karin's phone rang and answered
        assert await page.locator("#op-error").inner_text() == ""
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        assert await field.input_value() == ""  # ready for the next call
        await card.get_by_text("Inget samtal").wait_for(timeout=WAIT_MS)
        await asyncio.sleep(3.0)  # the caller and Karin talk
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        for name, robot in (("caller", caller), ("operator", operator), ("karin", karin)):
            logs[name] = await robot.stop()
    heard, rate = read_wav(karin.heard)
    assert tone_share(heard, CALLER_HZ, rate) > 0.5, logs["karin"][-2000:]
    assert tone_share(heard, OPERATOR_HZ, rate) < 0.1  # the operator had left the call
    assert center.acd.agent_view(DEMO_TENANT, "kristina").state.value in ("wrap_up", "ready")
