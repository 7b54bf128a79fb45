"""Pages in a real browser for the tests: the app served by uvicorn on a free port and
Debian's Chromium driven by Playwright (no browser download). ``site`` and ``browser`` are
fixtures (made available to tests/web by conftest.py)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
import uvicorn

from tests.web.conftest import PASSWORD, Web
from vaxel.sim.demo_tenant import DEMO_TENANT

ROOT = Path(__file__).parents[2]
README_SHOTS = ROOT / "docs" / "screenshots"
"""The committed screenshots of each main page, shown in the README."""


def screenshot_dir(environment: Mapping[str, str]) -> Path:
    """Where the browser tests save their screenshots: the README's committed pictures only
    when asked with ``VAXEL_UPDATE_SCREENSHOTS=1``, else ``var/screenshots`` (git-ignored),
    so that running the tests leaves ``git status`` clean (issue 9 §11)."""
    if environment.get("VAXEL_UPDATE_SCREENSHOTS", "") == "1":
        return README_SHOTS
    return ROOT / "var" / "screenshots"


SHOTS = screenshot_dir(os.environ)
"""This run's screenshot folder (see ``screenshot_dir``)."""
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

    SHOTS.mkdir(parents=True, exist_ok=True)
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


async def signed_in(
    browser: object, site: str, username: str, width: int = 1280, bypass_csp: bool = False
) -> object:
    """A new page of ``browser`` signed in as ``username`` of the demo tenant (``bypass_csp``
    lets a test put its own script into the page, as the axe-core check does)."""
    page = await browser.new_page(  # type: ignore[attr-defined]
        viewport={"width": width, "height": 800}, bypass_csp=bypass_csp
    )
    await page.goto(f"{site}/login")
    await page.fill("#organisation", DEMO_TENANT)
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{site}/")
    return page
