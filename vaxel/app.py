"""The composition root: the whole platform, built from settings in one place (issue 12 §1).

Read top to bottom, :func:`build_platform` is the platform: the database (migrated, then
the journal replayed into the ACD engine), the configuration the admin pages edit, the one
:class:`~vaxel.runtime.scheduler.Scheduler` with its machines (the engine's timers; opening
hours, holidays and closures), telephony (when a SIP port is set) and the web app, whose
lifespan runs the scheduler. Adapters get the contact center as a
:class:`~vaxel.acd.ports.ContactCenterPort` and nothing else of the core.

``vaxel serve`` is :func:`serve` — settings only. ``vaxel demo`` (:mod:`vaxel.demo`) is the
same platform from settings, plus a seed and the traffic simulator as one more machine.
Only this module wires; nothing else imports it but the CLI and the demo.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from vaxel.acd.commands import Command
from vaxel.acd.events import Event, QueueConfigured, QueueRemoved
from vaxel.core.dial_policy import DialPolicy
from vaxel.core.errors import UnknownTenant, VaxelError
from vaxel.prompts import PromptLibrary
from vaxel.runtime import ContactCenter
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.runtime.directory_sync import DirectorySync
from vaxel.runtime.directory_views import DirectoryViews
from vaxel.runtime.engine_snapshots import SnapshotPolicy
from vaxel.runtime.extensions import PhoneExtension, PhoneExtensions
from vaxel.runtime.forwarding import ForwardingService
from vaxel.runtime.group_logins import QueueGroupLogins
from vaxel.runtime.heap import FullCollections, settle_after_start_up
from vaxel.runtime.opening_hours import OpeningHours, TenantHours
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.pbx_reach import PbxReach
from vaxel.runtime.pbx_trunks import KIND as TRUNK_KIND
from vaxel.runtime.pbx_trunks import outside_lines_from, policy_of_person
from vaxel.runtime.scheduler import Clock, EngineTimer, Scheduler
from vaxel.runtime.service_numbers import AnsweredNumber, answered_numbers, national_form
from vaxel.schedule import Calendar, schedule_from_dict
from vaxel.settings import ServeSettings
from vaxel.store import DatabaseTimeouts, Documents, Tenants, open_database, upgrade
from vaxel.store.availability import (
    DatabaseUnusable,
    check_usable,
    outage_reason,
    sqlite_folder,
)
from vaxel.store.flow_switches import FlowSwitchStore
from vaxel.store.journal import JournalVersionError
from vaxel.store.pbx_forwarding import ForwardingStore
from vaxel.store.pbx_numbering import PbxNumbering
from vaxel.store.prompts import PromptUploads
from vaxel.telephony.directory import Extension, ServiceNumber, TelephonyDirectory
from vaxel.telephony.pbx_directory import PbxDirectory

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from vaxel.runtime.conferences import ConferenceService
    from vaxel.runtime.voicemail import VoicemailService
    from vaxel.telephony.elsewhere import PartiesElsewhere
    from vaxel.telephony.service import TelephonyService
    from vaxel.web.context import WebSettings

__all__ = [
    "Platform",
    "build_platform",
    "directory_from_database",
    "open_for_serving",
    "serve",
    "snapshot_policy",
    "telephony_extension",
    "telephony_updater",
]

log = logging.getLogger(__name__)

NUMBER_KINDS = frozenset({"flow", "number", "switch"})
"""Configuration changes that alter which flow answers a tenant's numbers (its schedules are
read through :class:`OpeningHours`, so a saved schedule needs no rebuild)."""
HOURS_KINDS = frozenset({"schedule", "closure"})
"""Configuration changes that move the queues' opening hours."""


@dataclass(slots=True)
class Platform:
    """The running platform's parts, as :func:`build_platform` assembled them."""

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
            self._drain_soon()

    def config_changed(self, change: ConfigChange) -> None:
        if change.kind in HOURS_KINDS:
            self.hours.changed(change.tenant_id)
            self.scheduler.rearm(OpeningHours.name)

    def _drain_soon(self) -> None:
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

    def _signed_in(self, tenant_id: str, agent_id: str) -> None:
        loop = self._loop
        for listener in self.sign_in_listeners:
            if loop is not None and threading.get_ident() != self._thread:
                loop.call_soon_threadsafe(listener, tenant_id, agent_id)
            else:
                listener(tenant_id, agent_id)

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


def snapshot_policy(settings: ServeSettings) -> SnapshotPolicy | None:
    """How often the engine is snapshotted (issue 10 §13); None when switched off."""
    if settings.snapshot_every_entries == 0:
        return None
    return SnapshotPolicy(settings.snapshot_every_entries, settings.snapshot_every_s)


def open_for_serving(
    url: str,
    shown_url: str,
    snapshots: SnapshotPolicy | None = None,
    timeouts: DatabaseTimeouts | None = None,
    seed: int = 0,
) -> tuple[Engine, ContactCenter, int]:
    """Open, migrate, check and replay the database; :class:`DatabaseUnusable` (one sentence for
    the operator, exit code 2) when its folder is missing or it cannot be written — rather
    than a traceback, or a fresh empty database in a mistyped folder (issue 10 §1)."""
    folder = sqlite_folder(url)
    if folder is not None and not folder.is_dir():
        raise DatabaseUnusable(shown_url, f"mappen {folder} finns inte")
    try:
        database = open_database(url, create_folder=False, timeouts=timeouts)
        upgrade(database)
        check_usable(database, shown_url)
        center = ContactCenter(database, seed=seed, snapshots=snapshots)
        replayed = center.recover()
    except DatabaseUnusable:
        raise
    except JournalVersionError as error:  # written by a newer Växel: nothing was replayed
        raise DatabaseUnusable(shown_url, str(error)) from None
    except Exception as error:
        reason = outage_reason(error)
        if reason is None:
            raise
        raise DatabaseUnusable(shown_url, reason) from None
    return database, center, replayed


def build_platform(
    settings: ServeSettings,
    *,
    seed: Callable[[Platform], None] | None = None,
    engine_seed: int = 0,
    always_open: bool = False,
    web: WebSettings | None = None,
    clock: Clock | None = None,
    elsewhere: PartiesElsewhere | None = None,
) -> Platform:
    """The whole platform from ``settings``, not yet started (:meth:`Platform.start`).

    ``seed`` stores a tenant before the adapters read the store (the demo's); ``always_open``
    keeps the queues open whatever their schedules say (the demo out of hours, issue 9 §7);
    ``web`` overrides the web settings derived from ``settings`` (the demo's default
    tenant); ``clock`` the one from ``settings.clock_start``; ``elsewhere`` plays the
    parties that are not on a phone (the demo's simulated agents and callers)."""
    clock = clock or Clock(start=settings.clock_start)
    shown_url = make_url(settings.database_url).render_as_string(hide_password=True)
    timeouts = DatabaseTimeouts(
        connect_s=settings.database_connect_timeout_s,
        lock_s=settings.database_lock_timeout_s,
        statement_s=settings.database_statement_timeout_s,
    )
    database, center, replayed = open_for_serving(
        settings.database_url, shown_url, snapshot_policy(settings), timeouts, engine_seed
    )
    configuration = Configuration(database, center)
    """One for the web app and the running adapters: an admin's change reaches both (Q20)."""

    def tenant_calendar(tenant_id: str) -> Calendar:
        schedules = Documents(database, "schedule").all(tenant_id).values()
        return Calendar(
            [schedule_from_dict(s) for s in schedules], configuration.closures(tenant_id)
        )

    hours = OpeningHours(center, tenant_calendar, always_open=always_open)
    platform = Platform(
        settings, clock, database, center, replayed, configuration, Scheduler(clock), hours
    )
    platform.numbering = PbxNumberingService(
        PbxNumbering(database), queue_logins=QueueGroupLogins(center, clock)
    )
    if seed is not None:
        seed(platform)
    platform.scheduler.add(hours)
    platform.directory_sync = _directory_sync(platform)
    platform.voicemail = _voicemail(platform)
    platform.conferences = _conferences(platform)
    center.listeners.append(platform.committed)
    configuration.listeners.append(platform.config_changed)

    if settings.sip_port is not None:
        platform.telephony, platform.directory = _telephony(platform, elsewhere)
    telephony = platform.telephony
    if telephony is not None:
        _voicemail_to_phones(platform, telephony)
        _conferences_to_phones(platform, telephony)
        _people_to_phones(platform, telephony)
    after_timers = telephony.after_external_submit if telephony else (lambda: None)
    platform.scheduler.add(EngineTimer(center, after_timers))
    platform.scheduler.add(FullCollections())  # CPython runs none by itself once settled

    if settings.http_port is not None:
        from vaxel.web.app import create_app
        from vaxel.web.context import WebSettings as Web

        platform.web = create_app(
            center,
            database,
            web
            or Web(
                session_lifetime_s=settings.session_hours * 3600,
                secure_cookies=settings.secure_cookies,
            ),
            clock=clock,
            after_submit=platform._drain_soon,
            on_phone=lambda contact_id: (
                telephony is not None and contact_id in telephony.switch.calls
            ),
            configuration=configuration,
            on_sign_in=platform._signed_in,
            lifespan=platform.lifespan,
            directory=platform.directory_views,
            forwarding=platform.forwarding,
            on_directory_sources=(
                platform.directory_sync.refresh if platform.directory_sync else lambda: None
            ),
            voicemail=platform.voicemail,
            conferences=platform.conferences,
            numbering=platform.numbering,
        )
        if telephony is not None:  # the trunk's state for the admin page (issue 14 §2)
            platform.web.state.context.trunk_status = telephony.trunks.status
    return platform


def _directory_sync(platform: Platform) -> DirectorySync:
    """The directory's views (searches, cards, presence) and its outside sources (LDAP/AD,
    calendars), each one more scheduler machine; a sync or poll reloads the tenant's views."""
    from vaxel.directory_sync.service import DirectoryService
    from vaxel.store.directory import DirectoryStore
    from vaxel.store.directory_sources import DirectorySources

    database = platform.database
    store, sources = DirectoryStore(database), DirectorySources(database)
    views = DirectoryViews(
        store, sources, platform.clock, lambda: platform.scheduler.rearm(DirectoryViews.name)
    )
    platform.directory_views = views
    platform.scheduler.add(views)
    platform.forwarding = ForwardingService(
        ForwardingStore(database),
        views,
        lambda tenant_id, person: policy_of_person(  # their class of service (PBX8)
            database,
            _dial_policy(database, tenant_id),
            tenant_id,
            person,
            views.extension_of(tenant_id, person) or "",
        ),
        platform.clock,
    )
    platform.pbx = PbxReach(views, platform.forwarding, sources, platform.clock)
    platform.pbx.numbering = platform.numbering
    views.lines = platform.pbx
    service = DirectoryService(store, sources, clock=platform.clock)
    machine = DirectorySync(
        service,
        rearm=lambda: platform.scheduler.rearm(DirectorySync.name),
        after=lambda tenant_id: views.changed(tenant_id),
    )
    platform.scheduler.add(machine)
    return machine


def _voicemail(platform: Platform) -> VoicemailService:
    """Voicemail's store, files and service; its e-mails one more scheduler machine."""
    from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
    from vaxel.runtime.voicemail import VoicemailService
    from vaxel.runtime.voicemail_files import VoicemailFiles
    from vaxel.runtime.voicemail_mailer import VoicemailMailer
    from vaxel.store.directory import DirectoryStore
    from vaxel.store.pbx_voicemail import VoicemailStore

    settings = platform.settings
    store, files = VoicemailStore(platform.database), VoicemailFiles(settings.voicemail_dir)
    server = None
    if settings.smtp_host:
        server = MailServer(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender or f"vaxel@{settings.smtp_host}",
            settings.smtp_username,
            settings.smtp_password,
            MailSecurity(settings.smtp_security),
        )
    mailer = VoicemailMailer(
        store, files, server, platform.clock, lambda: platform.scheduler.rearm(mailer.name)
    )
    platform.scheduler.add(mailer)
    views = platform.directory_views

    def absent(tenant_id: str, person_id: str) -> bool:
        return views is not None and views.absence(tenant_id, person_id) is not None

    service = VoicemailService(
        store,
        files,
        platform.clock,
        queued=mailer.queued,
        directory=DirectoryStore(platform.database),
        absent=absent,
    )
    service.platform_mail_server = server  # the admin page's fallback and test mail
    return service


def _conferences(platform: Platform) -> ConferenceService:
    from vaxel.runtime.conferences import ConferenceService
    from vaxel.store.pbx_conference import ConferenceStore

    service = ConferenceService(ConferenceStore(platform.database))

    def on_loop(action: Callable[[], object]) -> object:
        """The host's action on the loop that runs the calls, waited for from a web thread."""
        loop = platform._loop
        if loop is None or threading.get_ident() == platform._thread:
            return action()

        async def run() -> object:
            return action()

        return asyncio.run_coroutine_threadsafe(run(), loop)

    service.on_loop = on_loop
    return service


def _conferences_to_phones(platform: Platform, telephony: TelephonyService) -> None:
    """Telephony answers the stored rooms' numbers (PBX6) and runs the host's actions; a
    saved room reaches it at once (callers already in a room stay)."""
    service = platform.conferences
    assert service is not None
    directory = telephony.switch.directory
    directory.conference_rooms = service.by_number()
    service.control = telephony.switch.conferences

    def refresh() -> None:
        directory.conference_rooms = service.by_number()

    service.listeners.append(refresh)


def _people_to_phones(platform: Platform, telephony: TelephonyService) -> None:
    """Forwarding, presence heard by callers, line state and feature codes (PBX5, DIR3,
    DIR4): telephony asks the runtime's PbxReach; a forwarding's internal numbers are the
    tenants' plans' as well as their people's extensions."""
    from vaxel.telephony.person_reach import ReachingPeople

    pbx, forwarding, directory = platform.pbx, platform.forwarding, platform.directory
    assert pbx is not None and forwarding is not None and directory is not None
    ReachingPeople(telephony.switch, pbx, pbx).install()
    views = pbx.views
    forwarding.is_internal = lambda tenant_id, number: bool(
        views.people_on(tenant_id, number) or directory.pbx.resolve(tenant_id, number)
    )


def _voicemail_to_phones(platform: Platform, telephony: TelephonyService) -> None:
    """Message waiting (RFC 3842): the phones' summaries come from the store, and every
    change of a mailbox (made on a web thread or on the loop) reaches the loop's SIP."""
    voicemail = platform.voicemail
    assert voicemail is not None
    mwi = telephony.switch.mwi
    mwi.summary = voicemail.summary
    calls = telephony.switch.voicemail_calls
    calls.port = voicemail
    calls.forget_prompt = telephony.prompts.forget

    def changed(tenant_id: str, number: str, new: int, old: int) -> None:
        loop = platform._loop
        if loop is not None and threading.get_ident() != platform._thread:
            loop.call_soon_threadsafe(mwi.changed, tenant_id, number, new, old)
        else:
            mwi.changed(tenant_id, number, new, old)

    voicemail.listeners.append(changed)


def _dial_policy(database: Engine, tenant_id: str) -> DialPolicy:
    """The tenant's dial policy as stored (PBX8): what its people may forward to."""
    try:
        tenant = Tenants(database).get(tenant_id)
    except UnknownTenant:
        return DialPolicy()
    return DialPolicy(international_allowed=tenant.international_calls)


def _telephony(
    platform: Platform, elsewhere: PartiesElsewhere | None
) -> tuple[TelephonyService, TelephonyDirectory]:
    """SIP, media and the switch over the tenants' numbers and extensions as stored; the
    ACD's timers are the scheduler's, not telephony's own."""
    from vaxel.sip.transport import tls_server_context
    from vaxel.telephony.service import TelephonyService

    settings, database = platform.settings, platform.database
    hours = platform.hours
    directory = directory_from_database(
        database, settings.sip_trusted, lambda tenant_id: TenantHours(hours, tenant_id)
    )
    uploads, voicemail = PromptUploads(database).lookup, platform.voicemail

    def lookup(prompt_id: str) -> bytes | None:
        """A tenant's uploaded prompt, or voicemail audio named like one (PBX4)."""
        found = voicemail.phone_prompt(prompt_id) if voicemail is not None else None
        return found if found is not None else uploads(prompt_id)

    prompts = PromptLibrary(uploads=lookup)
    tls = None
    if settings.sip_tls_port is not None:
        tls = tls_server_context(settings.sip_tls_cert, settings.sip_tls_key)
    telephony = TelephonyService(
        platform.center,
        directory,
        host=settings.sip_host,
        sip_port=5060 if settings.sip_port is None else settings.sip_port,  # 0: any free port
        rtp_ports=(settings.rtp_port_low, settings.rtp_port_high),
        media_timeout_s=settings.media_timeout_s or None,
        invites_per_second=settings.sip_invite_rate,
        prompts=prompts,
        clock=platform.clock,
        drive_acd_timers=False,
        elsewhere=elsewhere,
        tls=tls,
        tls_port=settings.sip_tls_port or 5061,
        sip_udp_buffer=settings.sip_udp_buffer,
        voicemail_dir=settings.voicemail_dir,
    )
    configuration = platform.configuration
    configuration.listeners.append(
        telephony_updater(directory, prompts, PhoneExtensions(configuration))
    )

    def refresh_numbers(change: ConfigChange) -> None:
        """A saved flow answers the next call; a call in progress keeps its own (Q20)."""
        if change.kind in NUMBER_KINDS:
            fresh = directory_from_database(
                database, settings.sip_trusted, lambda tenant_id: TenantHours(hours, tenant_id)
            )
            directory.numbers, directory.dial_policies = fresh.numbers, fresh.dial_policies

    configuration.listeners.append(refresh_numbers)
    configuration.listeners.append(_outside_lines_updater(platform, telephony, directory))
    if platform.numbering is not None:
        _pbx_to_telephony(platform.numbering, directory)
    return telephony, directory


def _outside_lines_updater(
    platform: Platform, telephony: TelephonyService, directory: TelephonyDirectory
) -> Callable[[ConfigChange], None]:
    """A changed trunk, class of service or presentation reaches running telephony (Q20):
    the next call dials with it, and the trunk (re)registers — on the loop, since an
    admin's change arrives on a web thread."""

    def swap() -> None:
        fresh = outside_lines_from(platform.database)
        directory.outside = fresh  # its trunks' hosts are trusted per tenant (issue 14 §2)
        telephony.trunks.apply(fresh.trunks)

    def changed(change: ConfigChange) -> None:
        if change.kind != TRUNK_KIND:
            return
        loop = platform._loop
        if loop is not None and threading.get_ident() != platform._thread:
            loop.call_soon_threadsafe(swap)
        else:
            swap()

    return changed


def _pbx_to_telephony(pbx: PbxNumberingService, directory: TelephonyDirectory) -> None:
    """Telephony routes by a snapshot of the plans, devices and groups (PBX1), replaced
    whole after every change, from whichever thread made it (one attribute store each)."""

    def refresh(tenant_id: str = "") -> None:
        fresh = pbx.snapshot()
        directory.pbx = PbxDirectory(fresh.plans, dict(fresh.people), dict(fresh.groups))

    refresh()
    pbx.listeners.append(refresh)


def directory_from_database(
    database: Engine,
    trusted: tuple[str, ...],
    hours_of: Callable[[str], TenantHours],
) -> TelephonyDirectory:
    """Numbers and extensions of every tenant, as stored.

    Each service number is answered by the flow the tenant's admin assigned to it
    (:mod:`vaxel.runtime.service_numbers`; a main number not yet assigned by the tenant's
    first flow), in E.164 and, for a Swedish number, the national 0… form, with the
    tenant's opening hours (``hours_of``) for its schedule branches. Extensions are the
    admin's (``vaxel.runtime.extensions``). A number whose flow does not load is logged and
    left out rather than keeping the switch down.
    """
    from vaxel.flow import flow_from_dict

    numbers: dict[str, ServiceNumber] = {}
    extensions: dict[str, Extension] = {}
    policies: dict[str, DialPolicy] = {}
    answered: dict[str, list[AnsweredNumber]] = {}
    for item in answered_numbers(database):
        answered.setdefault(item.tenant_id, []).append(item)
    for tenant in Tenants(database).all():
        tid = tenant.tenant_id
        policies[tid] = DialPolicy(international_allowed=tenant.international_calls)
        flows = Documents(database, "flow").all(tid)
        switches_on = FlowSwitchStore(database).on(tid)  # lavinbesked on now (IVR4)
        for item in answered.get(tid, ()):
            try:
                if item.flow_id not in flows:
                    continue  # a main number of a tenant without flows: nothing answers yet
                flow = flow_from_dict(flows[item.flow_id])
            except VaxelError as error:
                log.error("tenant %s: %s is not served: %s", tid, item.number, error)
                continue
            service = ServiceNumber(item.number, tid, flow, hours_of(tid), switches_on)
            for spelling in filter(None, (item.number, national_form(item.number))):
                numbers[spelling] = service
        for document in Documents(database, "extension").all(tid).values():
            stored = PhoneExtension.from_document(tid, document)
            if stored.password:
                extensions[stored.number] = telephony_extension(stored)
    outside = outside_lines_from(database)  # trunks, presentation, barring (issue 14 §2)
    return TelephonyDirectory(
        numbers=numbers,
        extensions=extensions,
        trusted_sources=frozenset(trusted),  # node-wide; a trunk's host is its tenant's
        dial_policies=policies,
        outside=outside,
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


async def serve(settings: ServeSettings, echo: Callable[[str], None] = print) -> None:
    """``vaxel serve``: migrate, recover, then serve the web app (and SIP when configured)
    until stopped."""
    platform = build_platform(settings)
    shown_url = make_url(settings.database_url).render_as_string(hide_password=True)
    echo(f"Växel: databas {shown_url} (uppgraderad), {platform.replayed} händelser återlästa")
    if not Tenants(platform.database).all():
        echo("Ingen organisation ännu: skapa en med 'vaxel tenant add' och 'vaxel user add'.")
    if settings.clock_start is not None:
        echo(f"Klockan startar vid {settings.clock_start:.0f} (VAXEL_CLOCK_START), inte nu.")
    try:
        await platform.start()
        telephony, directory = platform.telephony, platform.directory
        if telephony is not None and directory is not None:
            over_tls = f", TLS på port {telephony.sip.tls_port}" if settings.sip_tls_port else ""
            echo(
                f"SIP: {settings.sip_host}:{telephony.address[1]} (UDP och TCP{over_tls}), "
                f"{len(directory.numbers)} nummer, {len(directory.extensions)} anknytningar"
            )
        address = f"http://{settings.http_host}:{platform.web_port}/"
        public = f" — för användarna: {settings.public_url}/" if settings.public_url else ""
        echo(f"Webb: {address}{public} (REST-API: /api/docs)")
        echo(f"Säkra kakor: {'på' if settings.secure_cookies else 'AV'}. Redo.")
        await platform.until_stopped()
    finally:
        await platform.stop()
