"""The browser phone's page features (issue 15 §2): in Debian's Chromium with a fake
microphone, the phone that loses its socket says so in a banner and reconnects by itself
with backoff; a session that ends closes the socket within about two seconds; the agent
chooses the microphone and the speaker (remembered in the browser), sees the input level,
and mutes and hangs up with the workspace's kind of keyboard shortcuts (docs/webrtc.md)."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from tests.telephony.robots import rms, tone_share
from tests.web.browsing import SHOTS
from tests.web.conftest import PASSWORD, Web
from tests.web.test_browser_keyboard import press_access_key
from tests.web.test_browser_softphone import (  # noqa: F401 (the fixture)
    TONE_HZ,
    WAIT_S,
    phone_browser,
    until,
)
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.webrtc_ice import IceServers, IceServersStore
from vaxel.webrtc.phones import BrowserPhones

pytestmark = pytest.mark.timeout(180)
PHONE = "/min-telefon/webbtelefon"
MARIA = (DEMO_TENANT, "maria")


async def sign_in(page: Any, site: str) -> None:
    await page.goto(f"{site}/login")
    await page.fill("#organisation", DEMO_TENANT)
    await page.fill("#username", "maria")
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{site}/")


async def connected_phone(
    web: Web, site: str, chromium: Any, init_script: str = ""
) -> tuple[Any, BrowserPhones]:
    store = IceServersStore(web.center.database)
    phones = BrowserPhones(  # as vaxel.app.build
        lambda tenant: store.of(tenant).for_peer(time.time(), f"{tenant}.server")
    )
    web.app.state.softphone = phones  # type: ignore[attr-defined]
    context = await chromium.new_context()
    page = await context.new_page()
    if init_script:
        await page.add_init_script(init_script)
    await sign_in(page, site)
    await page.goto(f"{site}{PHONE}")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_S * 1000)
    return page, phones


async def test_a_dropped_phone_says_so_and_reconnects_once_the_session_is_back(
    web: Web,
    site: str,
    phone_browser: Any,  # noqa: F811
) -> None:
    """Signing out in another tab ends the phone's socket from the server's side (the
    session watch); the page shows the banner, keeps trying with backoff, and is a phone
    again once the agent has signed in again — without pressing anything."""
    sockets = (
        "window.__sockets = []; const Socket = window.WebSocket;"
        "window.WebSocket = function (url) { window.__sockets.push(performance.now());"
        " return new Socket(url); };"
    )
    page, phones = await connected_phone(web, site, phone_browser, sockets)
    assert await page.is_hidden("#softphone-banner")
    other = await page.context.new_page()
    await other.goto(f"{site}/")
    signed_out = time.monotonic()
    await other.click("header form[action='/logout'] button")
    await page.wait_for_selector("#softphone-banner:not([hidden])", timeout=WAIT_S * 1000)
    banner_after_s = time.monotonic() - signed_out
    banner = page.locator("#softphone-banner")
    assert await banner.get_attribute("role") == "alert"
    assert "inte ansluten – försöker igen" in await banner.inner_text()
    assert "Logga in igen" in await page.inner_text("#softphone-error")
    assert await page.get_attribute("#softphone-state", "data-state") == "reconnecting"
    await until(lambda: MARIA not in phones.open_phones, "the server closed the phone")
    assert banner_after_s < 4.0, f"the socket outlived its session by {banner_after_s:.1f} s"
    await page.screenshot(path=str(SHOTS / "softphone-reconnecting.png"))

    # it keeps trying, less often each time: 1 s, then 2 s, then 4 s after each refusal
    for _ in range(int(WAIT_S / 0.2)):
        if await page.evaluate("window.__sockets.length") >= 3:
            break
        await page.wait_for_timeout(200)
    await sign_in(other, site)
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_S * 1000)
    assert await page.is_hidden("#softphone-banner")
    assert await page.is_hidden("#softphone-error")
    assert MARIA in phones.open_phones  # a new peer at the server
    opened = await page.evaluate("window.__sockets")
    # the first, two refused tries and the one that worked (one more on a slow sign-in)
    assert len(opened) >= 4, opened
    gaps = [(b - a) / 1000 for a, b in itertools.pairwise(opened[1:])]
    assert 1.9 <= gaps[0] < 5 and 3.9 <= gaps[1] < 7.5, gaps


async def test_microphone_and_speaker_choice_level_meter_and_shortcuts(
    web: Web,
    site: str,
    phone_browser: Any,  # noqa: F811
) -> None:
    asking = (
        "window.__asked = [];"
        "const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);"
        "navigator.mediaDevices.getUserMedia = (c) => { window.__asked.push(c); return gum(c); };"
    )
    page, phones = await connected_phone(web, site, phone_browser, asking)
    phone = phones.open_phones[MARIA]
    level = page.locator("#softphone-level")
    assert await page.inner_text("#softphone-level-label") == "Mikrofonnivå"

    async def loud() -> float:
        return float(await level.evaluate("m => m.value"))

    async def until_loud() -> None:
        for _ in range(int(WAIT_S / 0.2)):
            if await loud() > 0.2:
                return
            await page.wait_for_timeout(200)
        raise AssertionError("the fake microphone's tone moves the level meter")

    async def until_quiet(why: str) -> None:
        """The meter is redrawn on animation frames: under load it falls a moment later."""
        for _ in range(int(WAIT_S / 0.2)):
            if await loud() < 0.05:
                return
            await page.wait_for_timeout(200)
        raise AssertionError(why)

    def heard() -> list[int]:
        return phone.heard()[-4000:]  # the last half second at the server

    await until_loud()
    await press_access_key(page, "m")  # Stäng av mikrofonen, as in the help
    assert await page.get_attribute("#softphone-mute", "aria-pressed") == "true"
    await until(lambda: rms(heard()) < 200, "silence at the server once muted")
    await until_quiet("muted: the meter falls silent")

    # Chromium's fake devices: several microphones and speakers, named once allowed
    microphones = await page.eval_on_selector_all(
        "#softphone-microphone option", "os => os.map(o => [o.value, o.textContent])"
    )
    assert len(microphones) >= 3, microphones
    chosen, name = microphones[-1]
    assert chosen and name
    # another microphone during the call: taken at once, still muted, the call goes on
    await page.select_option("#softphone-microphone", chosen)
    for _ in range(int(WAIT_S / 0.2)):
        if len(await page.evaluate("window.__asked")) == 2:
            break
        await page.wait_for_timeout(200)
    asked = await page.evaluate("window.__asked")
    assert [a["audio"].get("deviceId") for a in asked] == [None, {"ideal": chosen}]
    await page.wait_for_timeout(600)
    assert rms(heard()) < 200, "the new microphone is muted too"
    await until_quiet("the new microphone is muted too: the meter stays silent")
    assert phones.open_phones[MARIA] is phone  # the same call: no new offer
    await press_access_key(page, "m")
    assert await page.get_attribute("#softphone-mute", "aria-pressed") == "false"
    await until(
        lambda: tone_share(heard(), TONE_HZ, 8000) > 0.5, "the new microphone at the server"
    )
    await until_loud()

    assert await page.is_enabled("#softphone-speaker")  # Chromium has setSinkId
    speakers = await page.eval_on_selector_all(
        "#softphone-speaker option", "os => os.map(o => o.value)"
    )
    assert len(speakers) >= 2, speakers
    await page.select_option("#softphone-speaker", speakers[-1])

    await press_access_key(page, "a")  # Lägg på
    await page.wait_for_selector("#softphone-state[data-state=off]")
    await until(lambda: not phones.open_phones, "the server's peer closed")
    assert float(await level.evaluate("m => m.value")) == 0

    # the choice is the browser's: after a reload the phone asks for that microphone
    await page.reload()
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_S * 1000)
    asked = await page.evaluate("window.__asked")
    assert asked[-1]["audio"]["deviceId"] == {"ideal": chosen}
    assert await page.input_value("#softphone-microphone") == chosen
    assert await page.input_value("#softphone-speaker") == speakers[-1]
    await page.screenshot(path=str(SHOTS / "softphone-devices.png"))


async def test_the_page_and_the_servers_peer_use_the_tenants_ice_servers(
    web: Web,
    site: str,
    phone_browser: Any,  # noqa: F811
) -> None:
    """Issue 15 §3: the STUN and TURN servers the admin set (``.invalid`` names: nothing
    answers, host candidates still connect on 127.0.0.1) reach both ends' configuration."""
    turn = "turn:turn.invalid:3478?transport=udp"
    servers = IceServers(("stun:stun.invalid:3478", turn), "vaxel", "turn-hemlis")
    IceServersStore(web.center.database).put(DEMO_TENANT, servers, "admin", time.time())
    record = (
        "window.__configs = []; const Peer = window.RTCPeerConnection;"
        "window.RTCPeerConnection = function (c) { window.__configs.push(c); return new Peer(c); };"
        "window.RTCPeerConnection.prototype = Peer.prototype;"
    )
    page, phones = await connected_phone(web, site, phone_browser, record)
    configs = await page.evaluate("window.__configs")
    assert configs == [{"iceServers": servers.for_peer(0, "any")}]  # a fixed password
    server_side = phones.open_phones[MARIA].ice_servers
    assert [(s.urls, s.username, s.credential) for s in server_side] == [
        (["stun:stun.invalid:3478"], None, None),
        ([turn], "vaxel", "turn-hemlis"),
    ]
