"""The directory in Chromium, by keyboard alone (issue 13 §6): type a misspelt name, the
results follow as one types, arrow down and Enter open the card, set "Min hänvisning" —
and a colleague's open directory page shows the change without a reload."""

from __future__ import annotations

from tests.web.browsing import signed_in
from tests.web.conftest import Web

FOCUSED = "document.activeElement.tagName + '#' + (document.activeElement.id || '')"


async def test_find_a_colleague_by_keyboard_and_see_presence_change_live(
    web: Web, site: str, browser: object
) -> None:
    watcher = await signed_in(browser, site, "johan")
    await watcher.goto(f"{site}/katalog?q=johansson")
    row = watcher.locator('#dir-results li[data-person="agent-maria"] [data-field="presence"]')
    assert await row.inner_text() == ""
    await watcher.evaluate("window.notReloaded = true")

    page = await signed_in(browser, site, "maria")
    await page.goto(f"{site}/katalog")
    assert await page.evaluate(FOCUSED) == "INPUT#dir-q"  # the field has focus at once
    await page.keyboard.type("johanson maria", delay=20)  # one s short: still found
    await page.wait_for_selector('#dir-results li[data-person="agent-maria"]', timeout=5000)
    await page.keyboard.press("ArrowDown")
    assert "dir-hit" in await page.evaluate("document.activeElement.className")
    await page.keyboard.press("Escape")
    assert await page.evaluate(FOCUSED) == "INPUT#dir-q"
    await page.keyboard.press("Enter")  # the best hit
    await page.wait_for_url(f"{site}/katalog/person/agent-maria")

    await page.goto(f"{site}/min-hanvisning")
    await page.focus("input[name=reason_id][value=lunch]")
    await page.keyboard.press("Space")
    await page.focus("input[name=until][value='']")
    await page.keyboard.press("Space")
    await page.focus("button.primary")
    async with page.expect_navigation():  # the same URL after the POST: wait for the load
        await page.keyboard.press("Enter")
    assert "Lunch tills vidare" in await page.inner_text("[data-field=presence]")

    await watcher.wait_for_function(
        'document.querySelector(\'#dir-results li[data-person="agent-maria"] '
        "[data-field=presence]').textContent.includes('Lunch')",
        timeout=5000,
    )
    assert await watcher.evaluate("window.notReloaded") is True
    status = watcher.locator('#dir-results li[data-person="agent-maria"] [data-field="status"]')
    assert await status.inner_text() == "Frånvarande"
