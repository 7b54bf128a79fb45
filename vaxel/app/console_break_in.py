"""The composition root's part for break-in from the operator console (issue 16 §3, spec
§48): the switch's :class:`~vaxel.telephony.break_in.BreakIns`, given to the web context
as its :class:`~vaxel.web.break_in_port.BreakInPort` — the operator's agent id becomes her
extension here, whose phones ring."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from vaxel.core.errors import DomainError

if TYPE_CHECKING:
    from vaxel.telephony.break_in import BreakIns
    from vaxel.telephony.directory import TelephonyDirectory
    from vaxel.telephony.service import TelephonyService

__all__ = ["ConsoleBreakIns", "console_break_ins"]


class ConsoleBreakIns:
    """The web's port over the switch's break-ins: by agent rather than extension."""

    def __init__(self, break_ins: BreakIns, directory: TelephonyDirectory) -> None:
        self.break_ins = break_ins
        self.directory = directory

    def _extension(self, tenant_id: str, agent_id: str) -> str:
        found = self.directory.extension_of_agent(tenant_id, agent_id)
        if found is None:
            raise DomainError("no extension of hers to ring", code="break-in-no-phone")
        return found.extension

    def start(self, tenant_id: str, agent_id: str, number: str, *, listen: bool = False) -> None:
        extension = self._extension(tenant_id, agent_id)
        self.break_ins.start(tenant_id, extension, number, listen=listen)

    def leave(self, tenant_id: str, agent_id: str) -> None:
        found = self.directory.extension_of_agent(tenant_id, agent_id)
        self.break_ins.leave(tenant_id, found.extension if found is not None else "")

    def view(self, tenant_id: str, agent_id: str) -> dict[str, Any] | None:
        """Her break-in or listen-in for the card (issue 16 §3): whom (person id and the
        number she chose), which mode, ringing her phone or in the call, and since when."""
        found = self.directory.extension_of_agent(tenant_id, agent_id)
        break_in = self.break_ins.of(tenant_id, found.extension) if found is not None else None
        if break_in is None:
            return None
        since = break_in.answered_at if break_in.answered_at is not None else break_in.rung_at
        return {
            "person_id": break_in.person_id,
            "number": break_in.number,
            "mode": "listen" if break_in.listen else "break-in",
            "state": "in" if break_in.leg is not None else "ringing",
            "since_s": max(0, round(self.break_ins.switch.clock() - since)),
        }

    def end_other(self, tenant_id: str, agent_id: str) -> None:
        found = self.directory.extension_of_agent(tenant_id, agent_id)
        self.break_ins.end_other(tenant_id, found.extension if found is not None else "")


def console_break_ins(telephony: TelephonyService, wake: Callable[[str], None]) -> ConsoleBreakIns:
    """The switch's break-ins for the web; ``wake`` (the live hub's) is told each tenant
    whose break-ins changed."""
    from vaxel.telephony.break_in import BreakIns

    break_ins = BreakIns(telephony.switch)
    break_ins.changed = wake
    return ConsoleBreakIns(break_ins, telephony.directory)
