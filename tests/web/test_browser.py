"""The pages in a real browser: Debian's Chromium driven by Playwright (issue 4 §Tests).

Saves a screenshot of each main page under docs/screenshots/ (shown in the README).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

from tests.web.conftest import PASSWORD, Web
from vaxel.acd.events import ContactArrived
from vaxel.acd.model import Channel
from vaxel.sim.demo_tenant import DEMO_TENANT

pytestmark = pytest.mark.interop
SHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
async def site(web: Web) -> AsyncIterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(
            web.app,
            host="127.0.0.1",
            port=0,  # type: ignore[arg-type]
            log_level="warning",
            lifespan="off",
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


async def signed_in(browser: object, site: str, username: str) -> object:
    page = await browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    await page.goto(f"{site}/login")
    await page.fill("#organisation", DEMO_TENANT)
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{site}/")
    return page


async def test_an_agent_takes_a_call_classifies_it_and_writes_a_note(
    web: Web, site: str, browser: object
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    login = await browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    await login.goto(f"{site}/login")
    await login.screenshot(path=str(SHOTS / "login.png"))
    await login.close()
    page = await signed_in(browser, site, "maria")
    await page.check("input[name=queue][value=kundtjanst]")
    await page.click("text=Spara köinloggning")
    await page.wait_for_selector("#my-state[data-state=ready]")
    web.center.submit(
        ContactArrived(
            DEMO_TENANT,
            "c-browser",
            "kundtjanst",
            Channel.CALL,
            0,
            caller_number="0701234567",
            caller_data={"kundnummer": "4711"},
        ),
        time.time(),
    )
    # the page redraws by itself when the offer comes (live update)
    await page.wait_for_selector("#my-state[data-state=offered]", timeout=5000)
    await page.screenshot(path=str(SHOTS / "workspace-offer.png"))
    await page.click("button[value=answer]")
    await page.wait_for_selector("#my-state[data-state=busy]")
    await page.select_option("#code", "Fråga besvarad")
    await page.fill("#note", "Ny faktura skickad")
    await page.click("button[value=classify]")
    await page.click("button[value=end]")
    await page.wait_for_selector("button[value=cancel_wrapup]")
    contact = web.center.acd.contact_view(DEMO_TENANT, "c-browser")
    assert (contact.classification, contact.note) == ("Fråga besvarad", "Ny faktura skickad")
    await page.screenshot(path=str(SHOTS / "workspace-wrap-up.png"))


async def test_the_wallboard_changes_when_a_contact_arrives(
    web: Web, site: str, browser: object
) -> None:
    page = await signed_in(browser, site, "chef")
    await page.goto(f"{site}/wallboard")
    waiting = page.locator('tr[data-queue="bygglov"] [data-field="waiting"]')
    assert await waiting.inner_text() == "0"
    web.center.submit(
        ContactArrived(
            DEMO_TENANT, "c-board", "bygglov", Channel.CALL, 0, caller_number="0709999999"
        ),
        time.time(),
    )
    for _ in range(40):  # ST1: within a second or two
        if await waiting.inner_text() == "1":
            break
        await asyncio.sleep(0.05)
    assert await waiting.inner_text() == "1"
    await page.screenshot(path=str(SHOTS / "wallboard.png"))
