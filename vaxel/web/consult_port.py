"""What the operator console needs of telephony for an announced transfer (issue 16 §3,
OP3): a port the composition root fills with ``vaxel.telephony.console_consult`` when SIP
runs (the web never imports telephony, issue 12 §2)."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["ConferenceCalls", "ConsultCalls"]


class ConsultCalls(Protocol):
    """Each raises a VaxelError (a DomainError with a constant code) when refused."""

    def start(
        self, tenant_id: str, agent_id: str, contact_id: str, number: str, name: str = ""
    ) -> None: ...

    def connect(self, tenant_id: str, agent_id: str, contact_id: str) -> None: ...

    def back(self, tenant_id: str, agent_id: str, contact_id: str) -> None: ...

    def view(self, contact_id: str) -> dict[str, Any] | None: ...


class ConferenceCalls(Protocol):
    """The three-party conference of a consultation (OP3): raise a VaxelError with a
    ``conference-*`` code when refused (nothing changed)."""

    def start(self, tenant_id: str, agent_id: str, contact_id: str) -> None: ...

    def leave(self, tenant_id: str, agent_id: str, contact_id: str) -> None: ...

    def on(self, tenant_id: str, agent_id: str, contact_id: str) -> bool: ...
