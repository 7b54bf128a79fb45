"""What telephony's voicemail asks of the runtime (PBX4): mailboxes, messages, PIN checks.

Blocking calls (the store, argon2, files): :mod:`vaxel.telephony.voicemail` runs them on the
default executor and takes their answers back on the loop.
"""

from __future__ import annotations

from typing import Protocol

from vaxel.pbx.voicemail import GreetingKind, Mailbox, Message, VoicemailLimits

__all__ = ["VoicemailPort", "deposit_box", "own_mailbox"]


class VoicemailPort(Protocol):
    """What telephony asks of the runtime's voicemail (blocking calls)."""

    limits: VoicemailLimits

    def open_mailbox(self, tenant_id: str, person_id: str) -> Mailbox | None: ...

    def own_mailbox(self, tenant_id: str, extension: str) -> Mailbox | None: ...

    def absent(self, tenant_id: str, person_id: str) -> bool: ...

    def messages(self, tenant_id: str, person_id: str) -> list[Message]: ...

    def check_pin(
        self, tenant_id: str, number: str, pin: str
    ) -> tuple[Mailbox, tuple[Message, ...]] | None: ...

    def message_path(self, tenant_id: str, person_id: str, message_id: str) -> str: ...

    def greeting_draft_path(self, mailbox: Mailbox, kind: GreetingKind) -> str: ...

    def recorded(
        self, tenant_id: str, person_id: str, message_id: str, caller: str, received_at: float
    ) -> bool: ...

    def mark_heard(
        self, tenant_id: str, person_id: str, message_id: str, heard: bool = True
    ) -> None: ...

    def delete(self, tenant_id: str, person_id: str, message_id: str) -> None: ...

    def save_recorded_greeting(self, mailbox: Mailbox, kind: GreetingKind) -> Mailbox: ...


def own_mailbox(
    port: VoicemailPort, tenant_id: str, extension: str
) -> tuple[Mailbox | None, list[Message]]:
    """The mailbox of the extension calling the access number, and its messages."""
    mailbox = port.own_mailbox(tenant_id, extension)
    messages = port.messages(tenant_id, mailbox.person_id) if mailbox is not None else []
    return mailbox, messages


def deposit_box(
    port: VoicemailPort, tenant_id: str, person_id: str
) -> tuple[Mailbox | None, int, bool]:
    """The mailbox, how many messages it holds, and whether its owner is away now."""
    mailbox = port.open_mailbox(tenant_id, person_id)
    if mailbox is None:
        return None, 0, False
    return mailbox, len(port.messages(tenant_id, person_id)), port.absent(tenant_id, person_id)
