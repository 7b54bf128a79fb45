"""The browser phone takes real calls (issue 15 §1–2): Debian's Chromium with a fake
microphone playing 1000 Hz opens the phone as Maria, whose extension is then bound to it;
a baresip robot playing 1500 Hz calls Maria's short number through Växel's switch; the page
shows "Inkommande samtal från …", Maria answers, the robot hears the browser's tone and the
page's remote audio (Web Audio AnalyserNode) carries the robot's; hold re-INVITEs the
switch; the page's socket dropping mid-call does not end it (the page takes it back on its
next socket); whoever hangs up, the other side's call ends (docs/webrtc.md)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.conftest import CALLBACK_EXTENSION, Running, start
from tests.telephony.robots import Robot, read_wav, tone_share
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.browsing import CHROMIUM_ARGS, signed_in
from tests.web.conftest import Web
from tests.web.test_browser_softphone import write_tone
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import NumberingPlan, Target, TargetKind
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.telephony.directory import Extension
from vaxel.webrtc.link import RegistrarLink
from vaxel.webrtc.phones import BrowserPhones

pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
BROWSER_HZ, ROBOT_HZ = 1000.0, 1500.0
CALLER_EXT, PASSWORD = "3001", "robot-webrtc-secret"
MARIA_SHORT = "4503"
WAIT_MS = 30_000
"""How long the page may take to connect or ring, at load 15 on two cores."""
SOCKETS = """(() => {
  const Original = window.WebSocket;
  window.vaxelSockets = [];
  window.WebSocket = class extends Original {
    constructor(...args) {
      super(...args);
      window.vaxelSockets.push(this);
    }
  };
})()"""
"""Keeps the page's sockets reachable, so the test can drop the phone's (a network drop)."""

REMOTE_PEAK = """async () => {
  const audio = document.getElementById("softphone-remote");
  const context = new AudioContext();
  await context.resume();
  const analyser = context.createAnalyser();
  analyser.fftSize = 4096;
  context.createMediaStreamSource(audio.srcObject).connect(analyser);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const data = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(data);
  let peak = 1;
  for (let i = 1; i < data.length; i++) if (data[i] > data[peak]) peak = i;
  await context.close();
  return { hz: (peak * context.sampleRate) / analyser.fftSize, db: data[peak] };
}"""


@pytest.fixture
async def switch(tmp_path: Path) -> AsyncIterator[Running]:
    """Växel's switch with Maria (agent maria, extension 1003) on short number 4503 and a
    caller's desk phone 3001."""
    (tmp_path / "switch").mkdir()
    running = await start(tmp_path / "switch", trusted=False)  # phones authenticate
    directory = running.service.directory
    directory.extensions[CALLER_EXT] = Extension(DEMO_TENANT, CALLER_EXT, PASSWORD, "", "Karin")
    directory.pbx.plans[DEMO_TENANT] = NumberingPlan.build(
        DEMO_TENANT, [(MARIA_SHORT, Target(TargetKind.PERSON, "maria"))], []
    )
    directory.pbx.people[(DEMO_TENANT, "maria")] = PersonDevices(
        DEMO_TENANT, "maria", (Device(DeviceKind.SIP, CALLBACK_EXTENSION),), ring_s=30.0
    )
    yield running
    await running.service.close()


@pytest.fixture
async def chromium(tmp_path: Path) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    tone = tmp_path / "browser.wav"
    write_tone(tone)  # 1000 Hz
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={tone}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=args)
        yield browser
        await browser.close()


def link_maria(web: Web, switch: Running) -> BrowserPhones:
    """The composition root's wiring, with Maria's extension named directly."""

    def extension_of(tenant_id: str, username: str) -> str | None:
        return CALLBACK_EXTENSION if (tenant_id, username) == (DEMO_TENANT, "maria") else None

    registration = switch.service.switch.registration
    phones = BrowserPhones(link=RegistrarLink(registration, "127.0.0.1", extension_of))
    web.app.state.softphone = phones  # type: ignore[attr-defined]
    return phones


async def ringing_page(
    web: Web, site: str, switch: Running, chromium: Any, tmp_path: Path
) -> tuple[Any, Robot]:
    """Maria's browser phone open and bound, the robot calling her until the page rings."""
    link_maria(web, switch)
    page: Any = await signed_in(chromium, site, "maria")
    await page.add_init_script(SOCKETS)
    await page.goto(f"{site}/min-telefon/webbtelefon")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_MS)
    registration = switch.service.switch.registration
    maria = switch.service.directory.extensions[CALLBACK_EXTENSION]
    await wait_for(lambda: bool(registration.bindings(maria)), 15)
    assert "anknytning 1003" in await page.inner_text("#softphone-state")
    robot = await phone_robot(tmp_path, "karin", switch.port, CALLER_EXT, PASSWORD, ROBOT_HZ)
    karin = switch.service.directory.extensions[CALLER_EXT]
    await wait_for(lambda: bool(registration.bindings(karin)), 15)
    await robot.command("dial", f"sip:{MARIA_SHORT}@127.0.0.1:{switch.port}")
    await page.wait_for_selector("#softphone-call:not([hidden])", timeout=WAIT_MS)
    assert "Inkommande samtal från" in await page.inner_text("#softphone-call-text")
    assert "3001" in await page.inner_text("#softphone-call-text")
    assert await page.evaluate("document.activeElement.id") == "softphone-accept"
    return page, robot


async def answer(page: Any, switch: Running) -> None:
    await page.click("#softphone-accept")
    await page.wait_for_selector("#softphone-talk:not([hidden])", timeout=WAIT_MS)
    await wait_for(lambda: any(c.bridged for c in switch.service.switch.calls.values()), 15)


async def page_hears(page: Any, frequency: float) -> dict[str, float]:
    """The loudest frequency of the page's remote audio, tried until it is ``frequency``."""
    heard: dict[str, float] = {}
    for _ in range(8):
        heard = await page.evaluate(REMOTE_PEAK)
        if abs(heard["hz"] - frequency) < 30 and heard["db"] > -60:
            break
        await asyncio.sleep(0.5)
    return heard


async def test_the_browser_answers_a_robots_call_both_hear_each_other_and_it_hangs_up(
    web: Web, site: str, switch: Running, chromium: Any, tmp_path: Path
) -> None:
    page, robot = await ringing_page(web, site, switch, chromium, tmp_path)
    calls = switch.service.switch.calls
    try:
        await answer(page, switch)
        heard = await page_hears(page, ROBOT_HZ)
        assert abs(heard["hz"] - ROBOT_HZ) < 30 and heard["db"] > -60, heard
        await asyncio.sleep(2.0)  # the robot records the browser's tone

        await page.click("#softphone-hold")
        await page.wait_for_selector("#softphone-hold[aria-pressed=true]", timeout=WAIT_MS)
        assert "parkerat" in await page.inner_text("#softphone-call-text")
        await page.click("#softphone-hold")
        await page.wait_for_selector("#softphone-hold[aria-pressed=false]", timeout=WAIT_MS)

        # the signalling socket drops mid-call; the media path does not (issue 15)
        phones: BrowserPhones = web.app.state.softphone  # type: ignore[attr-defined]
        phone = phones.open_phones[(DEMO_TENANT, "maria")]
        [switch_call] = calls.values()
        await page.evaluate("window.vaxelSockets.at(-1).close()")
        await page.wait_for_selector("#softphone-banner:not([hidden])", timeout=WAIT_MS)
        await page.wait_for_selector("#softphone-banner", state="hidden", timeout=WAIT_MS)
        await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_MS)
        assert await page.evaluate("window.vaxelSockets.length") == 2
        assert phones.open_phones[(DEMO_TENANT, "maria")] is phone  # the same peer and line
        assert list(calls.values()) == [switch_call] and switch_call.bridged
        assert "3001" in await page.inner_text("#softphone-call-text")
        heard = await page_hears(page, ROBOT_HZ)
        assert abs(heard["hz"] - ROBOT_HZ) < 30 and heard["db"] > -60, heard
        await page.click("#softphone-hold")  # the call's buttons answer on the new socket
        await page.wait_for_selector("#softphone-hold[aria-pressed=true]", timeout=WAIT_MS)
        await page.click("#softphone-hold")
        await page.wait_for_selector("#softphone-hold[aria-pressed=false]", timeout=WAIT_MS)
        await asyncio.sleep(2.0)  # the robot records the browser's tone after the drop

        await page.click("#softphone-end")
        await wait_for(lambda: not calls, 10)  # the robot's call ended with the browser's
        await page.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
        assert "Du lade på" in await page.inner_text("#softphone-call-ended")
    finally:
        log = await robot.stop()
    samples, rate = read_wav(robot.heard)
    assert tone_share(samples, BROWSER_HZ, rate) > 0.5, log[-2000:]
    assert tone_share(samples[-rate:], BROWSER_HZ, rate) > 0.5, log[-2000:]  # the last second


async def test_the_robot_hangs_up_and_the_page_shows_the_call_ended(
    web: Web, site: str, switch: Running, chromium: Any, tmp_path: Path
) -> None:
    page, robot = await ringing_page(web, site, switch, chromium, tmp_path)
    try:
        await answer(page, switch)
        await robot.command("hangup")
        await page.wait_for_selector("#softphone-call", state="hidden", timeout=WAIT_MS)
        assert "Den andra parten lade på" in await page.inner_text("#softphone-call-ended")
        await wait_for(lambda: not switch.service.switch.calls, 10)
    finally:
        await robot.stop()
