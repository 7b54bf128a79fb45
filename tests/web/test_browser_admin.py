"""Administration in a real browser (issue 4 §Tests): an admin closes three queues at once
with a temporary closure; screenshots of the admin pages for the README."""

from __future__ import annotations

import pytest

from tests.web.browsing import SHOTS, signed_in
from tests.web.conftest import Web
from vaxel.flow import flow_from_dict
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import Documents

pytestmark = pytest.mark.interop


async def test_an_admin_closes_three_queues_at_once(web: Web, site: str, browser: object) -> None:
    page = await signed_in(browser, site, "admin")
    await page.click("text=Administration")  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "admin.png"))  # type: ignore[attr-defined]
    await page.click("a[href='/admin/closures']")  # type: ignore[attr-defined]
    for queue in ("vaxel", "kundtjanst", "bygglov"):
        await page.check(f"input[name=queue][value={queue}]")  # type: ignore[attr-defined]
    await page.click("button[value=close]")  # type: ignore[attr-defined]
    await page.wait_for_url(f"{site}/admin/closures")  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "admin-closures.png"))  # type: ignore[attr-defined]
    acd = web.center.acd
    closed = {q for q, r in acd.tenant(DEMO_TENANT).queues.items() if not r.is_open}
    assert closed == {"vaxel", "kundtjanst", "bygglov"}
    assert await page.locator("text=stängd").count() == 3  # type: ignore[attr-defined]


async def test_the_schedule_and_flow_editors_work_in_the_browser(
    web: Web, site: str, browser: object
) -> None:
    """The opening-hours preview and the flow form render and save in Chromium, with no
    script errors (the flow form redraws itself with a static script under the CSP)."""
    page = await signed_in(browser, site, "admin")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))  # type: ignore[attr-defined]
    page.on(  # type: ignore[attr-defined]
        "console", lambda m: errors.append(m.text) if m.type == "error" else None
    )
    await page.goto(f"{site}/admin/schedules/kontorstid")  # type: ignore[attr-defined]
    assert await page.locator("#preview tr[data-date]").count() == 14  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "admin-schedule.png"), full_page=True)  # type: ignore[attr-defined]
    await page.goto(f"{site}/admin/flows/huvudflode")  # type: ignore[attr-defined]
    await page.screenshot(path=str(SHOTS / "admin-flow.png"))  # type: ignore[attr-defined]
    stored = Documents(web.center.database, "flow").get(DEMO_TENANT, "huvudflode")
    await page.click("button[value=save]")  # type: ignore[attr-defined]
    await page.wait_for_load_state()  # type: ignore[attr-defined]
    assert page.url.endswith("/admin/flows/huvudflode"), page.url  # type: ignore[attr-defined]
    # saved from the form as the browser sent it: the same flow as before
    assert flow_from_dict(stored) == flow_from_dict(
        Documents(web.center.database, "flow").get(DEMO_TENANT, "huvudflode")
    )
    assert errors == []
