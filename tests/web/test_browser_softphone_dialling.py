"""Calls from the browser phone, and its keypad reaching an IVR (issue 15 §2; IVR1, PBX8).

Debian's Chromium with a fake microphone at 1000 Hz is Maria's phone (extension 1003).
It dials as her desk phone would: the switch challenges the INVITE and the line answers
with the extension's digest, so the switch's plan and dial policy decide. Proven with
baresip robots:

- Maria dials the demo's main number, hears the menu, presses 2 on the **page's keypad**
  (RFC 4733 from the line toward the switch's engine) and the flow branches to bygglov:
  Karin's robot phone (the bygglov agent) is offered the call, answers, and both hear
  each other's tone; the contact is recorded in queue bygglov with agent Karin.
- Maria types a colleague's extension in **Ring upp**, presses Enter: the page says it
  rings there and its remote audio carries the switch's 425 Hz ringback (early media);
  the robot answers; both-way audio; Maria hangs up and the robot's call ends.
- Called by a robot, Maria presses 1, 2, 3 on the page's keypad and the caller's phone
  gets each key as RFC 4733 events relayed by the switch's bridge (baresip logs
  "received event: '1' (end=1)"; an earlier try looked for "received DTMF", which this
  baresip never logs).
- A number with letters is refused in Swedish before anything is sent, and a number the
  switch does not know ends the call with "Numret finns inte." (docs/webrtc.md).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_ID,
    AGENT_PASSWORD,
    CALLBACK_EXTENSION,
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
)
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web import test_browser_softphone_calls as calls
from tests.web.browsing import signed_in
from tests.web.conftest import Web
from tests.web.test_browser_softphone_calls import (
    BROWSER_HZ,
    ROBOT_HZ,
    WAIT_MS,
    answer,
    link_maria,
    page_hears,
    ringing_page,
)
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.store import ReadModels

pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
RINGBACK_HZ = 425.0
switch = calls.switch  # the fixtures: Växel's switch with Maria, Debian's Chromium
chromium = calls.chromium


async def shows(page: Any, selector: str, words: str) -> None:
    """Wait until ``selector``'s text contains ``words`` (no string predicates: the CSP)."""
    for _ in range(WAIT_MS // 100):
        if words in await page.inner_text(selector):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{selector} never said {words!r}: {await page.inner_text(selector)!r}")


async def maria_online(web: Web, site: str, switch: Running, chromium: Any) -> Any:
    """Maria's browser phone open, bound to extension 1003, its dial field usable."""
    link_maria(web, switch)
    page: Any = await signed_in(chromium, site, "maria")
    await page.goto(f"{site}/min-telefon/webbtelefon")
    assert await page.is_disabled("#softphone-number")  # no phone yet: nothing to dial with
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_MS)
    await page.wait_for_selector("#softphone-number:enabled", timeout=WAIT_MS)
    return page


async def dial(page: Any, number: str) -> None:
    """Type ``number`` in Ring upp and press Enter, as a keyboard user does."""
    await page.fill("#softphone-number", number)
    await page.press("#softphone-number", "Enter")


async def test_the_pages_keypad_picks_bygglov_in_the_menu_and_reaches_its_agent(
    web: Web, site: str, switch: Running, chromium: Any, tmp_path: Path
) -> None:
    page = await maria_online(web, site, switch, chromium)
    port, center = switch.port, switch.center
    karin = await phone_robot(tmp_path, "karin", port, AGENT_EXTENSION, AGENT_PASSWORD, ROBOT_HZ)
    calls = switch.service.switch.calls
    try:
        await wait_for(
            lambda: center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready", 15
        )
        await dial(page, MAIN_NUMBER)
        await page.wait_for_selector("#softphone-talk:not([hidden])", timeout=WAIT_MS)
        await shows(page, "#softphone-call-text", "Samtal med")  # the flow answered
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        assert not any(c.bridged for c in calls.values())
        await page.click(".softphone-key[data-key='2']")  # bygglov
        await wait_for(lambda: any(c.bridged for c in calls.values()), 20)
        heard = await page_hears(page, ROBOT_HZ)
        assert abs(heard["hz"] - ROBOT_HZ) < 30 and heard["db"] > -60, heard
        await asyncio.sleep(2.0)  # Karin's robot records the browser's tone
        await page.click("#softphone-end")
        await wait_for(lambda: not calls, 10)
        await page.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
    finally:
        log = await karin.stop()
    samples, rate = read_wav(karin.heard)
    assert tone_share(samples, BROWSER_HZ, rate) > 0.5, log[-2000:]
    [record] = ReadModels(center.database).contacts(DEMO_TENANT)
    assert (record.queue_id, record.agent_id, record.caller_number) == (
        "bygglov",
        AGENT_ID,
        CALLBACK_EXTENSION,
    )


async def test_the_browser_dials_a_colleague_hears_ringback_talks_and_hangs_up(
    web: Web, site: str, switch: Running, chromium: Any, tmp_path: Path
) -> None:
    page = await maria_online(web, site, switch, chromium)
    port = switch.port
    account = (
        f"<sip:{CUSTOMER_EXTENSION}@127.0.0.1:{port}>;auth_pass={CUSTOMER_PASSWORD};"
        "answermode=manual;regint=300"
    )
    colleague = await Robot.start(tmp_path, "colleague", account, ROBOT_HZ)
    registration = switch.service.switch.registration
    customer = switch.service.directory.extensions[CUSTOMER_EXTENSION]
    calls = switch.service.switch.calls
    try:
        await wait_for(lambda: bool(registration.bindings(customer)), 15)
        await dial(page, CUSTOMER_EXTENSION)
        await page.wait_for_selector("#softphone-talk:not([hidden])", timeout=WAIT_MS)
        await shows(page, "#softphone-call-text", f"Det ringer hos {CUSTOMER_EXTENSION}")
        assert await page.evaluate("document.activeElement.id") == "softphone-end"
        ringback = await page_hears(page, RINGBACK_HZ)  # the switch's, as early media
        assert abs(ringback["hz"] - RINGBACK_HZ) < 30 and ringback["db"] > -60, ringback
        await colleague.command("accept")
        await shows(page, "#softphone-call-text", f"Samtal med {CUSTOMER_EXTENSION}")
        await wait_for(lambda: any(c.bridged for c in calls.values()), 15)
        heard = await page_hears(page, ROBOT_HZ)
        assert abs(heard["hz"] - ROBOT_HZ) < 30 and heard["db"] > -60, heard
        await asyncio.sleep(2.0)  # the robot records the browser's tone
        await page.click("#softphone-end")
        await wait_for(lambda: not calls, 10)
        await page.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
        assert "Du lade på" in await page.inner_text("#softphone-call-ended")
        assert await page.evaluate("document.activeElement.id") == "softphone-number"
    finally:
        log = await colleague.stop()
    samples, rate = read_wav(colleague.heard)
    assert tone_share(samples, BROWSER_HZ, rate) > 0.5, log[-2000:]


async def test_a_bad_number_is_refused_in_swedish_and_an_unknown_one_ends_the_call(
    web: Web, site: str, switch: Running, chromium: Any
) -> None:
    page = await maria_online(web, site, switch, chromium)
    await dial(page, "abc")
    await page.wait_for_selector("#softphone-error:not([hidden])", timeout=WAIT_MS)
    assert "Skriv ett nummer med siffror" in await page.inner_text("#softphone-error")
    assert await page.evaluate("document.activeElement.id") == "softphone-number"
    assert await page.is_hidden("#softphone-call")  # nothing was sent
    await dial(page, "4999")  # in no plan, no extension
    await shows(page, "#softphone-call-ended", "Numret finns inte")
    assert await page.is_hidden("#softphone-call")
    assert not switch.service.switch.calls


async def test_keys_pressed_while_called_reach_the_callers_phone(
    web: Web, site: str, switch: Running, chromium: Any, tmp_path: Path
) -> None:
    page, robot = await ringing_page(web, site, switch, chromium, tmp_path)
    try:
        await answer(page, switch)
        await asyncio.sleep(1.0)
        for key in "123":
            await page.click(f".softphone-key[data-key='{key}']")
            await asyncio.sleep(0.6)  # a key's events last 100 ms and three end packets
        await asyncio.sleep(1.0)
    finally:
        log = await robot.stop()
    keys: list[str] = []
    for line in log.splitlines():
        if line.startswith("received event:") and "end=1" in line:
            key = line.split("'")[1]
            if not keys or keys[-1] != key:  # an end is sent three times (RFC 4733 §2.5.1.4)
                keys.append(key)
    assert keys == ["1", "2", "3"], log[-2000:]
