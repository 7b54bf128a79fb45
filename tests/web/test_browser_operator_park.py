"""Park and retrieve from the operator console, keyboard only (issue 16 §3, OP3): a baresip
caller presses 0 (the operator queue) and the operator's robot phone answers; in Chromium
she presses F9 — the caller is parked on the first free orbit (700), hears music, her
phone's leg is hung up and her card lists *Parkerade samtal* with the orbit, the caller's
number and a timer; F10 rings her phone with it again and caller and operator hear each
other. A second caller parked with F9 and left there comes back to her phone by itself
after the tenant's park recall time (10 s here)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import Running
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.browsing import SHOTS, signed_in
from tests.web.test_browser_operator import (
    CALLER_HZ,
    OPERATOR_EXT,
    OPERATOR_HZ,
    OPERATOR_PASSWORD,
    WAIT_MS,
    console,
)
from vaxel.pbx.park import ParkSettings
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.telephony.call import CallState
from vaxel.telephony.calls import Call

pytestmark = [pytest.mark.interop, pytest.mark.timeout(300)]
__all__ = ["console"]  # the fixture, shared with the keyboard test
RECALL_S = 10.0  # the shortest park recall a tenant may set


async def _answered_by_her(running: Running, caller: Robot, page: Any, number: str) -> Call:
    """The caller dials the main number and presses 0; her robot phone answers; the call
    is on her card."""
    switch, port = running.service.switch, running.port
    await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
    await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
    await caller.keys("0")
    await wait_for(lambda: any(c.bridged for c in switch.calls.values()), 20)
    [call] = [c for c in switch.calls.values() if c.bridged]
    await page.locator("#op-card").get_by_text(number).first.wait_for(timeout=WAIT_MS)
    await page.wait_for_function("document.activeElement.id === 'op-q'")
    return call


async def test_park_with_f9_retrieve_with_f10_and_the_timed_recall_comes_back_to_her(
    console: tuple[Running, str], browser: Any, tmp_path: Path
) -> None:
    running, site = console
    switch = running.service.switch
    switch.parking.settings = lambda _: ParkSettings(recall_s=RECALL_S)
    operator = await phone_robot(
        tmp_path, "operator", running.port, OPERATOR_EXT, OPERATOR_PASSWORD, OPERATOR_HZ
    )
    first = await Robot.start(tmp_path, "first", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    second = await Robot.start(tmp_path, "second", "<sip:0707654321@127.0.0.1>;regint=0", 900.0)
    logs: dict[str, str] = {}
    try:
        center = running.center
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 20
        )
        page: Any = await signed_in(browser, site, "kristina")
        await page.goto(f"{site}/telefonist")
        await page.wait_for_function("document.activeElement.id === 'op-q'")

        # 1. F9 parks the call in hand on the first free orbit
        call = await _answered_by_her(running, first, page, "0701234567")
        await page.keyboard.press("F9")
        await wait_for(lambda: call.state is CallState.PARKED, 10)
        assert switch.parking.lot(DEMO_TENANT).orbit_of(call.call_id) == "700"
        assert call.agent is None, "her phone's leg is hung up; the caller hears music"
        parked = page.locator('#op-parked [data-orbit="700"]')
        await parked.wait_for(timeout=WAIT_MS)
        shown = await parked.inner_text()
        assert "700" in shown and "0701234567" in shown, shown
        assert "Parkerat på 700" in await page.locator("#op-said").inner_text()
        assert await page.locator("#op-error").inner_text() == ""
        seconds = parked.locator("[data-ticks]")
        ticked = int(await seconds.inner_text())
        await page.wait_for_timeout(2100)
        assert int(await seconds.inner_text()) > ticked, "the timer runs"
        await page.screenshot(path=str(SHOTS / "operator-park.png"))  # the README's
        await page.wait_for_function("document.activeElement.id === 'op-q'")

        # 2. F10 rings her phone with it; answered, they talk again
        await page.keyboard.press("F10")
        await wait_for(lambda: call.state is CallState.BRIDGED, 15)  # her contact again
        assert center.acd.agent_view(DEMO_TENANT, "kristina").contact_id == call.call_id
        assert switch.parking.lot(DEMO_TENANT).parked() == [], "the orbit is free again"
        await page.locator("#op-parked").wait_for(state="detached", timeout=WAIT_MS)
        await asyncio.sleep(3.0)  # the caller and the operator talk
        await first.command("hangup")
        await wait_for(lambda: call.call_id not in switch.calls, 10)

        # 3. parked and left: the park's recall rings her by itself
        await wait_for(lambda: not switch.calls, 10)
        if center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "wrap_up":
            await page.keyboard.press("F7")  # ready for the next call
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, "kristina").state.value == "ready", 40
        )
        again = await _answered_by_her(running, second, page, "0707654321")
        await page.keyboard.press("F9")
        await wait_for(lambda: again.state is CallState.PARKED, 10)
        parked_at = time.monotonic()
        await wait_for(lambda: again.state is CallState.BRIDGED, RECALL_S + 20)
        assert time.monotonic() - parked_at >= RECALL_S - 1.0, "after the recall time"
        assert again.caller is not None and not again.caller.machine.ended
        await second.command("hangup")
        await wait_for(lambda: not switch.calls, 10)
    finally:
        for name, robot in (("first", first), ("second", second), ("operator", operator)):
            logs[name] = await robot.stop()
    heard, rate = read_wav(first.heard)
    assert tone_share(heard, OPERATOR_HZ, rate) > 0.2, logs["first"][-2000:]  # after F10
