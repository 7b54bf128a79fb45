"""What telephony's voicemail asks of the runtime (PBX4): mailboxes, messages, PIN checks.

Blocking calls (the store, argon2, files): :mod:`vaxel.telephony.voicemail` runs them on the
default executor and takes their answers back on the loop.
"""

from __future__ import annotations

from typing import Protocol

from vaxel.pbx.voicemail import GreetingKind, Mailbox, Message, VoicemailLimits

__all__ = ["VoicemailPort"]


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
