"""What the operator console's robot tests share (issue 16): Kristina's console in Chromium
with her desk phone, Karin's phone and an outside caller as baresip robots, the caller
put through to her, and a person chosen in the search the way she does it — by keyboard."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_PASSWORD, Running
from tests.telephony.robots import Robot
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.browsing import signed_in
from tests.web.test_browser_operator import (
    CALLER_HZ,
    KARIN_HZ,
    OPERATOR_EXT,
    OPERATOR_HZ,
    OPERATOR_PASSWORD,
    WAIT_MS,
)
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.call import CallState

__all__ = ["ConsoleScene", "caller_to_operator", "choose", "console_scene"]

CALLER = "0701234567"


async def choose(page: Any, typed: str, name: str) -> Any:
    """Types ``typed`` in the console's search and arrows down to ``name``'s hit; returns
    the hit, selected (the search orders by its own ranking, so the index is looked up)."""
    await page.keyboard.type(typed)
    hit = page.locator(f'#op-results [data-name="{name}"]')
    await hit.wait_for(timeout=WAIT_MS)
    names = await page.locator("#op-results [role=option]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.name)"
    )
    for _ in range(names.index(name)):
        await page.keyboard.press("ArrowDown")
    return hit


async def caller_to_operator(caller: Robot, running: Running, page: Any) -> str:
    """The caller dials the main number and presses 0; returns the call's id once her
    phone answered it and her card shows the caller."""
    switch = running.service.switch
    await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{running.port}")
    await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
    await caller.keys("0")  # the operator queue
    await wait_for(lambda: any(c.state is CallState.BRIDGED for c in switch.calls.values()), 30)
    [contact_id] = list(switch.calls)
    await page.locator("#op-card").get_by_text(CALLER).first.wait_for(timeout=WAIT_MS)
    return contact_id


@dataclass
class ConsoleScene:
    running: Running
    page: Any
    operator: Robot
    karin: Robot
    caller: Robot
    logs: dict[str, str] = field(default_factory=dict)
    """Each robot's log once the scene is over, for the failure messages."""

    def state(self) -> str:
        """Kristina's agent state."""
        return self.running.center.acd.agent_view(DEMO_TENANT, "kristina").state.value

    async def caller_in_hand(self) -> str:
        return await caller_to_operator(self.caller, self.running, self.page)


@asynccontextmanager
async def console_scene(
    console: tuple[Running, str], browser: Any, tmp_path: Path
) -> AsyncIterator[ConsoleScene]:
    """Kristina ready at her console (axe-core may be injected: no CSP), her phone and
    Karin's registered, the caller's robot started; the robots stopped at the end."""
    running, site = console
    switch = running.service.switch
    operator = await phone_robot(
        tmp_path, "operator", running.port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    karin = await phone_robot(
        tmp_path, "karin", running.port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ
    )
    caller = await Robot.start(tmp_path, "caller", f"<sip:{CALLER}@127.0.0.1>;regint=0", CALLER_HZ)
    scene = ConsoleScene(running, None, operator, karin, caller)
    try:
        await wait_for(lambda: scene.state() == "ready", 20)
        registration, extensions = switch.registration, running.service.directory.extensions
        await wait_for(lambda: bool(registration.bindings(extensions[AGENT_EXTENSION])), 20)
        scene.page = await signed_in(browser, site, "kristina", bypass_csp=True)
        await scene.page.goto(f"{site}/telefonist")
        await scene.page.wait_for_function("document.activeElement.id === 'op-q'")
        yield scene
    finally:
        for name, robot in (("caller", caller), ("operator", operator), ("karin", karin)):
            scene.logs[name] = await robot.stop()
