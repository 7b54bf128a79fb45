"""Telephony wired to the stored configuration (issue 12 §1, issue 14): the directory of
numbers and extensions read from the database, an admin's changes swapped into running
telephony (Q20), and the runtime's services reaching the phones (PBX1, PBX4–PBX6, PBX8).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from vaxel.app.platform import Platform
from vaxel.core.dial_policy import DialPolicy
from vaxel.core.errors import VaxelError
from vaxel.prompts import PromptLibrary
from vaxel.runtime.configuration import ConfigChange
from vaxel.runtime.extensions import PhoneExtension, PhoneExtensions
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.runtime.opening_hours import TenantHours
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.pbx_trunks import KIND as TRUNK_KIND
from vaxel.runtime.pbx_trunks import outside_lines_from
from vaxel.runtime.phone_admin import PhoneAdmin
from vaxel.runtime.service_numbers import AnsweredNumber, answered_numbers, national_form
from vaxel.store import Documents, Tenants
from vaxel.store.audio_devices import AudioDevices
from vaxel.store.flow_switches import FlowSwitchStore
from vaxel.store.prompts import PromptUploads
from vaxel.telephony.browser_readiness import BrowserReadiness
from vaxel.telephony.directory import Extension, ServiceNumber, TelephonyDirectory
from vaxel.telephony.pbx_directory import PbxDirectory

if TYPE_CHECKING:
    from vaxel.telephony.elsewhere import PartiesElsewhere
    from vaxel.telephony.service import TelephonyService

__all__ = [
    "NUMBER_KINDS",
    "build_telephony",
    "conferences_to_phones",
    "directory_from_database",
    "outside_lines_updater",
    "pbx_to_telephony",
    "people_to_phones",
    "telephony_extension",
    "telephony_updater",
    "voicemail_to_phones",
]

log = logging.getLogger(__name__)

NUMBER_KINDS = frozenset({"flow", "number", "switch"})
"""Configuration changes that alter which flow answers a tenant's numbers (its schedules are
read through :class:`OpeningHours`, so a saved schedule needs no rebuild)."""


def build_telephony(
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
    configuration.listeners.append(outside_lines_updater(platform, telephony, directory))
    if platform.numbering is not None:
        pbx_to_telephony(platform.numbering, directory)
    return telephony, directory


def outside_lines_updater(
    platform: Platform, telephony: TelephonyService, directory: TelephonyDirectory
) -> Callable[[ConfigChange], None]:
    """A changed trunk, class of service or presentation reaches running telephony (Q20):
    the next call dials with it, and the trunk (re)registers — on the loop, since an
    admin's change arrives on a web thread. An agent paused because her mobile had no
    trunk is ready again once her tenant has one (PBX9)."""

    def swap() -> None:
        fresh = outside_lines_from(platform.database)
        directory.outside = fresh  # its trunks' hosts are trusted per tenant (issue 14 §2)
        telephony.trunks.apply(fresh.trunks)
        BrowserReadiness(telephony.switch).trunks_saved()  # "no trunk" pauses lift (PBX9)
        telephony.after_external_submit()

    def changed(change: ConfigChange) -> None:
        if change.kind != TRUNK_KIND:
            return
        platform.on_loop(swap)

    return changed


def audio_devices_to_telephony(
    database: Engine,
    directory: TelephonyDirectory,
    person_of: Callable[[str, str], str | None] = lambda tenant_id, username: None,
) -> Callable[[], None]:
    """An agent's chosen device reaches the switch at once (PBX9): the next offer rings her
    mobile, or her phones again; one attribute store each, from the web's thread. With a
    mobile, her directory person (``person_of``: tenant, username, as the web finds it)
    goes too: her class of service is her person's and her extensions' on both sides."""

    def refresh() -> None:
        devices = AudioDevices(database)
        persons = {
            key: person
            for key, username in devices.mobile_accounts().items()
            if (person := person_of(key[0], username))
        }
        directory.agent_persons = persons
        directory.agent_mobiles, directory.agent_phones = devices.mobiles(), devices.phones()

    return refresh


def pbx_to_telephony(pbx: PbxNumberingService, directory: TelephonyDirectory) -> None:
    """Telephony routes by a snapshot of the plans, devices, groups and park settings
    (PBX1, OP3), replaced whole after every change, from whichever thread made it (one
    attribute store each)."""

    def refresh(tenant_id: str = "") -> None:
        fresh = pbx.snapshot()
        directory.pbx = PbxDirectory(
            fresh.plans, dict(fresh.people), dict(fresh.groups), dict(fresh.park)
        )

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
        windows = FlowSwitchStore(database).windows(tid)  # and scheduled, checked per call
        for item in answered.get(tid, ()):
            try:
                if item.flow_id not in flows:
                    continue  # a main number of a tenant without flows: nothing answers yet
                flow = flow_from_dict(flows[item.flow_id])
            except VaxelError as error:
                log.error("tenant %s: %s is not served: %s", tid, item.number, error)
                continue
            service = ServiceNumber(
                item.number, tid, flow, hours_of(tid), switches_on, switch_windows=windows
            )
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
        agent_mobiles=AudioDevices(database).mobiles(),  # agents whose device is a mobile
        agent_phones=AudioDevices(database).phones(),  # and who chose browser or desk phone
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


def conferences_to_phones(platform: Platform, telephony: TelephonyService) -> None:
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


def people_to_phones(platform: Platform, telephony: TelephonyService) -> None:
    """Forwarding, presence heard by callers, line state and feature codes (PBX5, DIR3,
    DIR4): telephony asks the runtime's PbxReach; a forwarding's internal numbers are the
    tenants' plans' as well as their people's extensions."""
    from vaxel.telephony.person_reach import ReachingPeople

    pbx, forwarding, directory = platform.pbx, platform.forwarding, platform.directory
    assert pbx is not None and forwarding is not None and directory is not None
    people = ReachingPeople.installed_on(telephony.switch, pbx, pbx)
    people.recalls.settings = pbx.transfer_recall  # issue 14 §6
    views = pbx.views
    forwarding.is_internal = lambda tenant_id, number: bool(
        views.people_on(tenant_id, number) or directory.pbx.resolve(tenant_id, number)
    )


def voicemail_to_phones(platform: Platform, telephony: TelephonyService) -> None:
    """Message waiting (RFC 3842): the phones' summaries come from the store, and every
    change of a mailbox (made on a web thread or on the loop) reaches the loop's SIP."""
    voicemail = platform.voicemail
    assert voicemail is not None
    mwi = telephony.switch.mwi
    mwi.summary = voicemail.summary
    calls = telephony.switch.voicemail_calls
    calls.port = voicemail
    calls.forget_prompt = telephony.prompts.forget
    admin, views = calls.admin, platform.directory_views  # recording and switching (IVR4, IVR5)
    assert views is not None
    switches = FlowSwitches(platform.configuration, platform.clock)
    takes = Path(platform.settings.voicemail_dir) / "takes"
    admin.port = PhoneAdmin(voicemail, switches, views, takes, platform.clock)
    if platform.pbx is not None:  # feature codes from a mobile (PBX9): the PBX's own way
        admin.port.carry_out_code = platform.pbx.carry_out
    admin.hold_prompt, admin.forget_prompt = telephony.prompts.hold, telephony.prompts.forget

    def changed(tenant_id: str, number: str, new: int, old: int) -> None:
        platform.on_loop(mwi.changed, tenant_id, number, new, old)

    voicemail.listeners.append(changed)
