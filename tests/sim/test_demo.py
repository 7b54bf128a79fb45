"""`vaxel demo`: the demo tenant is seeded durably and simulated traffic is handled."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest

from tests.sim.running_demo import start_demo
from vaxel.demo import DemoSettings, run_demo
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import Documents, ReadModels, Tenants, open_database


def test_demo_runs_the_municipality_with_live_summaries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    lines: list[str] = []
    settings = DemoSettings(
        database_url=url, speed=900.0, duration_s=2.0, summary_every_s=0.5, http_port=0
    )
    simulator = asyncio.run(run_demo(settings, echo=lines.append))
    output = "\n".join(lines)
    for queue in ("Växel", "Kundtjänst", "Bygglov", "Barnomsorg"):
        assert queue in output
    assert "Handläggare:" in output and "servicenivå" in output
    assert simulator.tally.queues and sum(f.answered for f in simulator.tally.queues.values()) > 0

    database = open_database(url)
    assert Tenants(database).get(DEMO_TENANT).name == "Exempelby kommun"
    assert set(Documents(database, "queue").all(DEMO_TENANT)) == {
        "vaxel",
        "kundtjanst",
        "bygglov",
        "barnomsorg",
    }
    assert "kontorstid" in Documents(database, "schedule").all(DEMO_TENANT)
    # what the demo did is in the journal: a restarted process sees the same contacts
    logged = ReadModels(database).contacts(DEMO_TENANT, limit=100_000)
    assert any(record.status == "ended" for record in logged)
    again = ContactCenter(database, seed=1)
    assert again.recover() > 0
    assert again.acd.agent_view(DEMO_TENANT, "anna") == simulator.engine.agent_view(
        DEMO_TENANT, "anna"
    )


def test_the_readme_command_line_starts_the_demo_and_serves_the_web_app(tmp_path: Path) -> None:
    """`vaxel demo` as a user types it (the README's first command), briefly."""
    import re
    import subprocess
    import sys
    import urllib.request

    database = f"sqlite:///{tmp_path}/demo.db"
    command = [sys.executable, "-m", "vaxel", "demo", "--no-sip", "--database-url", database]
    process = subprocess.Popen(
        [*command, "--duration", "6", "--http-port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    address = ""
    output = []
    for line in process.stdout:
        output.append(line)
        found = re.search(r"Webb: (http://127\.0\.0\.1:\d+)/", line)
        if found:
            address = found.group(1)
            break
    assert address, "".join(output)
    with urllib.request.urlopen(f"{address}/login", timeout=10) as page:
        assert "Logga in" in page.read().decode()
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, "".join(output) + rest
    quiet = subprocess.run(
        [*command, "--no-web", "--duration", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert quiet.returncode == 0, quiet.stderr
    assert "Webb:" not in quiet.stdout


async def test_the_demo_goes_on_when_its_simulator_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 9 §1: an exception in one part of the demo (here the simulator, as the API's
    callbacks once made it) is logged and that machine is armed again; the web app answers and the
    engine steps meanwhile, instead of the whole process ending."""
    import logging

    import httpx

    from vaxel.sim.simulator import Simulator

    advance = Simulator.advance_to
    failures: list[float] = []

    def fails_twice(self: Simulator, until: float) -> None:
        if len(failures) < 2:
            failures.append(until)
            raise KeyError("callback-1")
        advance(self, until)

    monkeypatch.setattr(Simulator, "advance_to", fails_twice)
    lines: list[str] = []
    settings = DemoSettings(
        database_url=f"sqlite:///{tmp_path / 'demo.db'}",
        speed=600.0,
        duration_s=None,
        summary_every_s=60.0,
        sip_port=None,
        http_port=0,
    )
    with caplog.at_level(logging.ERROR, "vaxel.runtime.scheduler"):
        demo, base = await start_demo(settings, lines)
        async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as client:
            for _ in range(100):
                if len(failures) == 2 and "simulated traffic failed" in caplog.text:
                    break
                await asyncio.sleep(0.05)
            assert (await client.get("/login")).status_code == 200, "the web app answers"
            await asyncio.sleep(1.5)  # the simulator is back after its back-off
            assert (await client.get("/login")).status_code == 200
        assert not demo.done(), "the demo runs on"
        serving = [t for t in asyncio.all_tasks() if "Server.serve" in repr(t.get_coro())]
        for task in [demo, *serving]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    assert caplog.text.count("demo: simulated traffic failed; armed again") == 2
    assert "KeyError: 'callback-1'" in caplog.text, "logged with its traceback"
    center = ContactCenter(open_database(settings.database_url), seed=1)
    center.recover()
    answered = ReadModels(center.database).contacts(DEMO_TENANT, limit=100_000)
    assert any(record.status in ("connected", "ended") for record in answered), "engine stepped"


async def test_an_agent_who_signs_in_on_the_web_is_no_longer_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9 §8: signing in on the web takes the agent over from the demo's simulator,
    as a registered phone does — a person, never also a robot answering for them."""
    import re

    import httpx

    import vaxel.demo
    from vaxel.sim.simulator import Simulator

    made: list[Simulator] = []
    real = vaxel.demo.demo_simulator

    def keep(*args: Any, **kwargs: Any) -> Simulator:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(vaxel.demo, "demo_simulator", keep)
    lines: list[str] = []
    settings = DemoSettings(
        database_url=f"sqlite:///{tmp_path / 'demo.db'}",
        speed=600.0,
        duration_s=None,
        summary_every_s=60.0,
        sip_port=None,
        http_port=0,
    )
    demo, base = await start_demo(settings, lines)
    (simulator,) = made

    async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> None:
        page = await client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token is not None
        form = {"organisation": DEMO_TENANT, "username": username, "password": password}
        answer = await client.post("/login", data=form | {"csrf": token.group(1)})
        assert answer.status_code == 303 and answer.headers["location"] == "/"

    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as client:
        await sign_in(client, "chef", "demo-chef")  # a supervisor is nobody's robot
        await asyncio.sleep(0.2)
        assert simulator.plays("anna") and simulator.plays("erik")
    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as client:
        await sign_in(client, "anna", "demo1001")
        for _ in range(50):
            if not simulator.plays("anna"):
                break
            await asyncio.sleep(0.02)
    assert not simulator.plays("anna") and simulator.plays("erik")
    engine = simulator.engine
    others = [a for a in engine.tenants[DEMO_TENANT].agents if a != "anna"]

    def answered_by_others() -> int:
        return sum(engine.agent_view(DEMO_TENANT, a).answered_today for a in others)

    answered = engine.agent_view(DEMO_TENANT, "anna").answered_today
    before = answered_by_others()
    for _ in range(300):  # until the others have answered ten more (≈ 1.5 s unloaded)
        await asyncio.sleep(0.1)
        if answered_by_others() >= before + 10:
            break
    assert answered_by_others() >= before + 10
    assert engine.agent_view(DEMO_TENANT, "anna").answered_today == answered
    assert not demo.done()
    serving = [t for t in asyncio.all_tasks() if "Server.serve" in repr(t.get_coro())]
    for task in [demo, *serving]:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
