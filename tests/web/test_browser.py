"""The pages in a real browser: Debian's Chromium driven by Playwright (issue 4 §Tests).

Saves a screenshot of each main page under var/screenshots/, or docs/screenshots/ (shown in
the README) with VAXEL_UPDATE_SCREENSHOTS=1 (issue 9 §11; tests/web/browsing.py).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.web.browsing import SHOTS, signed_in
from tests.web.conftest import Web
from vaxel.acd.events import ContactArrived
from vaxel.acd.model import Channel
from vaxel.sim.demo_tenant import DEMO_TENANT

pytestmark = pytest.mark.interop


async def test_an_agent_takes_a_call_classifies_it_and_writes_a_note(
    web: Web, site: str, browser: object
) -> None:
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
    # Issue 9 §13: the chart has a time axis with hour labels and describes itself.
    svg = page.locator("#chart svg[role=img]")
    await svg.wait_for(timeout=5000)
    assert await svg.get_attribute("aria-labelledby") == "chart-title chart-desc"
    assert "per kvart i dag" in await page.locator("#chart-title").text_content()  # type: ignore[operator]
    desc = await page.locator("#chart-desc").text_content() or ""
    assert "klockslag i svensk tid" in desc and "{" not in desc and " 1 inkomna" in desc
    hours = await page.locator("#chart text.hour").all_text_contents()
    first = await page.locator("#chart-rows td").first.text_content()
    assert hours and hours[0] == first and all(h.endswith(":00") for h in hours[1:]), hours
    assert await page.locator("#chart line.axis").count() >= 2 + len(hours)
    await page.screenshot(path=str(SHOTS / "wallboard.png"))
