"""The running platform (issue 12 §1): its parts as the root assembled them, the listeners
the root wires between them, and start-up and shut-down in their order.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from vaxel.acd.commands import Command
from vaxel.acd.events import Event, QueueConfigured, QueueRemoved
from vaxel.runtime import ContactCenter
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.runtime.directory_sync import DirectorySync
from vaxel.runtime.directory_views import DirectoryViews
from vaxel.runtime.forwarding import ForwardingService
from vaxel.runtime.heap import settle_after_start_up
from vaxel.runtime.opening_hours import OpeningHours
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.pbx_reach import PbxReach
from vaxel.runtime.scheduler import Clock, Scheduler
from vaxel.settings import ServeSettings
from vaxel.telephony.directory import TelephonyDirectory

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from vaxel.runtime.conferences import ConferenceService
    from vaxel.runtime.voicemail import VoicemailService
    from vaxel.telephony.service import TelephonyService

__all__ = ["HOURS_KINDS", "Platform"]

HOURS_KINDS = frozenset({"schedule", "closure"})
"""Configuration changes that move the queues' opening hours."""


@dataclass(slots=True)
class Platform:
    """The running platform's parts, as :func:`~vaxel.app.build.build_platform` assembled them."""

    settings: ServeSettings
    clock: Clock
    database: Engine
    center: ContactCenter
    replayed: int
    configuration: Configuration
    scheduler: Scheduler
    hours: OpeningHours
    telephony: TelephonyService | None = None
    directory: TelephonyDirectory | None = None
    directory_views: DirectoryViews | None = None
    """The directory as pages, the API and the console read it; presence is set through it."""
    forwarding: ForwardingService | None = None
    """People's call forwarding (PBX5), set from the web, the API and phones."""
    pbx: PbxReach | None = None
    """The PBX's view of people for telephony: forwarding, line state, absence (issue 14)."""
    directory_sync: DirectorySync | None = None
    """LDAP/AD syncs and calendar polls (issue 13 §3–4); its :meth:`refresh` after an admin's
    change of their settings."""
    voicemail: VoicemailService | None = None
    """Mailboxes and messages (PBX4) for the web, the REST API and telephony."""
    conferences: ConferenceService | None = None
    """Conference rooms (PBX6) for the admin's and the host's pages and the REST API."""
    numbering: PbxNumberingService | None = None
    """The numbering plan, devices and answer groups (PBX1, PBX3) for the web and telephony."""
    web: FastAPI | None = None
    sign_in_listeners: list[Callable[[str, str], None]] = field(default_factory=list)
    """Told (tenant, agent) on the event loop when an agent signs in on the web."""
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: int | None = None
    _drain_pending: bool = False
    _server: uvicorn.Server | None = None
    _serving: asyncio.Task[None] | None = None

    @property
    def web_port(self) -> int | None:
        """The port the web app listens on once started (the real one for port 0)."""
        if self._server is None:
            return None
        return int(self._server.servers[0].sockets[0].getsockname()[1])

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Any = None) -> AsyncIterator[None]:
        """The scheduler runs while the web server does (or, without web, while this
        context is open)."""
        self._loop, self._thread = asyncio.get_running_loop(), threading.get_ident()
        self.scheduler.start()
        try:
            yield
        finally:
            self.scheduler.stop()

    # -- listeners the root wires between the parts -----------------------------------------

    def committed(self, event: Event, commands: list[Command], now: float) -> None:
        """Each durable event, from whichever thread submitted it: the engine's deadline
        may have moved, and telephony carries out commands given elsewhere (web, timers)."""
        names = ["ACD timers"]
        if isinstance(event, (QueueConfigured, QueueRemoved)):
            self.hours.queues_changed()
            names.append(OpeningHours.name)
        self.scheduler.rearm(*names)
        if self.telephony is not None and commands:
            self.drain_soon()

    def config_changed(self, change: ConfigChange) -> None:
        if change.kind in HOURS_KINDS:
            self.hours.changed(change.tenant_id)
            self.scheduler.rearm(OpeningHours.name)

    def drain_soon(self) -> None:
        """Once per turn of the loop, however many events: ``switch.drain`` on the loop."""
        loop = self._loop
        if loop is None or self._drain_pending:
            return
        self._drain_pending = True
        if threading.get_ident() == self._thread:
            loop.call_soon(self._drain)
        else:
            loop.call_soon_threadsafe(self._drain)

    def _drain(self) -> None:
        self._drain_pending = False
        if self.telephony is not None:
            self.telephony.after_external_submit()

    def signed_in(self, tenant_id: str, agent_id: str) -> None:
        for listener in self.sign_in_listeners:
            self.on_loop(listener, tenant_id, agent_id)

    def on_loop(self, action: Callable[..., object], *args: Any) -> None:
        """``action(*args)`` on the loop that runs the calls: at once when called there (or
        before it runs), else soon — an admin's change arrives on a web thread."""
        loop = self._loop
        if loop is not None and threading.get_ident() != self._thread:
            loop.call_soon_threadsafe(action, *args)
        else:
            action(*args)

    def soon(self, action: Callable[[], object]) -> None:
        """``action()`` on the loop that runs the calls, after the current step — never
        inside it (a contact-center listener must not submit while the center commits);
        nothing before the loop runs (no call can be offered then either)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(action)

    def on_loop_waited(self, action: Callable[[], object]) -> object:
        """``action()`` on the loop that runs the calls; from a web thread, a future to wait
        for (a conference host's action)."""
        loop = self._loop
        if loop is None or threading.get_ident() == self._thread:
            return action()

        async def run() -> object:
            return action()

        return asyncio.run_coroutine_threadsafe(run(), loop)

    # -- start and stop ---------------------------------------------------------------------

    async def start(self, before_listening: Callable[[], None] | None = None) -> None:
        """The web server (whose lifespan starts the scheduler; without web the scheduler
        starts here), then ``before_listening`` (the caller's last start-up work, e.g. the
        demo's simulated traffic), start-up's garbage settled, and the SIP and RTP listeners
        open last: a phone is answered only by a platform that is ready. They opened first
        once, and a request that came while the rest still started waited in the socket
        until the phone retransmitted it."""
        self._loop, self._thread = asyncio.get_running_loop(), threading.get_ident()
        if self.web is None:
            self.scheduler.start()
        else:
            from vaxel.web.server import start_web_server

            settings = self.settings
            assert settings.http_port is not None, "the web app is built only with an HTTP port"
            self._server, self._serving = await start_web_server(
                self.web,
                settings.http_host,
                settings.http_port,
                proxy_headers=True,
                forwarded_allow_ips=settings.forwarded_allow_ips,
                lifespan="on",
            )
        if before_listening is not None:
            before_listening()
        settle_after_start_up()  # no long full collections on the SIP and media hot paths
        if self.telephony is not None:
            await self.telephony.start()

    async def until_stopped(self) -> None:
        """Until the web server stops (Ctrl-C, SIGTERM), or for ever without one."""
        if self._serving is None:
            await asyncio.Event().wait()
        else:
            await self._serving

    async def stop(self) -> None:
        if self._server is not None and self._serving is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._serving
        self.scheduler.stop()
        if self.telephony is not None:
            await self.telephony.close()
