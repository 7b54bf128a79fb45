"""A tenant's call-handling settings the admin page and the REST API both change (issue 14
§4 §6, PBX5): what a caller who reached an absent person may press (``pbx-presence``: 0
for the operator, 1 for voicemail, both or neither) and after how long an unanswered blind
transfer comes back (``pbx-transfer``), camp-on's wait and queue length (``pbx-camp-on``,
issue 16 §3), and how many may talk in a console conference (``pbx-console-conference``,
issue 16, OP3).

One path for both doors, so the web and the API can never disagree on what is allowed:
each change is checked (the pure core's rules, and the operator's number must reach
something in the tenant's numbering plan — a caller pressing 0 into nothing would be
dropped), stored in the tenant's settings that telephony reads at each call, and audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from vaxel.pbx.camp_on import CAMP_ON_SETTINGS, CampOnSettings
from vaxel.pbx.console_conference import CONSOLE_CONFERENCE_SETTINGS, ConsoleConferenceSettings
from vaxel.pbx.reach import AbsentOffer, AbsentOfferError
from vaxel.pbx.transfer_recall import RecallSettings
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.pbx_reach import OFFER_SETTINGS, TRANSFER_SETTINGS
from vaxel.store.audit import record
from vaxel.store.directory_sources import DirectorySources

__all__ = ["PbxCallSettings"]


@dataclass
class PbxCallSettings:
    """Reads and changes a tenant's ``pbx-presence``, ``pbx-transfer``, ``pbx-camp-on`` and
    ``pbx-console-conference`` settings."""

    database: Engine
    numbering: PbxNumberingService
    clock: Callable[[], float]

    def _sources(self) -> DirectorySources:
        return DirectorySources(self.database)

    def absent_offer(self, tenant_id: str) -> AbsentOffer:
        return AbsentOffer.of(self._sources().settings(tenant_id, OFFER_SETTINGS))

    def transfer_recall(self, tenant_id: str) -> RecallSettings:
        return RecallSettings.of(self._sources().settings(tenant_id, TRANSFER_SETTINGS))

    def put_absent_offer(self, tenant_id: str, offer: AbsentOffer, actor: str) -> AbsentOffer:
        """Store ``offer`` (checked when made); its operator number must be in the plan."""
        number = offer.operator_number
        if number and self.numbering.plan(tenant_id).resolve(number) is None:
            raise AbsentOfferError(
                f"operator number {number} reaches nothing",
                code="absent-offer-unknown",
                number=number,
            )
        stored = {
            "operator": offer.operator,
            "voicemail": offer.voicemail,
            "operator_number": number,
        }
        self._sources().put_settings(tenant_id, OFFER_SETTINGS, stored, self.clock())
        detail = {k: str(v) for k, v in stored.items()}
        with self.database.begin() as connection:
            record(connection, tenant_id, actor, "absent_offer_changed", "pbx-presence", detail)
        return offer

    def put_transfer_recall(self, tenant_id: str, seconds: float, actor: str) -> RecallSettings:
        """Store the recall time (``TransferRecallError`` names the 5–300 s range)."""
        checked = RecallSettings(float(seconds))
        stored = {"recall_after_s": checked.recall_after_s}
        self._sources().put_settings(tenant_id, TRANSFER_SETTINGS, stored, self.clock())
        with self.database.begin() as connection:
            detail = {"recall_after_s": f"{checked.recall_after_s:g}"}
            record(connection, tenant_id, actor, "park_changed", "transfer-recall", detail)
        return checked

    def camp_on(self, tenant_id: str) -> CampOnSettings:
        return CampOnSettings.of(self._sources().settings(tenant_id, CAMP_ON_SETTINGS))

    def put_camp_on(
        self, tenant_id: str, wait_s: float, max_per_extension: int, actor: str
    ) -> CampOnSettings:
        """Store camp-on's wait and queue length (``CampOnError`` names the range; issue
        16 §3, OP4): telephony reads them at the next camp-on."""
        checked = CampOnSettings(float(wait_s), int(max_per_extension))
        stored = {"wait_s": checked.wait_s, "max_per_extension": checked.max_per_extension}
        self._sources().put_settings(tenant_id, CAMP_ON_SETTINGS, stored, self.clock())
        with self.database.begin() as connection:
            detail = {
                "wait_s": f"{checked.wait_s:g}",
                "max_per_extension": str(checked.max_per_extension),
            }
            record(connection, tenant_id, actor, "park_changed", "camp-on", detail)
        return checked

    def console_conference(self, tenant_id: str) -> ConsoleConferenceSettings:
        stored = self._sources().settings(tenant_id, CONSOLE_CONFERENCE_SETTINGS)
        return ConsoleConferenceSettings.of(stored)

    def put_console_conference(
        self, tenant_id: str, max_parties: int, actor: str
    ) -> ConsoleConferenceSettings:
        """Store the console conference's limit of parties, her included (3–20; a
        ``DomainError`` ``conference-parties-range`` otherwise; issue 16, OP3): the console
        reads it at the next Alt+K or Shift+Enter from a conference."""
        checked = ConsoleConferenceSettings(int(max_parties))
        stored = {"max_parties": checked.max_parties}
        self._sources().put_settings(tenant_id, CONSOLE_CONFERENCE_SETTINGS, stored, self.clock())
        with self.database.begin() as connection:
            detail = {"max_parties": str(checked.max_parties)}
            record(connection, tenant_id, actor, "park_changed", "console-conference", detail)
        return checked
