"""``vaxel serve``: the production composition (part of the composition root, DESIGN.md).

Next to ``vaxel.app`` (which wires the demo) so neither grows past reading: the same
adapters, built from :class:`~vaxel.settings.ServeSettings` and the tenants' configuration
in the database instead of the demo's seed. Start-up order: migrate the schema, replay the
journal, then open the web app (secure cookies, no demo accounts, no simulated traffic) and,
when a SIP port is set, telephony.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from vaxel.app import telephony_extension, telephony_updater
from vaxel.core.dial_policy import DialPolicy
from vaxel.core.errors import VaxelError
from vaxel.prompts import PromptLibrary
from vaxel.runtime import ContactCenter
from vaxel.runtime.closures import ClosureKeeper
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.runtime.engine_snapshots import SnapshotPolicy
from vaxel.runtime.extensions import PhoneExtension, PhoneExtensions
from vaxel.runtime.heap import settle_after_start_up
from vaxel.runtime.supervise import start_supervised
from vaxel.schedule import Calendar, schedule_from_dict
from vaxel.settings import ServeSettings
from vaxel.store import DatabaseTimeouts, Documents, Tenants, open_database, upgrade
from vaxel.store.availability import (
    DatabaseUnusable,
    StoreUnavailable,
    check_usable,
    outage_reason,
    sqlite_folder,
)
from vaxel.store.journal import JournalVersionError
from vaxel.store.prompts import PromptUploads
from vaxel.telephony.directory import Extension, ServiceNumber, TelephonyDirectory

__all__ = ["TenantHours", "directory_from_database", "open_for_serving", "run_serve"]

log = logging.getLogger(__name__)

NUMBER_KINDS = frozenset({"flow", "schedule"})
"""Configuration changes that alter what a tenant's number answers with."""


class TenantHours:
    """A tenant's opening hours for its flows' schedule branches (Q3)."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar

    def is_open(self, schedule_id: str, now: float) -> bool:
        return self.calendar.queue_state("", schedule_id, now).open


def directory_from_database(database: Engine, trusted: tuple[str, ...] = ()) -> TelephonyDirectory:
    """Numbers and extensions of every tenant, as stored.

    A tenant's main number (E.164 and the national 0… form) is answered by its flow — the
    only one, or the first by id while the admin pages cannot yet tie numbers to flows.
    Extensions are the admin's (``vaxel.runtime.extensions``). A tenant whose flow or
    schedule does not load is logged and left out rather than keeping the switch down.
    """
    from vaxel.flow import flow_from_dict

    numbers: dict[str, ServiceNumber] = {}
    extensions: dict[str, Extension] = {}
    policies: dict[str, DialPolicy] = {}
    for tenant in Tenants(database).all():
        tid = tenant.tenant_id
        policies[tid] = DialPolicy(international_allowed=tenant.international_calls)
        try:
            schedules = Documents(database, "schedule").all(tid).values()
            hours = TenantHours(Calendar([schedule_from_dict(s) for s in schedules]))
            flows = Documents(database, "flow").all(tid)
            if tenant.main_number and flows:
                service = ServiceNumber(
                    tenant.main_number, tid, flow_from_dict(next(iter(flows.values()))), hours
                )
                numbers[tenant.main_number] = service
                if tenant.main_number.startswith("+46"):
                    numbers["0" + tenant.main_number.removeprefix("+46")] = service
        except VaxelError as error:
            log.error("tenant %s: its number is not served: %s", tid, error)
        for document in Documents(database, "extension").all(tid).values():
            stored = PhoneExtension.from_document(tid, document)
            if stored.password:
                extensions[stored.number] = telephony_extension(stored)
    return TelephonyDirectory(
        numbers=numbers,
        extensions=extensions,
        trusted_sources=frozenset(trusted),
        dial_policies=policies,
    )


def _on_loop(loop: asyncio.AbstractEventLoop, thread: int, action: Callable[[], None]) -> None:
    """Run ``action`` on the event loop (running in ``thread``): synchronous web handlers
    run in worker threads, and telephony's timers belong to the loop."""
    if threading.get_ident() == thread:
        action()
    else:
        loop.call_soon_threadsafe(action)


async def _drive_timers(center: ContactCenter) -> None:
    """Offer timeouts, overflow and due callbacks without telephony (which otherwise keeps
    the ACD's timer armed itself)."""
    while True:
        now = time.time()
        try:
            center.tick(now)
        except StoreUnavailable as away:  # logged by the center; it heals by itself
            await asyncio.sleep(away.retry_after_s)
        except Exception:
            log.exception("ACD timer failed")
        deadline = center.next_deadline()
        delay = 0.25 if deadline is None else min(0.25, max(0.01, deadline - time.time()))
        await asyncio.sleep(delay)


async def _drive_closures(keeper: ClosureKeeper) -> None:
    """Planned closures (Q2, ADM3) take effect within a second of their start and end."""
    while True:
        try:
            keeper.apply(time.time())
        except StoreUnavailable:  # logged once by the center; applied when it is back
            pass
        except Exception:
            log.exception("applying planned closures failed")
        await asyncio.sleep(1.0)


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
        center = ContactCenter(database, snapshots=snapshots)
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


async def run_serve(settings: ServeSettings, echo: Callable[[str], None] = print) -> None:
    """Migrate, recover, serve the web app (and SIP when configured) until stopped."""
    import uvicorn

    from vaxel.web.app import WebSettings, create_app
    from vaxel.web.server import start_web_server

    shown_url = make_url(settings.database_url).render_as_string(hide_password=True)
    timeouts = DatabaseTimeouts(
        connect_s=settings.database_connect_timeout_s,
        lock_s=settings.database_lock_timeout_s,
        statement_s=settings.database_statement_timeout_s,
    )
    database, center, replayed = open_for_serving(
        settings.database_url, shown_url, snapshot_policy(settings), timeouts
    )
    echo(f"Växel: databas {shown_url} (uppgraderad), {replayed} händelser återlästa")
    tenants = Tenants(database).all()
    if not tenants:
        echo("Ingen organisation ännu: skapa en med 'vaxel tenant add' och 'vaxel user add'.")
    configuration = Configuration(database, center)
    keeper = ClosureKeeper(configuration, [t.tenant_id for t in tenants])
    configuration.listeners.append(keeper.changed)
    loop, loop_thread = asyncio.get_running_loop(), threading.get_ident()

    from vaxel.sip.transport import tls_server_context
    from vaxel.telephony.service import TelephonyService

    telephony: TelephonyService | None = None
    if settings.sip_port is not None:
        directory = directory_from_database(database, settings.sip_trusted)
        prompts = PromptLibrary(uploads=PromptUploads(database).lookup)
        tls = None
        if settings.sip_tls_port is not None:
            tls = tls_server_context(settings.sip_tls_cert, settings.sip_tls_key)
        telephony = TelephonyService(
            center,
            directory,
            host=settings.sip_host,
            sip_port=settings.sip_port,
            rtp_ports=(settings.rtp_port_low, settings.rtp_port_high),
            media_timeout_s=settings.media_timeout_s or None,
            invites_per_second=settings.sip_invite_rate,
            prompts=prompts,
            tls=tls,
            tls_port=settings.sip_tls_port or 5061,
            sip_udp_buffer=settings.sip_udp_buffer,
        )
        configuration.listeners.append(
            telephony_updater(directory, prompts, PhoneExtensions(configuration))
        )
        configuration.listeners.append(_number_refresher(directory, database, settings))
        await telephony.start()
        over_tls = f", TLS på port {telephony.sip.tls_port}" if tls is not None else ""
        echo(
            f"SIP: {settings.sip_host}:{telephony.address[1]} (UDP och TCP{over_tls}), "
            f"{len(directory.numbers)} nummer, {len(directory.extensions)} anknytningar"
        )
    service = telephony

    def after_submit() -> None:
        if service is not None:
            _on_loop(loop, loop_thread, service.after_external_submit)

    app = create_app(
        center,
        database,
        WebSettings(
            session_lifetime_s=settings.session_hours * 3600,
            secure_cookies=settings.secure_cookies,
        ),
        after_submit=after_submit,
        on_phone=lambda contact_id: service is not None and contact_id in service.switch.calls,
        configuration=configuration,
    )
    timers = None
    if telephony is None:
        timers = start_supervised("ACD timers", lambda: _drive_timers(center))
    closures = start_supervised("planned closures", lambda: _drive_closures(keeper))
    server: uvicorn.Server | None = None
    serving: asyncio.Task[None] | None = None
    try:
        server, serving = await start_web_server(
            app,
            settings.http_host,
            settings.http_port,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )
        address = f"http://{settings.http_host}:{settings.http_port}/"
        public = f" — för användarna: {settings.public_url}/" if settings.public_url else ""
        echo(f"Webb: {address}{public} (REST-API: /api/docs)")
        settle_after_start_up()  # no long full collections on the SIP and media hot paths
        echo(f"Säkra kakor: {'på' if settings.secure_cookies else 'AV'}. Redo.")
        await serving
    finally:
        closures.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await closures
        if timers is not None:
            timers.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timers
        if telephony is not None:
            await telephony.close()
        if server is not None and serving is not None:
            server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await serving


def _number_refresher(
    directory: TelephonyDirectory, database: Engine, settings: ServeSettings
) -> Callable[[ConfigChange], Any]:
    """A Configuration listener that swaps a saved flow or schedule into the numbers the
    switch answers: a call in progress keeps its flow, the next call gets the new one (Q20).
    (Extensions and prompts: ``vaxel.app.telephony_updater``.)"""

    def refresh(change: ConfigChange) -> None:
        if change.kind in NUMBER_KINDS:
            fresh = directory_from_database(database, settings.sip_trusted)
            directory.numbers, directory.dial_policies = fresh.numbers, fresh.dial_policies

    return refresh
