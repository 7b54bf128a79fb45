"""The composition root's part for the operator console's call control (issue 16 §3):
the switch's transfers, consultations, camp-ons, recalls and parking handed to the web
context as plain callables by (tenant, agent) — the operator's agent id becomes her
extension here. Kept apart from :mod:`vaxel.app.telephony`, which builds the switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vaxel.core.errors import DomainError
from vaxel.pbx.camp_on import CAMP_ON_SETTINGS, CampOnSettings
from vaxel.pbx.console_conference import (
    CONSOLE_CONFERENCE_SETTINGS,
    DEFAULT_PARTIES,
    ConsoleConferenceSettings,
)

if TYPE_CHECKING:
    from vaxel.app.platform import Platform
    from vaxel.telephony.calls import Call, Leg
    from vaxel.telephony.camp_on import CampOns
    from vaxel.telephony.console_conference import ConsoleConferences
    from vaxel.telephony.console_consult import ConsoleConsults
    from vaxel.telephony.service import TelephonyService
    from vaxel.web.context import WebContext

__all__ = [
    "conference_limit",
    "console_camp_on",
    "console_conferences",
    "console_consults",
    "console_diversion",
    "console_parking",
    "console_ring_through",
    "console_transfer",
    "console_voicemail",
    "dialled_of",
    "recalls_of",
    "requeued_of",
]


def console_transfer(telephony: TelephonyService) -> Callable[[str, str, str, str], None]:
    """The operator console's blind transfer (issue 16 §3): (tenant, agent, contact,
    number) carried out by the switch; called from an async web handler, on the loop."""
    from vaxel.telephony.console_transfer import transfer_from_console

    def transfer(tenant_id: str, agent_id: str, contact_id: str, number: str) -> None:
        transfer_from_console(telephony.switch, tenant_id, agent_id, contact_id, number)

    return transfer


def console_ring_through(telephony: TelephonyService) -> Callable[[str, str, str, str], None]:
    """The console's ring-through (OP5): (tenant, agent, contact, number), on the loop."""
    from vaxel.telephony.console_transfer import ring_through_from_console

    def ring_through(tenant_id: str, agent_id: str, contact_id: str, number: str) -> None:
        ring_through_from_console(telephony.switch, tenant_id, agent_id, contact_id, number)

    return ring_through


def console_diversion(telephony: TelephonyService) -> Callable[[str, str], dict[str, str] | None]:
    """The diversion a console transfer to an extension follows (OP5), for her console."""
    from vaxel.telephony.console_divert import diversion

    def diverted(tenant_id: str, number: str) -> dict[str, str] | None:
        found = diversion(telephony.switch, tenant_id, number)
        return {"kind": found.kind, "to": found.to} if found is not None else None

    return diverted


def console_voicemail(telephony: TelephonyService) -> Callable[[str, str, str, str], None]:
    """The console's transfer to a person's voicemail (issue 16 §3, OP3): (tenant, agent,
    contact, person id) carried out by the switch; from an async web handler, on the loop."""
    from vaxel.telephony.console_voicemail import voicemail_from_console

    def deposit(tenant_id: str, agent_id: str, contact_id: str, person_id: str) -> None:
        voicemail_from_console(telephony.switch, tenant_id, agent_id, contact_id, person_id)

    return deposit


def console_consults(
    telephony: TelephonyService, wake: Callable[[str], None] = lambda tenant_id: None
) -> ConsoleConsults:
    """The operator console's announced transfer (issue 16 §3) on the switch: its actions
    carried out by the switch, its records forgotten with the call, the person rung for the
    tenant's recall time (``pbx-transfer``) at most; ``wake`` (the live hub's) is told a
    tenant's id at each change, so the card follows without polling."""
    from vaxel.telephony.console_consult import RING_S, ConsoleConsults

    switch = telephony.switch

    def ring_s(tenant_id: str) -> float:
        recalls = switch.in_dialog.phone_transfers.recalls
        return recalls.recall_after_s(tenant_id) if recalls is not None else RING_S

    consults = ConsoleConsults(switch, switch.clock, ring_s, wake)
    switch.actions.consults = consults.carry_out
    switch.actions.forget_hooks.append(consults.forget)
    earlier_left = switch.actions.side_left

    def side_left(call: Call, leg: Leg) -> None:  # a conference's guest hung up (§46)
        if not consults.guest_left(call, leg):
            earlier_left(call, leg)

    switch.actions.side_left = side_left
    return consults


def conference_limit(platform: Platform | None) -> Callable[[str], int]:
    """A tenant's limit of parties in a console conference (``pbx-console-conference``)."""
    pbx = platform.pbx if platform is not None else None
    if pbx is None:
        return lambda tenant_id: DEFAULT_PARTIES
    sources = pbx.sources
    return lambda tenant_id: (
        ConsoleConferenceSettings.of(
            sources.settings(tenant_id, CONSOLE_CONFERENCE_SETTINGS)
        ).max_parties
    )


def console_conferences(
    telephony: TelephonyService,
    consults: ConsoleConsults | None = None,
    platform: Platform | None = None,
) -> ConsoleConferences:
    """A consultation made a conference (issue 16 §3, OP3), grown past three (§46) up to
    the tenant's limit, on the switch; its media and card are the consultation's
    (``console_consults``, which asks the same limit)."""
    from vaxel.telephony.console_conference import ConsoleConferences

    limit = conference_limit(platform)
    if consults is not None:
        consults.max_parties = limit
    return ConsoleConferences(telephony.switch, limit)


def console_camp_on(
    telephony: TelephonyService, context: WebContext, platform: Platform | None = None
) -> CampOns:
    """Camp-on from the operator console (issue 16 §3, OP4): the switch's camped calls, read
    under the tenant's ``pbx-camp-on`` settings, given to the web ``context`` (camp, take
    back, the board); a tenant whose camped calls changed wakes its live stream."""
    from vaxel.telephony.camp_on import CampOns

    camp_ons = CampOns(telephony.switch)
    camp_ons.wake = context.hub.wake
    pbx = platform.pbx if platform is not None else None
    if pbx is not None:
        sources = pbx.sources
        camp_ons.settings = lambda tenant_id: CampOnSettings.of(
            sources.settings(tenant_id, CAMP_ON_SETTINGS)
        )
    context.console_camp, context.camp_take_back = camp_ons.camp, camp_ons.take_back
    context.camped_calls = lambda: camp_ons.board
    return camp_ons


def dialled_of(telephony: TelephonyService) -> Callable[[str], str]:
    """The number a queue call's caller dialled, for the operator's card (issue 16, OP2);
    "" for a call telephony does not have (a chat, a call already gone)."""
    calls = telephony.switch.calls

    def dialled(contact_id: str) -> str:
        call = calls.get(contact_id)
        return call.session.call.dialled_number if call is not None and call.session else ""

    return dialled


def recalls_of(
    telephony: TelephonyService, wake: Callable[[str], None]
) -> Callable[[str, str], list[dict[str, object]]]:
    """An operator's transfers that came back (issue 16 §3), for her console card; ``wake``
    (the live hub's) is told a tenant's id whenever a recall starts ringing."""
    from vaxel.telephony.recall_list import recalls_for

    switch, directory = telephony.switch, telephony.directory
    switch.actions.recall_hooks.append(lambda call: wake(call.tenant_id))

    def recalls(tenant_id: str, agent_id: str) -> list[dict[str, object]]:
        extension = directory.extension_of_agent(tenant_id, agent_id)
        if extension is None:
            return []
        calls = list(switch.calls.values())  # a copy: the loop adds and ends calls meanwhile
        return recalls_for(calls, tenant_id, extension.extension, switch.clock())

    return recalls


def requeued_of(telephony: TelephonyService) -> Callable[[str], dict[str, object] | None]:
    """Why a call waits again in its queue, or is in an operator's hand, after a recall
    nobody took (issue 16 §3); None for any other call."""
    from vaxel.telephony.requeue import requeued_note

    calls = telephony.switch.calls

    def requeued(contact_id: str) -> dict[str, object] | None:
        call = calls.get(contact_id)
        return requeued_note(call) if call is not None else None

    return requeued


def console_parking(
    telephony: TelephonyService,
) -> tuple[
    Callable[[str, str, str], str],
    Callable[[str, str, str], None],
    Callable[[str, str], list[dict[str, object]]],
]:
    """The operator console's park, retrieve and list of her parked calls (issue 16 §3,
    OP3): (tenant, agent, contact) → orbit; (tenant, agent, orbit) rings her phone with
    the call; (tenant, agent) → her parked calls. On the loop, from async web handlers."""
    from vaxel.telephony.console_park import park_from_console, parked_by, retrieve_to

    switch, directory = telephony.switch, telephony.directory

    def extension_of(tenant_id: str, agent_id: str) -> str:
        found = directory.extension_of_agent(tenant_id, agent_id)
        return found.extension if found is not None else ""

    def park(tenant_id: str, agent_id: str, contact_id: str) -> str:
        return park_from_console(switch, tenant_id, agent_id, contact_id)

    def retrieve(tenant_id: str, agent_id: str, orbit: str) -> None:
        extension = extension_of(tenant_id, agent_id)
        if not extension:
            raise DomainError("no extension of hers to ring", code="console-no-phone")
        retrieve_to(switch, tenant_id, extension, orbit)

    def parked(tenant_id: str, agent_id: str) -> list[dict[str, object]]:
        extension = extension_of(tenant_id, agent_id)
        return parked_by(switch, tenant_id, extension, switch.clock()) if extension else []

    return park, retrieve, parked
