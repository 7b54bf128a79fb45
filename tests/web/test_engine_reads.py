"""Pages read the engine under the runtime's lock (issue 10 §10).

Sync handlers run in worker threads while other threads submit events: six writers and
eight readers for 30 s gave 46 "dictionary changed size during iteration" 500s on
/wallboard and /api/v1/snapshot. Here four writer threads submit arrivals and hang-ups while
four readers build what those pages (and the agent's panel) build, for about 3 s; the
switch interval is made tiny so threads interleave inside the engine's loops as they would
on a busy server.
"""

from __future__ import annotations

import ast
import sys
import threading
import time
from pathlib import Path

from tests.web.conftest import Web
from vaxel.acd.events import AgentLoggedIn, ContactAbandoned, ContactArrived
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.context import WebContext

HAMMER_S = 3.0
WAITING = 2000


def test_four_writers_and_four_readers_give_no_errors(web: Web) -> None:
    context: WebContext = web.app.state.context  # type: ignore[attr-defined]
    center = context.center
    center.submit(AgentLoggedIn(DEMO_TENANT, "maria", ("kundtjanst",)), time.time())
    for n in range(WAITING):  # a busy day: the pages' loops over contacts take a while
        center.acd.handle(ContactArrived(DEMO_TENANT, f"waiting-{n}", "kundtjanst"), time.time())
    errors: list[BaseException] = []
    reads = [0]
    stop = threading.Event()

    def write(writer: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            contact_id = f"hammer-{writer}-{n}"
            try:
                center.submit(ContactArrived(DEMO_TENANT, contact_id, "kundtjanst"), time.time())
                if n % 3:
                    center.submit(ContactAbandoned(DEMO_TENANT, contact_id), time.time())
            except Exception as error:  # pragma: no cover - only on failure
                errors.append(error)

    def read() -> None:
        while not stop.is_set():
            try:
                context.snapshot_of(DEMO_TENANT, time.time())  # /wallboard, /api/v1/snapshot
                center.agent_panel(DEMO_TENANT, "maria", time.time())  # the workspace
                reads[0] += 1
            except Exception as error:
                errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    threads += [threading.Thread(target=read) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        time.sleep(HAMMER_S)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        sys.setswitchinterval(interval)
    assert reads[0] > 0
    assert errors == [], f"{len(errors)} errors, the first: {errors[0]!r}"


PRODUCTION = Path(__file__).parents[2] / "vaxel"


def test_no_production_code_reads_the_engine_past_the_lock() -> None:
    """The mechanism, not each page: outside the runtime that owns it, code reaches the
    engine only through ``ContactCenter.read`` — an ``x.acd`` attribute read anywhere
    else (``center.acd.tenant(…)``) is the race this issue was about."""
    owners = {PRODUCTION / "runtime" / name for name in ("contact_center.py", "engine_views.py")}
    offenders = []
    for path in PRODUCTION.rglob("*.py"):
        if path in owners or "acd" in path.relative_to(PRODUCTION).parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "acd":
                offenders.append(f"{path.relative_to(PRODUCTION)}:{node.lineno}")
    assert offenders == []
