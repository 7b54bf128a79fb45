"""The composition root swaps a saved schedule or flow into the running demo (Q20), without
SIP ports: the calendar the demo loop asks switches at once, the service numbers answer the
next call with the new flow while a call in progress keeps its own."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.sim.running_demo import start_demo
from tests.web.test_serve import free_port
from vaxel.app import Platform, build_platform
from vaxel.core.clock import from_local
from vaxel.demo import seed_demo_tenant
from vaxel.flow import PromptFinished
from vaxel.flow.model import Menu
from vaxel.runtime.configuration import Configuration
from vaxel.settings import ServeSettings
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER

QUEUES = {"vaxel", "kundtjanst", "bygglov", "barnomsorg"}


@pytest.fixture
def running(tmp_path: Path) -> dict[str, Any]:
    """The platform as ``vaxel demo`` builds it out of office hours (queues kept open),
    with telephony built but not started."""
    url = f"sqlite:///{tmp_path}/demo.db"
    settings = ServeSettings(database_url=url, http_port=None, sip_port=free_port())
    platform: Platform = build_platform(
        settings,
        seed=lambda p: seed_demo_tenant(p.center, url, time.time()),
        always_open=True,
    )
    return {
        "platform": platform,
        "configuration": platform.configuration,
        "hours": platform.hours,
        "directory": platform.directory,
    }


def _open_queues(platform: Platform) -> set[str]:
    return {
        q for q, record in platform.center.acd.tenant(DEMO_TENANT).queues.items() if record.is_open
    }


def test_a_saved_schedule_rules_the_calendar_at_once(running: dict[str, Any]) -> None:
    configuration: Configuration = running["configuration"]
    platform: Platform = running["platform"]
    hours = platform.hours
    now = time.time()
    closed_all_week = {"id": "kontorstid", "name": "Kontorstid", "weekly": {}}
    configuration.put_schedule(DEMO_TENANT, closed_all_week)
    calendar = hours.calendar(DEMO_TENANT)
    assert calendar.queue_state("kundtjanst", "kontorstid", now).open is False
    hours.always_open = False  # a demo that started in office hours follows the admin's hours
    assert hours.is_open(DEMO_TENANT, "kontorstid", now) is False
    hours.on_deadline(now)
    assert _open_queues(platform) == set()
    configuration.put_schedule(
        DEMO_TENANT, {"id": "kontorstid", "weekly": {"mon-sun": ["00:00-24:00"]}}
    )
    assert hours.calendar(DEMO_TENANT).queue_state("kundtjanst", "kontorstid", now).open is True
    assert hours.next_deadline(now) == now, "looks again at once"
    hours.on_deadline(now)
    assert _open_queues(platform) == QUEUES


def test_saving_a_schedule_keeps_an_always_open_demo_open(running: dict[str, Any]) -> None:
    """Issue 9 §7: the demo started out of hours stays open for its visitors whatever an
    admin saves — a new schedule, or the demo's own hours closed all week."""
    configuration: Configuration = running["configuration"]
    platform: Platform = running["platform"]
    hours = platform.hours
    sunday_night = from_local(datetime(2026, 12, 6, 3, 0))
    assert not hours.calendar(DEMO_TENANT).queue_state("", "kontorstid", sunday_night).open
    configuration.put_schedule(DEMO_TENANT, {"id": "helger", "name": "Helger", "weekly": {}})
    configuration.put_schedule(DEMO_TENANT, {"id": "kontorstid", "weekly": {}})
    hours.on_deadline(sunday_night)
    assert _open_queues(platform) == QUEUES
    assert hours.is_open(DEMO_TENANT, "kontorstid", sunday_night), "the main number answers too"
    service = running["directory"].numbers[MAIN_NUMBER]
    assert service.hours.is_open("kontorstid", sunday_night)


def test_a_saved_flow_answers_the_next_call(running: dict[str, Any]) -> None:
    configuration: Configuration = running["configuration"]
    directory = running["directory"]
    in_progress = directory.numbers[MAIN_NUMBER].flow
    document = configuration.documents("flow").get(DEMO_TENANT, "huvudflode")
    document["nodes"]["huvudmeny"]["options"]["4"] = "bygglov_ko"
    configuration.put_flow(DEMO_TENANT, document)
    national = "0" + MAIN_NUMBER.removeprefix("+46")
    for number in (MAIN_NUMBER, national):
        menu = directory.numbers[number].flow.nodes["huvudmeny"]
        assert isinstance(menu, Menu) and menu.options["4"] == "bygglov_ko"
    old_menu = in_progress.nodes["huvudmeny"]
    assert isinstance(old_menu, Menu) and "4" not in old_menu.options


def test_another_tenants_change_is_not_applied(running: dict[str, Any]) -> None:
    configuration: Configuration = running["configuration"]
    directory = running["directory"]
    flow = directory.numbers[MAIN_NUMBER].flow
    configuration.changed("annanstad", "schedule", "kontorstid")
    configuration.changed("annanstad", "flow", "huvudflode")
    assert running["hours"].always_open is True
    calendar = running["hours"].calendar(DEMO_TENANT)
    assert calendar.schedule("kontorstid").weekly, "the demo's hours are kept"
    assert directory.numbers[MAIN_NUMBER].flow == flow


async def test_the_running_demo_opens_and_closes_queues_when_an_admin_saves_hours(
    tmp_path: Path,
) -> None:
    """End to end without SIP: the demo's web app saves a schedule, the demo loop closes
    (then reopens) every queue at once, as the REST API reports. (The demo runs until
    stopped: its start-up hashes the demo accounts' passwords, which takes seconds.)"""
    import asyncio
    import contextlib
    import re

    import httpx

    from vaxel.demo import DEMO_API_KEY, DemoSettings

    lines: list[str] = []
    settings = DemoSettings(
        database_url=f"sqlite:///{tmp_path}/demo.db",
        sip_port=None,
        http_port=0,
        traffic=False,
        duration_s=None,
        summary_every_s=60.0,
    )
    demo, base = await start_demo(settings, lines)

    async def queues_open(client: httpx.AsyncClient) -> set[bool]:
        answer = await client.get("/api/v1/queues", headers={"X-API-Key": DEMO_API_KEY})
        return {queue["open"] for queue in answer.json()}

    async def save_hours(client: httpx.AsyncClient, days: str, hours: str) -> None:
        page = await client.get("/admin/schedules/kontorstid")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None, page.text[:300]
        form = {"csrf": csrf.group(1), "name": "Kontorstid", "eves": "normal", "action": "save"}
        saved = await client.post(
            "/admin/schedules/kontorstid",
            data=form | {"weekly_days": days, "weekly_hours": hours},
        )
        assert saved.status_code == 303, saved.text[:500]

    async def until(client: httpx.AsyncClient, wanted: bool) -> None:
        for _ in range(100):
            if await queues_open(client) == {wanted}:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"queues never became open={wanted}")

    async with httpx.AsyncClient(base_url=base, follow_redirects=False, trust_env=False) as client:
        login = await client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', login.text)
        assert token is not None
        signed_in = await client.post(
            "/login",
            data={
                "organisation": DEMO_TENANT,
                "username": "admin",
                "password": "demo-admin",
                "csrf": token.group(1),
            },
        )
        assert signed_in.status_code == 303
        await save_hours(client, "mon-sun", "stängt")
        await until(client, False)
        await save_hours(client, "mon-sun", "00:00-24:00")
        await until(client, True)
    # The demo runs until stopped; stop it and the web server it started, as Ctrl+C would.
    serving = [t for t in asyncio.all_tasks() if "Server.serve" in repr(t.get_coro())]
    for task in [demo, *serving]:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_an_assigned_number_answers_with_its_flow_at_once(running: dict[str, Any]) -> None:
    """Issue 12 §6: a second number on a second flow is answered without a restart, in
    E.164 and the national form; the main number keeps its flow; a removed one is gone."""
    from vaxel.runtime.service_numbers import NumberAssignments

    configuration: Configuration = running["configuration"]
    directory = running["directory"]
    configuration.put_flow(
        DEMO_TENANT,
        {
            "id": "barnomsorg",
            "start": "ko",
            "nodes": {"ko": {"type": "queue", "queue": "barnomsorg"}},
        },
    )
    numbers = NumberAssignments(configuration)
    assert numbers.assign(DEMO_TENANT, "08-123 450 01", "barnomsorg") == "+46812345001"
    for number in ("+46812345001", "0812345001"):
        assert directory.numbers[number].flow.flow_id == "barnomsorg"
        assert directory.numbers[number].tenant_id == DEMO_TENANT
    assert directory.numbers[MAIN_NUMBER].flow.flow_id == "huvudflode"
    numbers.assign(DEMO_TENANT, MAIN_NUMBER, "barnomsorg")
    assert directory.numbers["0812345000"].flow.flow_id == "barnomsorg"
    numbers.remove(DEMO_TENANT, "+46812345001")
    assert "+46812345001" not in directory.numbers and "0812345001" not in directory.numbers


def test_a_switched_lavinbesked_is_heard_by_the_next_caller(running: dict[str, Any]) -> None:
    """IVR4, issue 14 §7: the demo's "driftstörning" switch on → a new call's flow plays
    the announcement; off again → the next call's does not."""
    from vaxel.flow import CallInfo, FlowSession, PlayPrompts
    from vaxel.runtime.flow_switches import FlowSwitches

    platform: Platform = running["platform"]
    directory = running["directory"]
    switches = FlowSwitches(platform.configuration, time.time)
    assert [(s.name, s.number, s.on) for s in switches.listed(DEMO_TENANT)] == [
        ("driftstorning", 1, False),
        ("nattservice", 2, False),
        ("telefonistmeny", 3, False),
    ]

    def new_call_hears() -> list[str]:
        service = directory.numbers[MAIN_NUMBER]
        session = FlowSession(
            service.flow, CallInfo("0701234567", MAIN_NUMBER), service.hours, service.switches
        )
        heard: list[str] = []
        now = time.time()
        commands = session.start(now)
        for _ in range(3):  # the welcome, then the lavinbesked (or not), then the menu
            heard += [p for c in commands if isinstance(c, PlayPrompts) for p in c.prompt_ids]
            commands = session.handle(PromptFinished(), now)
        return heard

    assert "sv/exempelby/driftstorning" not in new_call_hears()
    switches.set(DEMO_TENANT, "driftstorning", True, "admin")
    assert "sv/exempelby/driftstorning" in new_call_hears()
    switches.set(DEMO_TENANT, "driftstorning", False, "admin")
    assert "sv/exempelby/driftstorning" not in new_call_hears()


def test_a_scheduled_lavinbesked_is_heard_inside_its_window_only(
    running: dict[str, Any],
) -> None:
    """IVR4 "scheduled": a window set on the switch reaches the running numbers at once, and
    a call arriving inside it hears the announcement, one before or after it does not —
    without anyone switching anything when the window opens or closes."""
    from vaxel.flow import CallInfo, FlowSession, PlayPrompts
    from vaxel.runtime.flow_switches import FlowSwitches

    platform: Platform = running["platform"]
    directory = running["directory"]
    switches = FlowSwitches(platform.configuration, time.time)

    def call_at(at: float) -> list[str]:
        service = directory.numbers[MAIN_NUMBER]
        session = FlowSession(
            service.flow,
            CallInfo("0701234567", MAIN_NUMBER),
            service.hours,
            service.switches_at(at),
        )
        heard: list[str] = []
        commands = session.start(at)
        for _ in range(3):
            heard += [p for c in commands if isinstance(c, PlayPrompts) for p in c.prompt_ids]
            commands = session.handle(PromptFinished(), at)
        return heard

    now = time.time()
    start, end = now + 3600, now + 7200
    switches.schedule(DEMO_TENANT, "driftstorning", start, end, "admin")
    prompt = "sv/exempelby/driftstorning"
    assert prompt not in call_at(now) and prompt not in call_at(start - 1)
    assert prompt in call_at(start) and prompt in call_at(end - 1)
    assert prompt not in call_at(end)
    switches.set(DEMO_TENANT, "driftstorning", False, "admin")  # off ends the window
    assert prompt not in call_at(start + 1)
