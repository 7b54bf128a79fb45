"""The prompt pickers in a real browser (issue 9 §6): a prompt picked from the list is added
to a flow's prompt list, and Listen loads the named prompt's audio — with no script errors
under the CSP."""

from __future__ import annotations

import pytest

from tests.web.browsing import signed_in
from tests.web.conftest import Web

pytestmark = pytest.mark.interop


async def test_a_picked_prompt_is_added_and_listen_loads_it(
    web: Web, site: str, browser: object
) -> None:
    page = await signed_in(browser, site, "admin")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))  # type: ignore[attr-defined]
    await page.goto(f"{site}/admin/flows/huvudflode")  # type: ignore[attr-defined]
    field = page.locator("[id='n0.prompts']")  # type: ignore[attr-defined]
    before = await field.input_value()
    await page.fill("input[data-add-to='n0.prompts']", "sv/stangt")  # type: ignore[attr-defined]
    await page.dispatch_event("input[data-add-to='n0.prompts']", "change")  # type: ignore[attr-defined]
    assert await field.input_value() == (f"{before}, sv/stangt" if before else "sv/stangt")
    async with page.expect_response(  # type: ignore[attr-defined]
        lambda r: r.url.endswith("/admin/prompts/audio/sv/stangt")
    ) as loaded:
        await page.click("button[data-play='n0.prompts']")  # type: ignore[attr-defined]
    assert (await loaded.value).status == 200
    audio = page.locator("button[data-play='n0.prompts'] + audio")  # type: ignore[attr-defined]
    assert (await audio.get_attribute("src")).endswith("/admin/prompts/audio/sv/stangt")

    await page.goto(f"{site}/admin/closures")  # type: ignore[attr-defined]
    async with page.expect_response(  # type: ignore[attr-defined]
        lambda r: "/admin/prompts/audio/" in r.url
    ) as loaded:
        await page.click("button[data-play='message']")  # type: ignore[attr-defined]
    assert (await loaded.value).url.endswith("/admin/prompts/audio/sv/stangt")
    assert errors == []
