"""The browser as a phone, first slice (issue 15 §1–2): in Debian's Chromium with a fake
microphone playing a 1000 Hz tone, the agent presses "Använd webbläsaren som telefon", the
page and the server's aiortc peer agree on PCMU over ``/telefon/ws``, and the server hears
the browser's tone; mute silences it, hanging up closes the peer (docs/webrtc.md)."""

from __future__ import annotations

import array
import asyncio
import math
import shutil
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.telephony.robots import rms, tone_share
from tests.web.browsing import CHROMIUM_ARGS, SHOTS, signed_in
from tests.web.conftest import Web
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.webrtc.phones import BrowserPhone, BrowserPhones

pytestmark = pytest.mark.timeout(180)
TONE_HZ = 1000.0
RATE = 8000
WAIT_S = 30.0
"""How long the page may take to connect, at load 15 on two cores."""


def write_tone(path: Path, seconds: float = 10.0) -> None:
    samples = array.array(
        "h",
        (
            int(9000 * math.sin(2 * math.pi * TONE_HZ * n / RATE))
            for n in range(int(RATE * seconds))
        ),
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())


@pytest.fixture
async def phone_browser(tmp_path: Path) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    tone = tmp_path / "tone.wav"
    write_tone(tone)
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={tone}",
    ]
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, args=args)
        yield chromium
        await chromium.close()


async def until(check: Any, what: Any) -> None:
    for _ in range(int(WAIT_S / 0.2)):
        if check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"not within {WAIT_S} s: {what() if callable(what) else what}")


def stats(phone: BrowserPhone) -> str:
    heard = last_second(phone)
    share = tone_share(heard, TONE_HZ, 8000)
    return f"{len(heard)} samples, rms {rms(heard):.0f}, 1 kHz share {share:.2f}"


def last_second(phone: BrowserPhone) -> list[int]:
    return phone.heard()[-8000:]


async def test_the_server_hears_the_browsers_microphone_over_webrtc_and_mute_silences_it(
    web: Web, site: str, phone_browser: Any
) -> None:
    phones = BrowserPhones()
    web.app.state.softphone = phones  # type: ignore[attr-defined]
    page: Any = await signed_in(phone_browser, site, "maria")
    await page.goto(f"{site}/min-telefon/webbtelefon")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-state[data-state=connected]", timeout=WAIT_S * 1000)
    assert "Ansluten" in await page.inner_text("#softphone-state")
    phone = phones.open_phones[(DEMO_TENANT, "maria")]
    assert phone.codec == "PCMU/8000"  # no Opus: μ-law end to end, no transcoding
    await until(
        lambda: (
            len(last_second(phone)) == 8000 and tone_share(last_second(phone), TONE_HZ, 8000) > 0.5
        ),
        lambda: f"the browser's 1000 Hz tone at the server ({stats(phone)})",
    )
    await page.screenshot(path=str(SHOTS / "softphone.png"))

    await page.click("#softphone-mute")
    assert await page.get_attribute("#softphone-mute", "aria-pressed") == "true"
    await until(lambda: rms(last_second(phone)[-4000:]) < 200, "silence once muted")
    await page.click("#softphone-mute")
    await until(
        lambda: tone_share(last_second(phone)[-4000:], TONE_HZ, 8000) > 0.5,
        "the tone again once unmuted",
    )

    await page.click("#softphone-hangup")
    await until(lambda: not phones.open_phones, "the server's peer closed")
    assert await page.get_attribute("#softphone-state", "data-state") == "off"


async def refused_at_start(web: Web, site: str, chromium: Any, expected: str) -> None:
    """The page tells the agent what to do, stays off and opens no peer at the server."""
    phones = BrowserPhones()
    web.app.state.softphone = phones  # type: ignore[attr-defined]
    page: Any = await signed_in(chromium, site, "maria")
    await page.goto(f"{site}/min-telefon/webbtelefon")
    await page.click("#softphone-start")
    await page.wait_for_selector("#softphone-error:not([hidden])", timeout=WAIT_S * 1000)
    assert expected in await page.inner_text("#softphone-error")
    assert await page.get_attribute("#softphone-state", "data-state") == "off"
    assert await page.is_enabled("#softphone-start")  # they can try again
    assert phones.open_phones == {}


async def test_a_browser_without_a_microphone_is_told_to_connect_a_headset(
    web: Web, site: str, browser: Any
) -> None:
    """Issue 15 Bad input: the tests' plain Chromium has no audio device at all."""
    await refused_at_start(web, site, browser, "Anslut ett headset")


async def test_a_denied_microphone_is_told_how_to_allow_it(web: Web, site: str) -> None:
    """Issue 15 Bad input: a microphone exists but the permission is refused (no fake
    permission prompt: headless Chromium denies)."""
    from playwright.async_api import async_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream"]
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, args=args)
        try:
            await refused_at_start(web, site, chromium, "Tillåt mikrofonen")
        finally:
            await chromium.close()
