"""Start ``vaxel demo`` in this test's event loop and wait until its web app answers, for
tests that talk to a running demo (issue 9 §1, §7, §8)."""

from __future__ import annotations

import asyncio
import re

from vaxel.demo import DemoSettings, run_demo
from vaxel.sim.simulator import Simulator


async def start_demo(
    settings: DemoSettings, lines: list[str]
) -> tuple[asyncio.Task[Simulator], str]:
    """The running demo's task and its web address (``http://127.0.0.1:PORT``); what it
    prints goes to ``lines``. Fails with the printout if the web app does not come up."""
    demo = asyncio.create_task(run_demo(settings, echo=lines.append))
    base = None
    for _ in range(600):
        found = [re.search(r"Webb: (http://[\d.:]+)/", line) for line in lines]
        base = next((m.group(1) for m in found if m), None)
        if base or demo.done():
            break
        await asyncio.sleep(0.05)
    assert base, lines
    return demo, base
