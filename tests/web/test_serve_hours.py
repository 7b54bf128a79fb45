"""``vaxel serve`` opens and closes queues by their schedule, holidays and planned closures
exactly as the demo does (issue 12 §1; Q1–Q3, ADM3): a subprocess on SQLite and on
PostgreSQL whose clock starts six seconds before the office opens (``VAXEL_CLOCK_START``).
(Holidays: the same machine's unit test, tests/runtime/test_opening_hours.py.)
The queues are stored as an admin would leave them: one naming the office hours, one with
no schedule but a closure planned to begin three seconds after start."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime

import httpx
import pytest

from tests.web.test_serve import clean_env, database_url, free_port, vaxel, wait_until_ready
from vaxel.acd.model import QueueConfig
from vaxel.core.clock import from_local
from vaxel.runtime import ContactCenter
from vaxel.runtime.configuration import Configuration
from vaxel.schedule.calendar import TemporaryClosure
from vaxel.sim.demo_tenant import demo_schedule
from vaxel.store import open_database

__all__ = ["database_url"]  # the SQLite and PostgreSQL fixture of test_serve

pytestmark = pytest.mark.slow

MONDAY_BEFORE_OPENING = from_local(datetime(2026, 12, 7, 7, 59, 54))
"""Six seconds before 08:00 on a Monday; the office hours open at 08:00 (demo_schedule)."""


def _store_queues(url: str, now: float) -> None:
    """What the admin pages store: the office hours, two queues, a planned closure."""
    database = open_database(url)
    center = ContactCenter(database)
    center.recover()
    configuration = Configuration(database, center)
    configuration.put_schedule("exempelby", demo_schedule())
    hours = QueueConfig("exempelby", "kundtjanst", "Kundtjänst", schedule_id="kontorstid")
    configuration.put_queue(hours, now, "admin")
    configuration.put_queue(QueueConfig("exempelby", "vaxel", "Växel"), now, "admin")
    configuration.put_closure(
        "exempelby",
        TemporaryClosure("storning", frozenset({"vaxel"}), now + 3, now + 3600, "sv/stangt"),
    )
    database.dispose()


def _queues_open(client: httpx.Client, key: str) -> dict[str, bool]:
    answer = client.get("/api/v1/queues", headers={"X-API-Key": key})
    assert answer.status_code == 200, answer.text
    return {queue["id"]: queue["open"] for queue in answer.json()}


def test_serve_applies_opening_hours_and_closures_on_its_clock(database_url: str) -> None:
    start = MONDAY_BEFORE_OPENING
    port = free_port()
    env = clean_env(VAXEL_DATABASE_URL=database_url, VAXEL_HTTP_PORT=str(port))
    added = vaxel("tenant", "add", "exempelby", "--name", "Exempelby", env=env)
    assert added.returncode == 0, added.stderr
    key = vaxel("apikey", "add", "exempelby", "--name", "t", "--scope", "read", env=env)
    assert key.returncode == 0, key.stderr
    _store_queues(database_url, start)
    process = subprocess.Popen(
        [sys.executable, "-m", "vaxel", "serve"],
        env=env | {"VAXEL_CLOCK_START": str(start), "VAXEL_SECURE_COOKIES": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, base)
        started = time.monotonic()
        with httpx.Client(base_url=base, timeout=10) as client:
            first = _queues_open(client, key.stdout.strip())
            if time.monotonic() - started < 2.0:  # the clock has not reached the closure yet
                assert first == {"kundtjanst": False, "vaxel": True}, first
            deadline = time.monotonic() + 15
            wanted = {"kundtjanst": True, "vaxel": False}
            seen = first
            while seen != wanted and time.monotonic() < deadline:
                time.sleep(0.2)
                seen = _queues_open(client, key.stdout.strip())
            assert seen == wanted, f"{seen} != {wanted}"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "VAXEL_CLOCK_START" in output, output
