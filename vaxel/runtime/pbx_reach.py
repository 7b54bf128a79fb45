"""The runtime's side of reaching a person (PBX5, DIR3, DIR4): telephony's ports, served.

Telephony asks :class:`PbxReach` (its :class:`~vaxel.pbx.reach.PersonReach`) for a
person's forwarding, line and absence, carries out feature codes through it, and reports
calls ringing and answered (:class:`~vaxel.pbx.reach.LineReport`); the line states are
kept here (:class:`~vaxel.pbx.line_state.LineStates`) and the directory's views are told,
so ``/katalog`` shows "Upptagen"/"Ringer"/"Vidarekopplad" live (it reads them back through
:class:`~vaxel.runtime.directory_views.LineStatus`).

A feature code is carried out as the person whose phone dialled it, with their own
rights; its answer is a prompt id (a confirmation or what was wrong).

What a caller who reached an absent person may press is the tenant's setting
``pbx-presence`` (``{"operator": true, "voicemail": true, "operator_number": "9"}``: 0
leads to what the plan's ``operator_number`` reaches; it is also where an unanswered blind
transfer goes when its transferrer does not take it back). After how long an unanswered
blind transfer comes back is ``pbx-transfer`` (``{"recall_after_s": 30}``, 5–300 s).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from vaxel.core.clock import STOCKHOLM
from vaxel.core.errors import VaxelError
from vaxel.directory.presence import LineState, Presence
from vaxel.pbx.feature_codes import (
    ClearForwarding,
    ClearPresence,
    FeatureCode,
    JoinGroup,
    LeaveGroup,
    SetForwarding,
    SetPresence,
)
from vaxel.pbx.forwarding import Forwarding, ForwardingRefused, ForwardRule
from vaxel.pbx.line_state import LineChange, LineStates
from vaxel.pbx.numbering import TargetKind
from vaxel.pbx.reach import Absence, AbsentOffer
from vaxel.pbx.transfer_recall import RecallSettings
from vaxel.runtime.directory_views import Actor, DirectoryViews
from vaxel.runtime.forwarding import ForwardingService
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.store.directory_sources import DirectorySources

__all__ = ["OFFER_SETTINGS", "TRANSFER_SETTINGS", "PbxReach", "return_at"]

log = logging.getLogger(__name__)

OFFER_SETTINGS = "pbx-presence"
"""The source name of a tenant's ``{"operator": bool, "voicemail": bool}``."""
TRANSFER_SETTINGS = "pbx-transfer"
"""The source name of a tenant's ``{"recall_after_s": 30}`` (issue 14 §6)."""


_REFUSED = {
    "forwarding-emergency": "sv/pbx/forwarding-emergency",
    "forwarding-self": "sv/pbx/forwarding-self",
    "forwarding-loop": "sv/pbx/forwarding-loop",
}
"""What a phone hears for a forwarding refused (any other refusal: barred)."""


def return_at(hour: int, minute: int, now: datetime) -> datetime:
    """The next ``hour:minute`` in Stockholm after ``now`` (today, or tomorrow if passed)."""
    local = now.astimezone(STOCKHOLM)
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at <= local:
        at = (local + timedelta(days=1)).replace(hour=hour, minute=minute, second=0,
                                                 microsecond=0)  # fmt: skip
    return at.astimezone(UTC)


class PbxReach:
    """PersonReach, LineReport and LineStatus in one: the PBX's view of people."""

    def __init__(
        self,
        views: DirectoryViews,
        forwarding: ForwardingService,
        sources: DirectorySources,
        clock: Callable[[], float],
    ) -> None:
        self.views = views
        self.forwardings = forwarding
        self.sources = sources
        self._clock = clock
        self.lines = LineStates()
        self.numbering: PbxNumberingService | None = None
        """The plan and answer groups (PBX3), for ``*28*``/``#28#``; the root sets it."""

    # PersonReach ---------------------------------------------------------------------------

    def forwarding(self, tenant_id: str, person_id: str) -> Forwarding | None:
        return self.forwardings.forwarding(tenant_id, person_id)

    def line(self, tenant_id: str, person_id: str) -> LineState:
        return self.lines.state(tenant_id, person_id)

    def forwarded_to(self, tenant_id: str, person_id: str) -> str | None:
        return self.forwardings.forwarded_to(tenant_id, person_id)

    def absence(self, tenant_id: str, person_id: str) -> Absence | None:
        view = self.views.absence(tenant_id, person_id)
        return None if view is None else Absence(view.reason_id, view.until)

    def extension(self, tenant_id: str, person_id: str) -> str | None:
        return self.views.extension_of(tenant_id, person_id)

    def person_on(self, tenant_id: str, extension: str) -> str | None:
        people = self.views.people_on(tenant_id, extension)
        return people[0] if people else None

    def absent_offer(self, tenant_id: str) -> AbsentOffer:
        return AbsentOffer.of(self.sources.settings(tenant_id, OFFER_SETTINGS))

    def set_absent_offer(self, tenant_id: str, offer: AbsentOffer) -> None:
        self.sources.put_settings(
            tenant_id,
            OFFER_SETTINGS,
            {
                "operator": offer.operator,
                "voicemail": offer.voicemail,
                "operator_number": offer.operator_number,
            },
            self._clock(),
        )

    def transfer_recall(self, tenant_id: str) -> RecallSettings:
        """After how long an unanswered blind transfer comes back (``pbx-transfer``)."""
        return RecallSettings.of(self.sources.settings(tenant_id, TRANSFER_SETTINGS))

    def set_transfer_recall(self, tenant_id: str, settings: RecallSettings) -> None:
        self.sources.put_settings(
            tenant_id, TRANSFER_SETTINGS, {"recall_after_s": settings.recall_after_s}, self._clock()
        )

    def carry_out(self, tenant_id: str, person_id: str, command: FeatureCode) -> str:
        """Carry out ``command`` as ``person_id`` (their own rights); the answering prompt."""
        actor = Actor("agent", person_id, self.views.name_of(tenant_id, person_id))
        try:
            return self._carry_out(tenant_id, actor, person_id, command)
        except ForwardingRefused as refused:
            return _REFUSED.get(refused.code, "sv/pbx/number-barred")
        except VaxelError as error:
            log.info("feature code %s of %s refused: %s", command, person_id, error)
            return "sv/pbx/failed"

    def _carry_out(self, tenant_id: str, actor: Actor, person_id: str, command: FeatureCode) -> str:
        if isinstance(command, SetForwarding):
            rule = ForwardRule(command.condition, command.destination, command.after_s)
            self.forwardings.set_rule(tenant_id, actor, person_id, rule)
            return "sv/pbx/forwarding-set"
        if isinstance(command, ClearForwarding):
            self.forwardings.clear(tenant_id, actor, person_id, command.condition)
            return "sv/pbx/forwarding-cleared"
        if isinstance(command, SetPresence):
            reasons = self.views.reasons(tenant_id)
            if command.reason > len(reasons):
                return "sv/pbx/reason-invalid"
            now = datetime.fromtimestamp(self._clock(), UTC)
            until = None if command.until is None else return_at(*command.until, now)
            presence = Presence(reasons[command.reason - 1].reason_id, since=now, until=until)
            self.views.set_presence(tenant_id, actor, person_id, presence)
            return "sv/pbx/presence-set"
        if isinstance(command, ClearPresence):
            self.views.clear_presence(tenant_id, actor, person_id)
            return "sv/pbx/presence-cleared"
        if isinstance(command, (JoinGroup, LeaveGroup)):
            return self._group_login(tenant_id, person_id, command)
        return "sv/pbx/not-allowed"  # recording and switches: telephony's PIN dialogue

    def _group_login(self, tenant_id: str, person_id: str, command: JoinGroup | LeaveGroup) -> str:
        """Log in to or out of the group on the number dialled, or out of every group the
        person is a member of (PBX3)."""
        numbering = self.numbering
        if numbering is None:
            return "sv/pbx/not-allowed"
        if command.group is None:
            for group in numbering.groups(tenant_id):
                if any(m.person_id == person_id for m in group.members):
                    numbering.set_login(tenant_id, group.group_id, person_id, False)
            return "sv/pbx/group-left"
        target = numbering.plan(tenant_id).resolve(command.group)
        if target is None or target.kind is not TargetKind.GROUP:
            return "sv/pbx/group-invalid"
        numbering.set_login(tenant_id, target.ref, person_id, isinstance(command, JoinGroup))
        return "sv/pbx/group-joined" if isinstance(command, JoinGroup) else "sv/pbx/group-left"

    # LineReport ----------------------------------------------------------------------------

    def ringing(self, tenant_id: str, person_id: str, call_id: str) -> None:
        self._tell(self.lines.ringing(tenant_id, person_id, call_id))

    def answered(self, tenant_id: str, person_id: str, call_id: str) -> None:
        self._tell(self.lines.answered(tenant_id, person_id, call_id))

    def left(self, tenant_id: str, person_id: str, call_id: str) -> None:
        self._tell(self.lines.left(tenant_id, person_id, call_id))

    def ended(self, call_id: str) -> None:
        self._tell(self.lines.ended(call_id))

    def _tell(self, changes: list[LineChange]) -> None:
        for change in changes:
            self.views.status_changed(change.tenant_id, [change.person_id])
