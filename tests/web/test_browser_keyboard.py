"""The agent workspace by keyboard in Chromium (issue 9 §10, Q21–Q26): the access keys
change the agent's state without reloading the page or dropping the focus, an offer puts
the focus on "Svara", and the skip link is the first Tab stop and leads to the content."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.web.browsing import signed_in
from tests.web.conftest import Web
from vaxel.acd.events import AgentDeclined, ContactAbandoned, ContactArrived, ContactEnded
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


def declined(web: Web) -> list[str]:
    entries = web.center.journal.replay()
    return [e.event.contact_id for e in entries if isinstance(e.event, AgentDeclined)]


async def test_every_access_key_the_help_lists_works(web: Web, site: str, browser: object) -> None:
    """The help panel lists R, P, S, V, A and K (issue 9 §10): each one, pressed as Chromium
    gets it from the keyboard, does what the help says, without a reload."""
    page = await signed_in(browser, site, "maria")
    listed = await page.locator("details.help dt").all_text_contents()  # type: ignore[attr-defined]
    assert listed == ["R", "P", "S", "V", "A", "K"]
    await page.evaluate("window.notReloaded = true")  # type: ignore[attr-defined]
    await page.check("input[name=queue][value=kundtjanst]")  # type: ignore[attr-defined]
    await page.click("text=Spara köinloggning")  # type: ignore[attr-defined]
    await page.wait_for_selector("#my-state[data-state=ready]")  # type: ignore[attr-defined]

    async def offer(contact_id: str) -> None:
        arrived = ContactArrived(DEMO_TENANT, contact_id, "kundtjanst", Channel.CALL, 0)
        web.center.submit(arrived, time.time())
        await page.wait_for_selector("#my-state[data-state=offered]", timeout=5000)  # type: ignore[attr-defined]

    async def press(letter: str, state: str) -> None:
        await press_access_key(page, letter)
        await page.wait_for_selector(f"#my-state[data-state={state}]", timeout=5000)  # type: ignore[attr-defined]

    await offer("c-keys-1")
    await press("S", "busy")  # Svara
    await press("A", "wrap_up")  # Avsluta samtal
    await press("K", "ready")  # Klar med efterarbete
    await offer("c-keys-2")
    await press_access_key(page, "V")  # Avvisa: the only ready agent is offered it again
    for _ in range(50):
        if declined(web) == ["c-keys-2"]:
            break
        await asyncio.sleep(0.1)
    assert declined(web) == ["c-keys-2"]
    web.center.submit(ContactAbandoned(DEMO_TENANT, "c-keys-2"), time.time())
    await page.wait_for_selector("#my-state[data-state=ready]", timeout=5000)  # type: ignore[attr-defined]
    await press("P", "paused")
    await press("R", "ready")
    assert await page.evaluate("window.notReloaded") is True  # type: ignore[attr-defined]
