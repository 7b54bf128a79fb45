"""What the console's break-in asks of telephony (issue 16 §3, spec §48), as a port so the
web context names it without importing telephony (``vaxel/app/console_break_in.py`` gives
the switch's)."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["BreakInPort"]


class BreakInPort(Protocol):
    """Raises VaxelError with a ``break-in-*`` code when refused (nothing changed)."""

    def start(self, tenant_id: str, agent_id: str, number: str, *, listen: bool = False) -> None:
        """Ring her phone to break in on the call of the person on ``number`` (``listen``:
        to listen in, heard by nobody)."""
        ...

    def leave(self, tenant_id: str, agent_id: str) -> None:
        """Leave the call she broke in on, or stop her phone ringing for it."""
        ...

    def end_other(self, tenant_id: str, agent_id: str) -> None:
        """Hang up the person's other party; she stays with the person (spec §48)."""
        ...

    def view(self, tenant_id: str, agent_id: str) -> dict[str, Any] | None:
        """Her break-in for the card: ``person_id``, ``number``, ``mode`` ('break-in' or
        'listen'), ``state`` ('ringing' her phone or 'in' the call), ``since_s``."""
        ...
