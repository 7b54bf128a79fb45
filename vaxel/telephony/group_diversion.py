"""A whole group's diversion on the wire (spec §67, PBX3; rules in
:mod:`vaxel.pbx.group_diversion`): a call to a diverted group's number goes to the
diversion's number as if that had been dialled — the operator's, a person's (their own
forwarding and presence apply), a voicemail number. Diverted to another group, that group's
members ring: a diversion is followed once, so groups diverted to each other cannot loop.
A diversion that cannot be read (the database away) or whose number reaches nothing now
leaves the group ringing its members, as without one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from vaxel.pbx.numbering import Target, TargetKind

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call
    from vaxel.telephony.internal import Caller, InternalCalls
    from vaxel.telephony.internal_ports import TargetHandler

__all__ = ["DivertedGroups"]

log = logging.getLogger(__name__)


class DivertedGroups:
    """TargetKind.GROUP: the group's diversion when it has one on, else ``groups`` (rung,
    or its queue). The root sets ``diverted_to`` (tenant, group id → number or "")."""

    def __init__(self, internal: InternalCalls, groups: TargetHandler) -> None:
        self.internal = internal
        self.groups = groups
        self.diverted_to: Callable[[str, str], str] = lambda tenant_id, group_id: ""

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        to = self._destination(call.tenant_id, target.ref)
        handler = self.internal.handlers.get(to.kind) if to is not None else None
        if to is None or handler is None or call.internal is None:
            self.groups.start(call, target, caller)
            return
        log.info("%s: group %s diverted to %s", call.call_id, target.ref, to)
        call.internal.target = to
        (self.groups if to.kind is TargetKind.GROUP else handler).start(call, to, caller)

    def _destination(self, tenant_id: str, group_id: str) -> Target | None:
        try:
            number = self.diverted_to(tenant_id, group_id)
        except Exception:  # a fault degrades the diversion only: the members ring
            log.exception("group %s: its diversion could not be read", group_id)
            return None
        if not number:
            return None
        return self.internal.directory.pbx.resolve(tenant_id, number) or (
            self.internal.plain_extension(tenant_id, number)
        )
