"""Building the platform from settings (issue 12 §1): the database opened, migrated and
replayed, the parts assembled in order (:func:`build_platform`), and ``vaxel serve``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from vaxel.app.console_break_in import console_break_ins
from vaxel.app.console_calls import (
    console_camp_on,
    console_conferences,
    console_consults,
    console_diversion,
    console_parking,
    console_ring_through,
    console_transfer,
    console_voicemail,
    dialled_of,
    recalls_of,
    requeued_of,
)
from vaxel.app.platform import Platform
from vaxel.app.services import build_conferences, build_directory, build_voicemail
from vaxel.app.telephony import (
    audio_devices_to_telephony,
    build_telephony,
    conferences_to_phones,
    people_to_phones,
    voicemail_to_phones,
)
from vaxel.pbx.numbering import TargetKind
from vaxel.runtime import ContactCenter
from vaxel.runtime.auto_attendant import AutoAttendant
from vaxel.runtime.configuration import Configuration
from vaxel.runtime.engine_snapshots import SnapshotPolicy
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.runtime.group_logins import QueueGroupLogins
from vaxel.runtime.heap import FullCollections
from vaxel.runtime.opening_hours import OpeningHours
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.scheduler import Clock, EngineTimer, Scheduler
from vaxel.schedule import Calendar, schedule_from_dict
from vaxel.settings import ServeSettings
from vaxel.store import DatabaseTimeouts, Documents, Tenants, open_database, upgrade
from vaxel.store.availability import (
    DatabaseUnusable,
    check_usable,
    outage_reason,
    sqlite_folder,
)
from vaxel.store.journal import JournalVersionError
from vaxel.store.pbx_numbering import PbxNumbering
from vaxel.telephony.group_diversion import DivertedGroups

if TYPE_CHECKING:
    from vaxel.telephony.elsewhere import PartiesElsewhere
    from vaxel.web.context import WebSettings

__all__ = ["build_platform", "open_for_serving", "serve", "snapshot_policy"]


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
    attendant = AutoAttendant(center, FlowSwitches(configuration, clock), database)
    platform.scheduler.add(attendant)  # the automatic attendant at high load (spec §70)
    configuration.listeners.append(
        lambda change: attendant.changed(
            change.kind, lambda: platform.scheduler.rearm(AutoAttendant.name)
        )
    )
    platform.directory_sync = build_directory(platform)
    platform.voicemail = build_voicemail(platform)
    platform.conferences = build_conferences(platform)
    center.listeners.append(platform.committed)
    configuration.listeners.append(platform.config_changed)

    if settings.sip_port is not None:
        platform.telephony, platform.directory = build_telephony(platform, elsewhere)
    telephony = platform.telephony
    if telephony is not None:
        voicemail_to_phones(platform, telephony)
        conferences_to_phones(platform, telephony)
        people_to_phones(platform, telephony)
    after_timers = telephony.after_external_submit if telephony else (lambda: None)
    platform.scheduler.add(EngineTimer(center, after_timers))
    platform.scheduler.add(FullCollections())  # CPython runs none by itself once settled

    if settings.http_port is not None:
        from vaxel.web.app import create_app
        from vaxel.web.context import WebSettings as Web

        web_settings = web or Web(
            session_lifetime_s=settings.session_hours * 3600,
            secure_cookies=settings.secure_cookies,
        )
        platform.web = create_app(
            center,
            database,
            replace(web_settings, sip_hosts=(settings.sip_host,)),
            clock=clock,
            after_submit=platform.drain_soon,
            on_phone=lambda contact_id: (
                telephony is not None and contact_id in telephony.switch.calls
            ),
            configuration=configuration,
            on_sign_in=platform.signed_in,
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
        from vaxel.app.softphone import browser_phones
        from vaxel.runtime.ice_servers import outside_only
        from vaxel.store.webrtc_ice import IceServersStore
        from vaxel.telephony.browser_readiness import BrowserReadiness

        ice = IceServersStore(platform.database)
        # the browser phone (issue 15): media with the tenant's STUN/TURN servers, and a
        # device of its person on the switch
        platform.web.state.softphone = browser_phones(
            platform,
            telephony,
            lambda tenant: outside_only(ice.of(tenant).for_peer(clock(), f"{tenant}.server")),
        )
        if telephony is not None:  # the trunk's state for the admin page (issue 14 §2)
            platform.web.state.context.trunk_status = telephony.trunks.status
            platform.web.state.context.console_transfer = console_transfer(telephony)
            platform.web.state.context.console_voicemail = console_voicemail(telephony)
            platform.web.state.context.console_ring_through = console_ring_through(telephony)
            platform.web.state.context.console_diversion = console_diversion(telephony)
            platform.web.state.context.dialled_of = dialled_of(telephony)
            context = platform.web.state.context
            context.recalls_of = recalls_of(telephony, context.hub.wake)
            context.requeued_of = requeued_of(telephony)
            parking = console_parking(telephony)
            context.console_park, context.console_retrieve, context.parked_of = parking
            context.console_consults = console_consults(telephony, context.hub.wake)
            context.console_conferences = console_conferences(  # §46: the limit too
                telephony, context.console_consults, platform
            )
            console_camp_on(telephony, context, platform)
            context.console_break_in = console_break_ins(telephony, context.hub.wake)
            # a login or ready with no phone that could ring stays paused (issue 15)
            context.no_phone = BrowserReadiness(telephony.switch).no_phone
            directory = telephony.switch.directory
            context.audio_devices_changed = audio_devices_to_telephony(
                platform.database, directory, context.directory_views.person_of_account
            )
            context.audio_devices_changed()  # her person, for her mobile's class (PBX8, PBX9)
            if platform.numbering is not None and platform.numbering.queue_logins:
                platform.numbering.queue_logins.no_phone = context.no_phone  # answer groups
            groups = telephony.switch.internal.handlers[TargetKind.GROUP]  # spec §67
            if isinstance(groups, DivertedGroups):
                groups.diverted_to = context.group_diversions.diverted_to
    return platform


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
