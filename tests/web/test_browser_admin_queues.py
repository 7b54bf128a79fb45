"""The queue and user editors in a real browser (issue 4 §5, ADM1): a refused value is
marked next to its field with the input kept, the corrected form applies live; screenshots
admin-queue*.png and admin-user.png where tests/web/browsing.py says."""

from __future__ import annotations

import time

import pytest

from tests.web.browsing import SHOTS, signed_in
from tests.web.conftest import Web
from vaxel.acd.events import ContactArrived
from vaxel.sim.demo_tenant import DEMO_TENANT

pytestmark = pytest.mark.interop


async def test_an_admin_corrects_a_refused_queue_form_and_the_change_applies_live(
    web: Web, site: str, browser: object
) -> None:
    web.center.submit(ContactArrived(DEMO_TENANT, "c-webb", "kundtjanst"), time.time())
    page: object = await signed_in(browser, site, "admin")
    await page.goto(f"{site}/admin")  # type: ignore[attr-defined]
    await page.click("a[href='/admin/queues']")  # type: ignore[attr-defined]
    await page.click("a[href='/admin/queues/kundtjanst'] >> nth=0")  # type: ignore[attr-defined]
    await page.fill("[id='wrap_up_s']", "-10")  # type: ignore[attr-defined]
    await page.fill("[id='name']", "Kundtjänsten")  # type: ignore[attr-defined]
    await page.click("button.primary")  # type: ignore[attr-defined]
    error = page.locator("[id='wrap_up_s-error']")  # type: ignore[attr-defined]
    await error.wait_for()
    assert "negativt" in await error.inner_text()
    assert await page.input_value("[id='name']") == "Kundtjänsten"  # type: ignore[attr-defined]
    await page.locator("[id='wrap_up_s']").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "admin-queue-error.png"))  # type: ignore[attr-defined]
    await page.fill("[id='wrap_up_s']", "45")  # type: ignore[attr-defined]
    await page.click("button.primary")  # type: ignore[attr-defined]
    await page.wait_for_url(f"{site}/admin/queues")  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "admin-queues.png"))  # type: ignore[attr-defined]
    config = web.center.acd.tenant(DEMO_TENANT).queues["kundtjanst"].config
    assert config.wrap_up_s == 45 and config.name == "Kundtjänsten"
    assert web.center.acd.contact_view(DEMO_TENANT, "c-webb").state.value == "waiting"

    await page.goto(f"{site}/admin/users/new")  # type: ignore[attr-defined]
    await page.fill("[id='username']", "nina")  # type: ignore[attr-defined]
    await page.fill("[id='display_name']", "Nina Ek")  # type: ignore[attr-defined]
    await page.fill("[id='password']", "ninas-forsta-losen")  # type: ignore[attr-defined]
    await page.check("input[name='permitted.kundtjanst']")  # type: ignore[attr-defined]
    assert await page.locator("a[hreflang=en]").inner_text() == "English"  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "admin-user.png"), full_page=True)  # type: ignore[attr-defined]
    await page.click("button.primary")  # type: ignore[attr-defined]
    await page.wait_for_url(f"{site}/admin/users")  # type: ignore[attr-defined]
    assert await page.locator("text=Nina Ek").count() == 1  # type: ignore[attr-defined]
    profile = web.center.acd.tenant(DEMO_TENANT).agents["nina"].profile
    assert profile.permitted_queues == ("kundtjanst",)
