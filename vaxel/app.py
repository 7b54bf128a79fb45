"""The composition root: builds the platform from settings and runs it (DESIGN.md).

Only this module (and the CLI that calls it) constructs adapters. Today it wires the
durable ACD runtime, the store, schedules and the traffic simulator for ``vaxel demo``;
the web and SIP adapters plug in here later.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from vaxel.demo_loops import DemoClock, DemoLoops
from vaxel.prompts import PromptLibrary
from vaxel.runtime import ContactCenter
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.runtime.extensions import PhoneExtension, PhoneExtensions
from vaxel.runtime.heap import settle_after_start_up
from vaxel.schedule import Calendar, ScheduleState, schedule_from_dict
from vaxel.sim.demo_tenant import (
    DEMO_SKILLS,
    DEMO_TENANT,
    MAIN_NUMBER,
    TENANT_NAME,
    demo_agents,
    demo_queues,
    demo_schedule,
)
from vaxel.sim.scenario import QueueTraffic, Scenario
from vaxel.sim.scenarios import kommun
from vaxel.sim.simulated_parties import SimulatedParties
from vaxel.sim.simulator import Simulator
from vaxel.store import Documents, Tenant, Tenants, acd_codec, open_database, upgrade
from vaxel.store.prompts import PromptUploads
from vaxel.store.skills import SkillCatalogue
from vaxel.telephony.directory import Extension, ServiceNumber, TelephonyDirectory
from vaxel.telephony.service import TelephonyService

__all__ = ["DEMO_DATABASE_URL", "DemoSettings", "run_demo", "seed_demo_tenant"]

DEMO_DATABASE_URL = "sqlite:///var/demo.db"

FLOW_FILE = Path(__file__).parent / "flow" / "demo_flow.yaml"


@dataclass(frozen=True, slots=True)
class DemoSettings:
    database_url: str = DEMO_DATABASE_URL
    fresh: bool = True
    """Start from an empty demo database (the demo's simulated callers do not survive a
    restart, so their half-finished calls would only clutter the queues)."""
    speed: float = 1.0
    duration_s: float | None = None
    summary_every_s: float = 5.0
    seed: int = 1
    host: str = "127.0.0.1"
    sip_port: int | None = 5060
    """None: no telephony (simulated traffic only)."""
    http_port: int | None = 8080
    """The web app (agent workspace, wallboard); None: no web."""
    traffic: bool = True
    """Simulated callers and agents; off for a quiet phone-only demo."""
    sip_invite_rate: float = 20.0
    """New calls per second one source may start; more get 503 (issue 10 §8)."""


def seed_demo_tenant(center: ContactCenter, database_url: str, now: float) -> None:
    """Store the demo tenant (queues, agents, schedule, flow) and configure the engine."""
    database = open_database(database_url)
    Tenants(database).add(Tenant(DEMO_TENANT, TENANT_NAME, MAIN_NUMBER))
    codec = acd_codec()
    queues = Documents(database, "queue")
    for queue in demo_queues():
        queues.put(DEMO_TENANT, queue.queue_id, queue.display_name, codec.encode(queue))
    agents = Documents(database, "agent")
    extensions = Documents(database, "extension")
    for profile, login_queues in demo_agents():
        agents.put(DEMO_TENANT, profile.agent_id, profile.name, codec.encode(profile))
        phone = PhoneExtension(
            DEMO_TENANT,
            profile.phone,
            profile.name,
            demo_password(profile.phone),
            profile.agent_id,
            login_queues,
        )
        extensions.put(DEMO_TENANT, phone.number, phone.display_name, phone.document())
    catalogue = SkillCatalogue(database)
    catalogued = catalogue.all(DEMO_TENANT)
    for skill_id, skill_name in DEMO_SKILLS.items():
        if skill_id not in catalogued:  # the agents' skills, so the skills page lists them
            catalogue.add(DEMO_TENANT, skill_id, skill_name)
    schedule = demo_schedule()
    Documents(database, "schedule").put(
        DEMO_TENANT, str(schedule["id"]), str(schedule["name"]), schedule
    )
    if FLOW_FILE.exists():
        import yaml

        flow = yaml.safe_load(FLOW_FILE.read_text(encoding="utf-8"))
        Documents(database, "flow").put(DEMO_TENANT, "huvudflode", "Huvudflöde", flow)
    from vaxel.acd.events import AgentConfigured, QueueConfigured

    for queue in demo_queues():
        center.submit(QueueConfigured(queue), now)
    for profile, _ in demo_agents():
        center.submit(AgentConfigured(profile), now)


class DemoHours:
    """The demo's opening hours: the real schedule, or always open when ``always`` is set
    (the demo started outside office hours, so a visitor can still reach an agent).

    ``always`` is decided once, at start-up, and nothing an admin saves switches it off:
    a visitor trying the schedule pages must not close every queue (issue 9 §7)."""

    def __init__(self, calendar: Calendar, always: bool, schedule_id: str = "kontorstid") -> None:
        self.calendar = calendar
        self.always = always
        self.schedule_id = schedule_id

    def is_open(self, schedule_id: str, now: float) -> bool:
        return self.always or self.calendar.queue_state("", schedule_id, now).open

    def queue_state(self, queue_id: str, now: float) -> ScheduleState:
        """What the demo loop tells the engine about ``queue_id``: its schedule's state, or
        open when always open — planned and temporary closures apply in any case (Q1–Q3)."""
        schedule = None if self.always else self.schedule_id
        return self.calendar.queue_state(queue_id, schedule, now)


def demo_password(extension: str) -> str:
    """The demo extensions' SIP password (the demo listens on 127.0.0.1 only)."""
    return f"demo{extension}"


def demo_directory(hours: DemoHours, host: str) -> TelephonyDirectory:
    """The demo's numbers (the main number, national and E.164) and agent extensions."""
    import yaml

    from vaxel.flow import flow_from_dict

    flow = flow_from_dict(yaml.safe_load(FLOW_FILE.read_text(encoding="utf-8")))
    service = ServiceNumber(MAIN_NUMBER, DEMO_TENANT, flow, hours)
    national = "0" + MAIN_NUMBER.removeprefix("+46")
    extensions = {
        profile.phone: Extension(
            DEMO_TENANT,
            profile.phone,
            demo_password(profile.phone),
            profile.agent_id,
            profile.name,
            auto_login_queues=queues,
        )
        for profile, queues in demo_agents()
    }
    return TelephonyDirectory(
        numbers={MAIN_NUMBER: service, national: service},
        extensions=extensions,
        trusted_sources=frozenset({host}),
    )


def telephony_extension(stored: PhoneExtension) -> Extension:
    return Extension(
        stored.tenant_id,
        stored.number,
        stored.password,
        stored.agent_id,
        stored.display_name,
        auto_login_queues=stored.auto_login_queues,
    )


def telephony_updater(
    directory: TelephonyDirectory, prompts: PromptLibrary, extensions: PhoneExtensions
) -> Callable[[ConfigChange], None]:
    """A Configuration listener that swaps an admin's changes into running telephony (Q20):
    a saved extension can register at once, a removed one no longer can (its current
    registration runs out); a replaced or removed upload is played fresh on the next call."""

    def apply(change: ConfigChange) -> None:
        if change.kind == "prompt":
            prompts.forget(change.object_id)
        elif change.kind == "extension":
            stored = extensions.get(change.tenant_id, change.object_id)
            running = directory.extensions.get(change.object_id)
            if stored is not None and stored.password:
                directory.extensions[stored.number] = telephony_extension(stored)
            elif running is not None and running.tenant_id == change.tenant_id:
                del directory.extensions[change.object_id]

    return apply


def demo_config_updater(
    configuration: Configuration,
    calendar: Calendar,
    directory: TelephonyDirectory | None,
    tenant_id: str = DEMO_TENANT,
) -> Callable[[ConfigChange], None]:
    """A Configuration listener that swaps a saved schedule, temporary closure or IVR flow
    into the running demo (Q20). A schedule or closure goes into the calendar, which the
    demo loop asks on every tick, so queues open or close at once — unless the demo is
    "always open" (:class:`DemoHours`), which no save switches off (closures apply anyway).
    A flow replaces the one its service numbers answer with:
    the next call gets it, a call in progress keeps the flow its session started with."""

    def apply(change: ConfigChange) -> None:
        if change.tenant_id != tenant_id:
            return
        if change.kind == "schedule":
            document = configuration.documents("schedule").get(tenant_id, change.object_id)
            calendar.put_schedule(schedule_from_dict(document))
        elif change.kind == "closure":
            calendar.replace_closures(configuration.closures(tenant_id))
        elif change.kind == "flow" and directory is not None:
            from vaxel.flow import flow_from_dict

            flow = flow_from_dict(configuration.documents("flow").get(tenant_id, change.object_id))
            for number, service in list(directory.numbers.items()):
                if service.tenant_id == tenant_id and service.flow.flow_id == flow.flow_id:
                    directory.numbers[number] = replace(service, flow=flow)

    return apply


DEMO_API_KEY = "demo-api-nyckel-exempelby"


def demo_web_users() -> list[tuple[str, str, str]]:
    """(username, password, role) of the demo's web accounts: each agent, a supervisor and
    an admin. The demo listens on 127.0.0.1 only."""
    users = [
        (profile.agent_id, demo_password(profile.phone), "agent") for profile, _ in demo_agents()
    ]
    return [*users, ("chef", "demo-chef", "supervisor"), ("admin", "demo-admin", "tenant_admin")]


def seed_demo_accounts(database_url: str) -> None:
    from vaxel.store.accounts import Accounts
    from vaxel.store.api_keys import SCOPES
    from vaxel.web.passwords import PasswordHashing

    accounts = Accounts(open_database(database_url))
    hashing = PasswordHashing()
    names = {profile.agent_id: profile.name for profile, _ in demo_agents()}
    if accounts.tenant_of_key(DEMO_API_KEY) is None:
        # Every scope: the README shows it creating callbacks, reading and streaming events.
        accounts.add_api_key(
            DEMO_TENANT, "Demo: webbplatsens formulär", DEMO_API_KEY, time.time(), SCOPES
        )
    for username, password, role in demo_web_users():
        if accounts.find(DEMO_TENANT, username) is None:
            accounts.add_user(
                DEMO_TENANT,
                username,
                names.get(username, username.title()),
                role,
                hashing.hash(password),
                username if role == "agent" else None,
            )


async def _serve_web(
    center: ContactCenter,
    database: Engine,
    settings: DemoSettings,
    telephony: TelephonyService | None,
    configuration: Configuration,
    simulator: Simulator,
    always_open: bool,
) -> Any:
    """The demo's web app; ``always_open`` when the demo keeps its queues open (§7)."""
    from vaxel.web.app import WebSettings, create_app
    from vaxel.web.server import start_web_server

    seed_demo_accounts(settings.database_url)
    app = create_app(
        center,
        database,
        WebSettings(default_tenant=DEMO_TENANT, opening_hours=not always_open),
        after_submit=telephony.after_external_submit if telephony else (lambda: None),
        on_phone=lambda contact_id: telephony is not None and contact_id in telephony.switch.calls,
        configuration=configuration,
        on_sign_in=_releaser(simulator, asyncio.get_running_loop()),
    )
    assert settings.http_port is not None, "the web app is served only with an HTTP port"
    server, serving = await start_web_server(app, settings.host, settings.http_port)
    server.task = serving  # type: ignore[attr-defined]
    return server


def demo_traffic(start: float) -> Scenario:
    """The municipality's traffic at its average daytime rate, from ``start`` for a day."""
    day = kommun()
    flat = [
        QueueTraffic(
            t.queue_id,
            [sum(t.per_hour) / len(t.per_hour)] * 96,
            t.handle,
            t.patience_mean_s,
            t.channel,
            t.callback_share,
            t.caller_pool,
        )
        for t in day.traffic
    ]
    return replace(day, traffic=flat, start=start)


def _releaser(simulator: Simulator, loop: asyncio.AbstractEventLoop) -> Callable[[str, str], None]:
    """An agent who signs in on the web is a person from then on, never also the simulator's
    robot (issue 9 §8), as one whose phone registers. The simulator belongs to the event
    loop, so the release is handed to it whatever thread the sign-in ran in."""

    def release(tenant_id: str, agent_id: str) -> None:
        if tenant_id == DEMO_TENANT:
            loop.call_soon_threadsafe(simulator.release_agent, agent_id)

    return release


def demo_simulator(
    center: ContactCenter, start: float, seed: int, id_prefix: str, traffic: bool = True
) -> Simulator:
    """The demo's simulated callers and agents, driving ``center`` from ``start``; they
    hear every command the runtime gives, whoever caused it (web, telephony's timer).
    Without ``traffic`` it plays nobody and hears nothing: nothing would ever carry out
    what it heard, which would pile up for as long as the demo runs."""
    # The simulator keeps the engine to read it, but reads only in turns run under the
    # runtime's lock (DemoLoops.play_traffic) and in listeners, which submit calls under it.
    engine = center.read(lambda acd: acd)
    simulator = Simulator(
        demo_traffic(start), seed=seed, engine=engine, submit=center.submit, id_prefix=id_prefix
    )
    if traffic:
        center.listeners.append(simulator.listen())
    else:
        for profile, _ in demo_agents():
            simulator.release_agent(profile.agent_id)
    return simulator


async def run_demo(settings: DemoSettings, echo: Callable[[str], None] = print) -> Simulator:
    """Seed and run the demo for ``duration_s`` of wall time once it is up (or forever).

    The duration counts from when the web app and SIP answer, not from before seeding: on
    a busy machine hashing the demo's passwords alone can take seconds."""
    if settings.fresh and settings.database_url.startswith("sqlite:///"):
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    database = open_database(settings.database_url)
    upgrade(database)
    center = ContactCenter(database, seed=settings.seed)
    center.recover()
    configuration = Configuration(database, center)
    """One for the web app and the running adapters: an admin's change reaches both (Q20)."""

    calendar = Calendar([schedule_from_dict(demo_schedule())])
    wall_start = time.time()
    virtual_start = wall_start
    queue_ids = [q.queue_id for q in demo_queues()]
    open_at_start = calendar.queue_state(queue_ids[0], "kontorstid", wall_start).open
    telephony_on = settings.sip_port is not None and settings.speed == 1.0
    always_open = telephony_on and not open_at_start
    if not open_at_start and not telephony_on:
        opening = calendar.next_change(queue_ids[0], "kontorstid", wall_start)
        if opening is not None:
            virtual_start = opening
    seed_demo_tenant(center, settings.database_url, virtual_start)

    echo(f"Växel demo — {TENANT_NAME}, huvudnummer {MAIN_NUMBER}")
    echo(f"Databas: {settings.database_url}   hastighet: {settings.speed:g}× realtid")
    if virtual_start > wall_start:
        echo("Kontoret är stängt nu; den simulerade dagen börjar vid nästa öppning.")
    if always_open:
        echo("Kontoret är stängt enligt schemat, men demon håller öppet så att du kan ringa.")
    echo("Köer: " + ", ".join(q.display_name for q in demo_queues()))
    echo("Handläggare: " + ", ".join(p.name for p, _ in demo_agents()))

    hours = DemoHours(calendar, always_open)
    directory: TelephonyDirectory | None = None
    telephony: TelephonyService | None = None
    if settings.sip_port is not None and not telephony_on:
        echo("SIP är avstängt: riktiga samtal kräver --speed 1.")
    if telephony_on:
        assert settings.sip_port is not None
        directory = demo_directory(hours, settings.host)
        prompts = PromptLibrary(uploads=PromptUploads(database).lookup)
        telephony = TelephonyService(
            center,
            directory,
            host=settings.host,
            sip_port=settings.sip_port,
            invites_per_second=settings.sip_invite_rate,
            prompts=prompts,
            elsewhere=SimulatedParties(),  # the demo's simulated agents and callers
        )
        configuration.listeners.append(
            telephony_updater(directory, prompts, PhoneExtensions(configuration))
        )
        await telephony.start()
        national = "0" + MAIN_NUMBER.removeprefix("+46")
        echo(
            f"SIP: {settings.host}:{telephony.address[1]} (UDP och TCP). Ring {national} "
            f"eller {MAIN_NUMBER} från en SIP-klient på {settings.host} (ingen inloggning)."
        )
        echo(
            "Anknytningar för handläggarnas telefoner (användare / lösenord, domän "
            f"{settings.host}):"
        )
        for profile, _ in demo_agents():
            echo(f"  {profile.phone} / {demo_password(profile.phone)}  {profile.name}")

    configuration.listeners.append(demo_config_updater(configuration, calendar, directory))
    calendar.replace_closures(configuration.closures(DEMO_TENANT))  # prepared earlier (ADM3)
    simulator = demo_simulator(
        center, virtual_start, settings.seed, f"demo{int(wall_start)}-", settings.traffic
    )
    web_server = None
    if settings.http_port is not None:
        web_server = await _serve_web(
            center, database, settings, telephony, configuration, simulator, always_open
        )
        port = web_server.servers[0].sockets[0].getsockname()[1]
        echo(
            f"Webb: http://{settings.host}:{port}/ — organisation {DEMO_TENANT}; "
            "inloggningar (användare / lösenord):"
        )
        for username, password, role in demo_web_users():
            echo(f"  {username} / {password}  {role}")
        echo(
            f"REST-API: http://{settings.host}:{port}/api/docs — nyckel (X-API-Key): {DEMO_API_KEY}"
        )

    settle_after_start_up()  # no long full collections on the SIP and media hot paths
    if settings.traffic:
        simulator.start(configure=False)
    if telephony is not None:
        telephony.registration.on_registered = lambda ext: simulator.release_agent(ext.agent_id)
    loops = DemoLoops(
        center,
        simulator,
        hours.queue_state,
        DemoClock(wall_start, virtual_start, settings.speed),
        DEMO_TENANT,
        queue_ids,
        [p.agent_id for p, _ in demo_agents()],
        echo,
        telephony,
        settings.traffic,
        settings.summary_every_s,
    )
    tasks = loops.start()
    try:
        if settings.duration_s is None:
            await asyncio.Event().wait()  # until cancelled (Ctrl+C)
        else:
            await asyncio.sleep(settings.duration_s)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if telephony is not None:
        await telephony.close()
    if web_server is not None:
        web_server.should_exit = True
        await web_server.task
    loops.print_summary()
    return simulator
