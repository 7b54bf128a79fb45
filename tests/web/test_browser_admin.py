"""Administration in a real browser (issue 4 §Tests): an admin closes three queues at once
with a temporary closure; screenshots of the admin pages for the README."""

from __future__ import annotations

import pytest

from tests.web.conftest import Web
from tests.web.test_browser import SHOTS, browser, signed_in, site
from vaxel.sim.demo_tenant import DEMO_TENANT

pytestmark = pytest.mark.interop
__all__ = ["browser", "site"]  # fixtures, imported for pytest


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
