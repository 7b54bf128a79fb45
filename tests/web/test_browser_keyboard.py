"""The agent workspace by keyboard in Chromium (issue 9 §10, Q21–Q26): the access keys
change the agent's state without reloading the page or dropping the focus, an offer puts
the focus on "Svara", and the skip link is the first Tab stop and leads to the content."""

from __future__ import annotations

import time

import pytest

from tests.web.browsing import signed_in
from tests.web.conftest import Web
from vaxel.acd.events import ContactArrived, ContactEnded
from vaxel.acd.model import Channel
from vaxel.sim.demo_tenant import DEMO_TENANT

pytestmark = pytest.mark.interop

FOCUSED = "(e => `${e.tagName}#${e.id}=${e.value || ''}`)(document.activeElement)"
"""The focused element as TAG#id=value."""
ALT_SHIFT = 1 | 8  # CDP's modifier bits


async def press_access_key(page: object, letter: str) -> None:
    """Alt+Shift+letter as Chromium on Linux gets it from the keyboard. Playwright's
    ``keyboard.press`` sends no ``unmodifiedText`` with Alt held, and that is what Chromium
    matches access keys against, so the key goes through the DevTools protocol instead."""
    session = await page.context.new_cdp_session(page)  # type: ignore[attr-defined]
    key = {"modifiers": ALT_SHIFT, "key": letter.upper(), "code": f"Key{letter.upper()}"}
    key["windowsVirtualKeyCode"] = ord(letter.upper())
    await session.send(
        "Input.dispatchKeyEvent",
        {"type": "keyDown", "text": letter.upper(), "unmodifiedText": letter.lower(), **key},
    )
    await session.send("Input.dispatchKeyEvent", {"type": "keyUp", **key})
    await session.detach()


async def test_an_agent_works_by_keyboard_without_page_reloads(
    web: Web, site: str, browser: object
) -> None:
    page = await signed_in(browser, site, "maria")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip-link"
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"

    await page.evaluate("window.notReloaded = true")
    await page.check("input[name=queue][value=kundtjanst]")
    await page.click("text=Spara köinloggning")
    await page.wait_for_selector("#my-state[data-state=ready]")
    for key, state, button in (("P", "paused", "pause"), ("R", "ready", "ready")):
        await press_access_key(page, key)
        await page.wait_for_selector(f"#my-state[data-state={state}]", timeout=5000)
        assert await page.evaluate("window.notReloaded") is True
        assert await page.evaluate(FOCUSED) == f"BUTTON#={button}"

    web.center.submit(
        ContactArrived(
            DEMO_TENANT, "c-keys", "kundtjanst", Channel.CALL, 0, caller_number="0701234567"
        ),
        time.time(),
    )
    await page.wait_for_selector("#my-state[data-state=offered]", timeout=5000)
    assert await page.evaluate("window.notReloaded") is True
    assert await page.evaluate(FOCUSED) == "BUTTON#=answer"
    await press_access_key(page, "S")
    await page.wait_for_selector("#my-state[data-state=busy]", timeout=5000)
    assert await page.evaluate("window.notReloaded") is True
    assert await page.evaluate(FOCUSED) == "BUTTON#=end"  # the card's next action

    # the caller hangs up while the agent types the note: the live stream redraws the card
    # for wrap-up and what is typed stays, with the focus
    await page.focus("#note")
    await page.keyboard.type("Ringer tillbaka")
    web.center.submit(ContactEnded(DEMO_TENANT, "c-keys"), time.time())
    await page.wait_for_selector("#my-state[data-state=wrap_up]", timeout=5000)
    assert await page.evaluate("window.notReloaded") is True
    assert await page.evaluate(FOCUSED) == "INPUT#note=Ringer tillbaka"
