"""The callback list in a real browser (CB8–CB11): an agent works a callback from the list
to done — take, call, note, done — while a second agent's page shows the item's status
change without reloading. Debian's Chromium driven by Playwright, as in test_browser.py.

Saves callbacks-*.png where tests/web/browsing.py says (docs/screenshots/ only when asked).
"""

from __future__ import annotations

import time

import pytest

from tests.web.browsing import SHOTS, signed_in
from tests.web.conftest import Web
from vaxel.acd.events import AgentLoggedIn, AgentPaused, CallbackRequested
from vaxel.sim.demo_tenant import DEMO_TENANT

pytestmark = pytest.mark.interop
NUMBER = "0701234567"


async def test_an_agent_works_a_callback_to_done_while_another_sees_it_live(
    web: Web, site: str, browser: object
) -> None:
    now = time.time()
    for agent_id in ("maria", "johan"):
        web.center.submit(AgentLoggedIn(DEMO_TENANT, agent_id, ("kundtjanst",)), now)
        web.center.submit(AgentPaused(DEMO_TENANT, agent_id, "Möte"), now)
    web.center.submit(
        CallbackRequested(DEMO_TENANT, "kundtjanst", NUMBER, caller_data={"kundnummer": "4711"}),
        now,
    )
    [callback] = web.center.acd.callback_list(DEMO_TENANT)
    row = f"tr#cb-{callback.contact_id}"

    maria = await signed_in(browser, site, "maria", width=1400)
    johan = await signed_in(browser, site, "johan", width=1400)
    for page in (maria, johan):
        await page.goto(f"{site}/callbacks")  # type: ignore[attr-defined]
        await page.wait_for_selector(f"{row}[data-status=unhandled]")  # type: ignore[attr-defined]
    # a marker that a reload would wipe: Johan's page must change without one
    await johan.evaluate("window.notReloaded = true")  # type: ignore[attr-defined]
    await maria.screenshot(path=str(SHOTS / "callbacks-list.png"))  # type: ignore[attr-defined]

    # take: "Ring upp" on the waiting item; Maria has no phone connected, so the number is
    # offered as a tel: link (the call) and the note with Klar / Inget svar
    await maria.click(f"{row} button:has-text('Ring upp')")  # type: ignore[attr-defined]
    await maria.wait_for_selector(f"{row}[data-status=in_progress]")  # type: ignore[attr-defined]
    call = maria.locator(f"{row} a.button[href='tel:{NUMBER}']")  # type: ignore[attr-defined]
    assert await call.inner_text() == f"Ring upp {NUMBER}"
    await johan.wait_for_selector(f"{row}[data-status=in_progress]", timeout=5000)  # type: ignore[attr-defined]
    assert "Maria Johansson" in await johan.inner_text(row)  # type: ignore[attr-defined]
    assert await johan.locator(f"{row} button").count() == 0  # type: ignore[attr-defined]
    await maria.screenshot(path=str(SHOTS / "callbacks-taken.png"))  # type: ignore[attr-defined]

    # note, then done
    await maria.fill(f"#note-{callback.contact_id}", "Kunden fick svar om fakturan")  # type: ignore[attr-defined]
    await maria.click(f"{row} button[value=done]")  # type: ignore[attr-defined]
    await maria.wait_for_selector(f"{row}[data-status=done]")  # type: ignore[attr-defined]
    await johan.wait_for_selector(f"{row}[data-status=done]", timeout=5000)  # type: ignore[attr-defined]
    assert await johan.evaluate("window.notReloaded === true")  # type: ignore[attr-defined]
    await johan.click(f"{row} details summary")  # type: ignore[attr-defined]
    history = await johan.inner_text(f"{row} ol.history")  # type: ignore[attr-defined]
    assert "Maria Johansson" in history and "Kunden fick svar om fakturan" in history
    assert "Klar" in history
    await johan.screenshot(path=str(SHOTS / "callbacks-history.png"))  # type: ignore[attr-defined]
    view = web.center.acd.callback_row(DEMO_TENANT, callback.contact_id)
    assert view is not None and view.status.value == "done"
