"""Camp-on from the operator console with robot phones (issue 16 §3 and its Tests, OP4, spec
§54): Karin's robot phone is in a call with Maria's, so her line is busy; a baresip caller
presses 0 and the operator's robot answers; in Chromium she types "karlson", chooses Karin
Carlsson and presses F6: the caller hears the camp-on message and music, and her console
shows the call waiting at Karin's with a timer. Karin hangs up; the camped call rings her
robot, which answers, and caller and Karin hear each other. A second F6 while nothing is
in hand, and one on a free line, are refused in Swedish."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.camp_on_scene import KARIN, KARIN_SHORT, MARIA_HZ, karin_as_a_person
from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_PASSWORD,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    Running,
)
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import heard_prompt, phone_robot, wait_for
from tests.web.browsing import SHOTS, signed_in
from tests.web.test_browser_axe import _axe
from tests.web.test_browser_operator import (  # noqa: F401  (the fixture)
    CALLER_HZ,
    CONTEXTS,
    KARIN_HZ,
    OPERATOR_EXT,
    OPERATOR_HZ,
    OPERATOR_PASSWORD,
    WAIT_MS,
    console,
)
from vaxel.directory.presence import LineState
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.call import CallState

pytestmark = [pytest.mark.interop, pytest.mark.timeout(300)]


async def says(locator: Any, text: str, within_s: float = 20.0) -> None:
    """Wait until ``locator`` shows ``text`` ("" : nothing), polled from Python (the page's
    CSP forbids the eval that Playwright's own polling needs)."""
    shown = ""
    for _ in range(int(within_s / 0.1)):
        shown = (await locator.inner_text()).strip()
        if (text in shown) if text else not shown:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} not shown: {shown!r}")


async def test_camp_on_a_busy_extension_connects_when_it_hangs_up(
    console: tuple[Running, str],  # noqa: F811
    browser: Any,
    tmp_path: Path,
) -> None:
    running, site = console
    switch, port, center = running.service.switch, running.port, running.center
    reach = karin_as_a_person(running)
    CONTEXTS[site].directory_views.lines = reach  # the console's statuses: the same lines
    operator = await phone_robot(
        tmp_path, "operator", port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, KARIN_HZ)
    maria = await phone_robot(
        tmp_path, "maria", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, MARIA_HZ
    )
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    logs: dict[str, str] = {}
    try:
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
        )
        extensions = running.service.directory.extensions
        for extension in (AGENT_EXTENSION, CALLBACK_EXTENSION):
            await wait_for(
                lambda e=extension: bool(switch.registration.bindings(extensions[e])), 20
            )
        # axe-core is injected into the page to check the camped calls on the card
        page: Any = await signed_in(browser, site, "kristina", bypass_csp=True)
        await page.goto(f"{site}/telefonist")
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        error = page.locator("#op-error")
        await page.keyboard.type("karlson")
        karin_hit = page.locator('#op-results [data-name="Karin Carlsson"]')
        await karin_hit.wait_for(timeout=WAIT_MS)
        await page.keyboard.press("F6")  # nothing in hand: refused in Swedish
        await says(error, "Du har inget samtal att väntkoppla")

        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        dialled_at = time.monotonic()
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("0")  # the switchboard
        await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 20)
        [contact_id] = list(switch.calls)
        await page.locator("#op-card").get_by_text("0701234567").first.wait_for(timeout=WAIT_MS)

        names = await page.locator("#op-results [role=option]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.name)"
        )
        for _ in range(names.index("Karin Carlsson")):
            await page.keyboard.press("ArrowDown")
        assert await karin_hit.get_attribute("aria-selected") == "true"
        await page.keyboard.press("F6")  # Karin is free: camp-on is refused, connect instead
        await says(error, "Anknytningen är inte upptagen")
        assert switch.calls[contact_id].state is CallState.BRIDGED  # nothing changed

        await maria.command("dial", f"sip:{KARIN_SHORT}@127.0.0.1:{port}")  # Karin is busy
        await wait_for(lambda: reach.line(DEMO_TENANT, KARIN) is LineState.BUSY, 20)
        await page.keyboard.press("F6")
        camped_at = time.monotonic()
        await wait_for(lambda: switch.calls[contact_id].state is CallState.PARKED, 10)
        await says(error, "")
        camped = page.locator("#op-camped")
        await camped.get_by_text("Karin Carlsson").wait_for(timeout=WAIT_MS)
        assert "0701234567" in await camped.inner_text()
        assert "plats 1" in await camped.inner_text()
        await page.wait_for_function("document.activeElement.id === 'op-q'")
        # she is free for the next call while the caller waits
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").contact_id != contact_id, 10
        )
        await page.locator("#op-card").get_by_text("Inget samtal").wait_for(timeout=WAIT_MS)
        await page.keyboard.type("karlson")
        await karin_hit.locator('[data-field="camped"]').wait_for(timeout=WAIT_MS)
        assert "1 väntkopplat samtal" in await karin_hit.inner_text()
        assert "Upptagen" in await karin_hit.locator('[data-field="status"]').inner_text()
        await page.screenshot(path=str(SHOTS / "operator-camp-on.png"))
        assert await _axe(page, "/telefonist, väntkopplat") == []  # WCAG 2.1 AA
        await asyncio.sleep(7.0)  # the caller hears the message, then music

        await karin.command("hangup")  # Karin's line is free: the camped call rings her
        await wait_for(lambda: switch.calls[contact_id].state is CallState.TRANSFERRED, 20)
        await camped.wait_for(state="detached", timeout=WAIT_MS)
        await asyncio.sleep(3.0)  # the caller and Karin talk
        await caller.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        for name, robot in (("caller", caller), ("operator", operator), ("karin", karin)):
            logs[name] = await robot.stop()
        logs["maria"] = await maria.stop()
    heard, rate = read_wav(karin.heard)  # Karin's last call: the camped caller
    assert tone_share(heard, CALLER_HZ, rate) > 0.5, logs["karin"][-2000:]
    assert tone_share(heard, MARIA_HZ, rate) < 0.1
    heard, rate = read_wav(caller.heard)
    assert tone_share(heard, KARIN_HZ, rate) > 0.5, logs["caller"][-2000:]
    start = int(camped_at - dialled_at)
    message = max(
        heard_prompt(heard[second * rate :], rate, "sv/system/vantkopplad")
        for second in range(max(0, start - 2), start + 3)
    )
    assert message > 0.8, "the caller heard the camp-on message"
