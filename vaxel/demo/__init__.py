"""``vaxel demo``: the platform of ``vaxel serve`` plus a seed and the traffic simulator.

The demo is :func:`vaxel.app.build_platform` with settings (the database, ports, a clock
that may start at the next opening and run faster), a seed (the Swedish demo tenant, its
accounts and API key) and the simulated callers and agents as one more machine of the
scheduler (:class:`Traffic`) — the same code path as production otherwise (issue 12 §1).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from vaxel.app import Platform, build_platform
from vaxel.demo.seed import (
    DEMO_API_KEY,
    DEMO_CARRIER_PASSWORD,
    DEMO_CARRIER_USER,
    FLOW_FILE,
    demo_password,
    demo_pbx_lines,
    demo_web_users,
    seed_demo_accounts,
    seed_demo_directory,
    seed_demo_pbx,
    seed_demo_tenant,
    seed_demo_trunk,
)
from vaxel.runtime import ContactCenter
from vaxel.runtime.scheduler import Clock
from vaxel.schedule import Calendar, schedule_from_dict
from vaxel.settings import ServeSettings
from vaxel.sim.demo_tenant import (
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
from vaxel.sim.summary import live_summary

__all__ = [
    "DEMO_API_KEY",
    "DEMO_CARRIER_PASSWORD",
    "DEMO_CARRIER_USER",
    "DEMO_DATABASE_URL",
    "FLOW_FILE",
    "DemoSettings",
    "demo_simulator",
    "run_demo",
    "seed_demo_accounts",
    "seed_demo_directory",
    "seed_demo_pbx",
    "seed_demo_tenant",
    "seed_demo_trunk",
]

DEMO_DATABASE_URL = "sqlite:///var/demo.db"


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
    carrier: tuple[str, int] | None = None
    """A carrier (``scripts/sipp/demo_carrier.xml``) the demo tenant's trunk registers
    with and calls out through (issue 14 §2); None: no trunk."""


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


def demo_simulator(
    center: ContactCenter, start: float, seed: int, id_prefix: str, traffic: bool = True
) -> Simulator:
    """The demo's simulated callers and agents, driving ``center`` from ``start``; they
    hear every command the runtime gives, whoever caused it (web, telephony's timer).
    Without ``traffic`` it plays nobody and hears nothing: nothing would ever carry out
    what it heard, which would pile up for as long as the demo runs."""
    # The simulator keeps the engine to read it, but reads only in turns run under the
    # runtime's lock (Traffic.on_deadline) and in listeners, which submit calls under it.
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


class Traffic:
    """The simulated callers and agents as a machine of the scheduler: the simulator reads
    the engine between its submits, so each turn runs under the runtime's lock."""

    name = "demo: simulated traffic"

    def __init__(self, center: ContactCenter, simulator: Simulator) -> None:
        self._center = center
        self._simulator = simulator

    def next_deadline(self, now: float) -> float | None:
        return self._center.read(lambda _engine: self._simulator.next_deadline())

    def on_deadline(self, now: float) -> None:
        self._center.read(lambda _engine: self._simulator.advance_to(now))


class Summary:
    """The live summary in the terminal, every ``every_s`` wall seconds."""

    name = "demo: live summary"

    def __init__(
        self,
        center: ContactCenter,
        simulator: Simulator,
        clock: Clock,
        every_s: float,
        echo: Callable[[str], None],
    ) -> None:
        self._center, self._simulator, self._clock = center, simulator, clock
        self._every = every_s * clock.speed
        self._echo = echo
        self._next = clock() + self._every

    def next_deadline(self, now: float) -> float | None:
        return self._next

    def on_deadline(self, now: float) -> None:
        self._next = now + self._every
        self.print(now)

    def print(self, now: float) -> None:
        queue_ids = [q.queue_id for q in demo_queues()]
        agent_ids = [p.agent_id for p, _ in demo_agents()]
        tally = self._simulator.tally
        self._echo(
            self._center.read(
                lambda acd: live_summary(acd, tally, DEMO_TENANT, queue_ids, agent_ids, now)
            )
        )


def _start(settings: DemoSettings) -> tuple[float, bool, bool]:
    """(virtual start, telephony on, always open): out of office hours the simulated day
    starts at the next opening; a demo with phones starts now and keeps its queues open
    so a visitor can still reach an agent (issue 9 §7)."""
    calendar = Calendar([schedule_from_dict(demo_schedule())])
    now = time.time()
    queue_id = demo_queues()[0].queue_id
    open_at_start = calendar.queue_state(queue_id, "kontorstid", now).open
    telephony_on = settings.sip_port is not None and settings.speed == 1.0
    start = now
    if not open_at_start and not telephony_on:
        start = calendar.next_change(queue_id, "kontorstid", now) or now
    return start, telephony_on, telephony_on and not open_at_start


async def run_demo(settings: DemoSettings, echo: Callable[[str], None] = print) -> Simulator:
    """Seed and run the demo for ``duration_s`` of wall time once it is up (or forever).

    The duration counts from when the web app and SIP answer, not from before seeding: on
    a busy machine hashing the demo's passwords alone can take seconds."""
    from vaxel.web.context import WebSettings

    if settings.database_url.startswith("sqlite:///"):
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)  # var/ on a first run
        for suffix in ("", "-wal", "-shm") if settings.fresh else ():
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    virtual_start, telephony_on, always_open = _start(settings)
    clock = Clock(start=virtual_start, speed=settings.speed)
    serve_settings = ServeSettings(
        database_url=settings.database_url,
        http_host=settings.host,
        http_port=settings.http_port,
        sip_host=settings.host,
        sip_port=settings.sip_port if telephony_on else None,
        sip_trusted=(settings.host,),
        sip_invite_rate=settings.sip_invite_rate,
        secure_cookies=False,
    )

    def seed(platform: Platform) -> None:
        seed_demo_tenant(platform.center, settings.database_url, virtual_start)
        if settings.carrier is not None:
            seed_demo_trunk(settings.database_url, *settings.carrier)
        if settings.http_port is not None:
            seed_demo_accounts(settings.database_url)

    platform = build_platform(
        serve_settings,
        seed=seed,
        engine_seed=settings.seed,
        always_open=always_open,
        web=WebSettings(default_tenant=DEMO_TENANT, opening_hours=not always_open),
        clock=clock,
        elsewhere=SimulatedParties(),  # the demo's simulated agents and callers
    )
    wall_start = time.time()
    echo(f"Växel demo — {TENANT_NAME}, huvudnummer {MAIN_NUMBER}")
    echo(f"Databas: {settings.database_url}   hastighet: {settings.speed:g}× realtid")
    if virtual_start > wall_start:
        echo("Kontoret är stängt nu; den simulerade dagen börjar vid nästa öppning.")
    if always_open:
        echo("Kontoret är stängt enligt schemat, men demon håller öppet så att du kan ringa.")
    echo("Köer: " + ", ".join(q.display_name for q in demo_queues()))
    echo("Handläggare: " + ", ".join(p.name for p, _ in demo_agents()))
    if settings.sip_port is not None and not telephony_on:
        echo("SIP är avstängt: riktiga samtal kräver --speed 1.")
    if settings.carrier is not None and telephony_on:
        carrier_host, carrier_port = settings.carrier
        echo(
            f"Trunk till operatören {carrier_host}:{carrier_port} (starta den: sipp -sf "
            f"scripts/sipp/demo_carrier.xml -i {carrier_host} -p {carrier_port} "
            "-m 100000 -rtp_echo -nostdin)"
        )

    center = platform.center
    simulator = demo_simulator(
        center, virtual_start, settings.seed, f"demo{int(wall_start)}-", settings.traffic
    )

    def signed_in(tenant_id: str, agent_id: str) -> None:
        """A person from then on, never also the simulator's robot (issue 9 §8)."""
        if tenant_id == DEMO_TENANT:
            simulator.release_agent(agent_id)

    platform.sign_in_listeners.append(signed_in)
    if settings.traffic:
        platform.scheduler.add(Traffic(center, simulator))
    summary = Summary(center, simulator, clock, settings.summary_every_s, echo)
    platform.scheduler.add(summary)
    telephony = platform.telephony
    if telephony is not None:  # before the phones can register
        telephony.registration.registered_listeners.append(
            lambda ext: simulator.release_agent(ext.agent_id)
        )

    def start_traffic() -> None:
        """The simulated day, once the clock runs and before SIP answers."""
        if settings.traffic:
            center.read(lambda _engine: simulator.start(configure=False))
            platform.scheduler.rearm()

    try:
        await platform.start(before_listening=start_traffic)
        if telephony is not None:
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
            for line in demo_pbx_lines(settings.database_url):
                echo(line)
        if platform.web is not None:
            port = platform.web_port
            echo(
                f"Webb: http://{settings.host}:{port}/ — organisation {DEMO_TENANT}; "
                "inloggningar (användare / lösenord):"
            )
            for username, password, role in demo_web_users():
                echo(f"  {username} / {password}  {role}")
            echo(
                f"REST-API: http://{settings.host}:{port}/api/docs — nyckel (X-API-Key): "
                f"{DEMO_API_KEY}"
            )
        if settings.duration_s is None:
            await asyncio.Event().wait()  # until cancelled (Ctrl+C)
        else:
            await asyncio.sleep(settings.duration_s)
    finally:
        await platform.stop()
    summary.print(clock())
    return simulator
