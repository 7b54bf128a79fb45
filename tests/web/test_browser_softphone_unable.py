"""Issue 15 "Bad input" (Q24): an agent is not offered calls their browser phone cannot take.

Karin works with nothing but a browser: she is logged in to her queues and ready, no desk
phone registered. In Debian's Chromium her phone page cannot take calls — the permission
is denied, or the media path cannot connect (the page is forced to relay-only ICE with no
TURN server: a blocked UDP path), or the page closes. Each time the page tells her what to
do, the server pauses her with the reason, and her workspace shows it. A baresip robot
caller then queues for her (bygglov, key 2): the queue does not offer her the call. Turned
on again and connected, she is ready again by herself. With a desk phone registered, a
failed browser phone leaves her ready and the queued call reaches the desk phone."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_ID,
    AGENT_PASSWORD,
    AGENT_QUEUES,
    Running,
    start,
)
from tests.telephony.robots import Robot
from tests.telephony.test_robot_phones import phone_robot, wait_for
from tests.web.browsing import CHROMIUM_ARGS, browser, signed_in
from tests.web.conftest import PASSWORD
from tests.web.test_browser_softphone_calls import WAIT_MS, chromium
from vaxel.acd.events import AgentLoggedIn
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.store.accounts import Accounts
from vaxel.telephony.browser_readiness import BrowserReadiness
from vaxel.web.app import WebSettings, create_app
from vaxel.web.passwords import PasswordHashing
from vaxel.webrtc.link import RegistrarLink
from vaxel.webrtc.phones import BrowserPhones

__all__ = ["browser", "chromium"]  # plain Chromium; the one with the fake microphone
pytestmark = [pytest.mark.interop, pytest.mark.timeout(240)]
CALLER_HZ = 1500.0
RELAY_ONLY = """
(() => {
  // a network where only a relay would get through, and no relay is configured
  const Real = window.RTCPeerConnection;
  window.RTCPeerConnection = function (config) {
    return new Real(Object.assign({}, config || {}, { iceTransportPolicy: "relay" }));
  };
  window.RTCPeerConnection.prototype = Real.prototype;
})();
"""


@pytest.fixture
def media_wait_s() -> float:
    """The page's wait for its media path: Växel's own, unless a test asks for less."""
    return WebSettings().softphone_media_wait_s


SHORT_MEDIA_WAIT = pytest.mark.parametrize("media_wait_s", [3.0])
"""For the relay-only tests: the page gives its media path 3 s, not 15 s to wait out."""


@pytest.fixture
async def karins_site(
    tmp_path: Path, media_wait_s: float
) -> AsyncIterator[tuple[Running, str, BrowserPhones]]:
    """The switch and the web app over one ContactCenter, wired as the composition root
    does (``vaxel.app.softphone``): Karin's browser phone binds extension 1005, and the
    readiness rule reaches her agent. Karin is logged in to her queues and ready."""
    running = await start(tmp_path)
    center, switch = running.center, running.service.switch
    Accounts(center.database).add_user(
        DEMO_TENANT, "karin", "Karin Carlsson", "agent", PasswordHashing().hash(PASSWORD), AGENT_ID
    )
    app = create_app(
        center,
        center.database,
        WebSettings(softphone_media_wait_s=media_wait_s),
        after_submit=running.service.after_external_submit,
        on_phone=lambda contact_id: contact_id in switch.calls,
    )

    def extension_of(tenant_id: str, username: str) -> str | None:
        return AGENT_EXTENSION if (tenant_id, username) == (DEMO_TENANT, "karin") else None

    link = RegistrarLink(switch.registration, "127.0.0.1", extension_of)
    phones = BrowserPhones(link=link, readiness=BrowserReadiness(switch))
    app.state.softphone = phones
    switch.acd_commands.submit(AgentLoggedIn(DEMO_TENANT, AGENT_ID, AGENT_QUEUES))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield running, f"http://127.0.0.1:{port}", phones
    server.should_exit = True
    await task
    await running.service.close()


def karin(running: Running) -> tuple[str, str]:
    view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    return view.state.value, view.pause_reason


async def paused_with(running: Running, browser: Any, site: str, reason: str, shown: str) -> None:
    """The server paused her with ``reason``, and her workspace says ``shown``."""
    await wait_for(lambda: karin(running) == ("paused", reason), 20)
    workspace: Any = await signed_in(browser, site, "karin")
    await workspace.goto(f"{site}/")
    assert await workspace.get_attribute("#my-state", "data-state") == "paused"
    assert shown in await workspace.inner_text("#workspace")
    await workspace.close()


async def not_offered_a_queue_call(running: Running, tmp_path: Path) -> None:
    """A robot caller queues in bygglov (key 2); for 6 s the queue offers Karin nothing
    (a ready agent with no phone would have been offered it at once)."""
    switch = running.service.switch
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    try:
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{running.port}")
        await wait_for(lambda: bool(switch.calls), 20)
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("2")
        [contact_id] = list(switch.calls)

        def queued() -> bool:
            view = running.center.acd.contact_view(DEMO_TENANT, contact_id)
            return view.queue_id == "bygglov" and view.state.value == "waiting"

        await wait_for(queued, 20)
        for _ in range(12):
            view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
            assert view.state.value == "paused" and view.contact_id in (None, "")
            assert running.center.acd.contact_view(DEMO_TENANT, contact_id).state.value == "waiting"
            await asyncio.sleep(0.5)
        await caller.command("hangup")
    finally:
        await caller.stop()


async def test_a_denied_microphone_pauses_the_agent_who_is_then_not_offered_calls(
    karins_site: tuple[Running, str, BrowserPhones], tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    running, site, phones = karins_site
    assert karin(running) == ("ready", "")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream"]  # no fake permission prompt
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=args)
        try:
            page: Any = await signed_in(browser, site, "karin")
            await page.goto(f"{site}/min-telefon/webbtelefon")
            await page.click("#softphone-start")
            await page.wait_for_selector("#softphone-error:not([hidden])", timeout=WAIT_MS)
            assert "Tillåt mikrofonen" in await page.inner_text("#softphone-error")
            await paused_with(
                running,
                browser,
                site,
                "softphone_denied",
                "Webbtelefonen får inte använda mikrofonen",
            )
        finally:
            await browser.close()
    assert not phones.open_phones
    await not_offered_a_queue_call(running, tmp_path)


@SHORT_MEDIA_WAIT
async def test_a_media_path_that_cannot_connect_pauses_the_agent(
    karins_site: tuple[Running, str, BrowserPhones], chromium: Any, tmp_path: Path
) -> None:
    running, site, phones = karins_site
    page: Any = await signed_in(chromium, site, "karin")
    await page.add_init_script(RELAY_ONLY)
    await page.goto(f"{site}/min-telefon/webbtelefon")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-error:not([hidden])", timeout=30_000)
    assert "Ljudet kom inte fram" in await page.inner_text("#softphone-error")
    await paused_with(
        running, chromium, site, "softphone_media_failed", "Webbtelefonens ljud kom inte fram"
    )
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    assert not running.service.switch.registration.bindings(extension)  # no binding left
    await wait_for(lambda: not phones.open_phones, 15)  # the server's peer is closed too
    await not_offered_a_queue_call(running, tmp_path)


async def test_a_closed_phone_pauses_the_agent_and_a_working_one_makes_her_ready(
    karins_site: tuple[Running, str, BrowserPhones], chromium: Any
) -> None:
    running, site, phones = karins_site
    switch = running.service.switch
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    page: Any = await signed_in(chromium, site, "karin")
    await page.goto(f"{site}/min-telefon/webbtelefon")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_MS)
    await wait_for(lambda: bool(switch.registration.bindings(extension)), 15)
    assert karin(running) == ("ready", "")  # a working phone changes nothing
    await page.click("#softphone-hangup")  # turned off: no phone of hers is left
    await paused_with(running, chromium, site, "softphone_closed", "Webbtelefonen är inte ansluten")
    await page.click("#softphone-start")  # on again: ready by herself
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_MS)
    await wait_for(lambda: karin(running) == ("ready", ""), 15)
    await page.close()  # the tab with her only phone goes
    await wait_for(lambda: not phones.open_phones, 15)
    await paused_with(running, chromium, site, "softphone_closed", "Webbtelefonen är inte ansluten")
    assert not switch.registration.bindings(extension)

    page = await signed_in(chromium, site, "karin")
    await page.goto(f"{site}/min-telefon/webbtelefon")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_MS)
    await wait_for(lambda: karin(running) == ("ready", ""), 15)  # back by herself


async def test_a_browser_without_a_microphone_pauses_the_agent(
    karins_site: tuple[Running, str, BrowserPhones], browser: Any
) -> None:
    """The tests' plain Chromium has no audio device at all (NotFoundError)."""
    running, site, phones = karins_site
    page: Any = await signed_in(browser, site, "karin")
    await page.goto(f"{site}/min-telefon/webbtelefon")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-error:not([hidden])", timeout=WAIT_MS)
    assert "Anslut ett headset" in await page.inner_text("#softphone-error")
    await paused_with(
        running, browser, site, "softphone_no_microphone", "Webbtelefonen saknar mikrofon"
    )
    await wait_for(lambda: not phones.open_phones, 15)  # the report's socket closed


@SHORT_MEDIA_WAIT
async def test_with_a_desk_phone_registered_the_calls_go_on_to_it(
    karins_site: tuple[Running, str, BrowserPhones], chromium: Any, tmp_path: Path
) -> None:
    """Karin's desk phone (a baresip robot that answers) is registered too: the browser's
    failed media path removes only the browser's binding, she stays ready, and the queued
    caller is offered to her and reaches the desk phone."""
    running, site, phones = karins_site
    switch = running.service.switch
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    desk = await phone_robot(
        tmp_path, "desk", running.port, AGENT_EXTENSION, AGENT_PASSWORD, 1700.0
    )
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    try:
        await wait_for(lambda: len(switch.registration.bindings(extension)) == 1, 20)
        [desk_binding] = switch.registration.bindings(extension)
        page: Any = await signed_in(chromium, site, "karin")
        await page.add_init_script(RELAY_ONLY)
        await page.goto(f"{site}/min-telefon/webbtelefon")
        await page.click("#softphone-start")
        await page.wait_for_selector("#softphone-error:not([hidden])", timeout=30_000)
        assert "Ljudet kom inte fram" in await page.inner_text("#softphone-error")
        await wait_for(lambda: not phones.open_phones, 15)
        assert [b.contact for b in switch.registration.bindings(extension)] == [
            desk_binding.contact
        ]
        assert karin(running) == ("ready", "")

        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{running.port}")
        await wait_for(lambda: bool(switch.calls), 20)
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("2")
        [contact_id] = list(switch.calls)
        await wait_for(lambda: karin(running)[0] == "busy", 30)  # the desk phone answered
        assert running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).contact_id == contact_id
        await caller.command("hangup")
    finally:
        await caller.stop()
        await desk.stop()
