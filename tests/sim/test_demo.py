"""`vaxel demo`: the demo tenant is seeded durably and simulated traffic is handled."""

from __future__ import annotations

import asyncio
from pathlib import Path

from vaxel.app import DemoSettings, run_demo
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
