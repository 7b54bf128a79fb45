"""Voicemail as the web, the REST API and telephony use it (PBX4): mailboxes, messages and
their files, PINs, greetings; every change of a mailbox's messages is told to the listeners
(message-waiting to the phones, RFC 3842) and a new message's e-mail goes to the outbox.

Blocking (the store, argon2, files): the web calls it from its worker threads, telephony
from an executor. Every call names the tenant and the person; a message of another tenant
or person is :class:`~vaxel.pbx.voicemail.MessageNotFound`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vaxel.core.errors import VaxelError
from vaxel.directory.model import NumberKind, Person
from vaxel.pbx.pin_guard import PinGuard
from vaxel.pbx.voicemail import (
    GreetingKind,
    Mailbox,
    Message,
    MessageNotFound,
    VoicemailLimits,
    check_pin,
    is_message,
    message_summary,
)
from vaxel.pbx.voicemail_mail import MailServer
from vaxel.prompts.convert import convert_upload
from vaxel.runtime.mail_servers import TestMailGate
from vaxel.runtime.voicemail_files import (
    VoicemailFiles,
    caller_channel_ulaw,
    safe_part,
    wav_duration_s,
)
from vaxel.store.directory import DirectoryStore
from vaxel.store.pbx_voicemail import VoicemailStore

__all__ = ["PHONE_PROMPT_PREFIX", "MailboxChanged", "VoicemailService"]

PHONE_PROMPT_PREFIX = "tenant/"
NAME_PART = "namn-"
"""``tenant/<tenant>/namn-<person>``: a person's name (:func:`~vaxel.pbx.voicemail.name_prompt`)."""
"""Prompt ids of the voicemail audio phones hear (:meth:`VoicemailService.phone_prompt`)."""

log = logging.getLogger(__name__)

MailboxChanged = Callable[[str, str, int, int], None]
"""(tenant, mailbox number, new, old): told after every change of a mailbox's messages."""


class VoicemailService:
    def __init__(
        self,
        store: VoicemailStore,
        files: VoicemailFiles,
        clock: Callable[[], float],
        limits: VoicemailLimits | None = None,
        queued: Callable[[], None] = lambda: None,
        directory: DirectoryStore | None = None,
        absent: Callable[[str, str], bool] = lambda tenant_id, person_id: False,
    ) -> None:
        self.store = store
        self.absent = absent
        """Whether the person has a presence set now (DIR3): the presence greeting plays."""
        self.directory = directory
        """People's extensions and e-mail, for a mailbox made on first use."""
        self.files = files
        self.clock = clock
        self.limits = limits or VoicemailLimits()
        self.queued = queued
        """Told when an e-mail was put in the outbox (the mailer re-arms)."""
        self.platform_mail_server: MailServer | None = None
        """The platform's server (settings ``smtp_*``), for a tenant without its own; set
        by the composition root, shown and used by the mail server admin page."""
        self.tenant_mail_internal_hosts = False
        """Settings ``smtp_tenant_internal_hosts``: a tenant's server may be this machine."""
        self.mail_tests = TestMailGate()
        """Test mails under way on the node (``mail_servers.py``: one per tenant, a few)."""
        self.listeners: list[MailboxChanged] = []
        self._hasher = PasswordHasher()
        self.pin_guard = PinGuard(max_failures=10, window_s=3600.0)
        """Wrong PINs per mailbox across calls (a call alone ends after a few)."""
        self._guard_lock = threading.Lock()  # web threads and telephony's executor

    # -- mailboxes ------------------------------------------------------------------------

    def mailbox(self, tenant_id: str, person_id: str) -> Mailbox | None:
        return self.store.mailbox(tenant_id, person_id)

    def mailbox_by_number(self, tenant_id: str, number: str) -> Mailbox | None:
        return self.store.mailbox_by_number(tenant_id, number)

    def ensure_mailbox(self, tenant_id: str, person_id: str, number: str, email: str) -> Mailbox:
        """The person's mailbox, made on first use with their extension and e-mail."""
        found = self.store.mailbox(tenant_id, person_id)
        if found is not None:
            return found
        mailbox = Mailbox(tenant_id, person_id, number, email=email)
        self.store.put_mailbox(mailbox)
        return mailbox

    def open_mailbox(self, tenant_id: str, person_id: str) -> Mailbox | None:
        """The person's mailbox, made from their directory entry on first use; None for
        someone not in the directory."""
        found = self.store.mailbox(tenant_id, person_id)
        if found is not None or self.directory is None:
            return found
        try:
            person = self.directory.person(tenant_id, person_id)
        except VaxelError:
            return None
        return self.ensure_mailbox(tenant_id, person_id, _extension(person), person.email)

    def own_mailbox(self, tenant_id: str, extension: str) -> Mailbox | None:
        """The mailbox of whoever has ``extension`` (listening from one's own phone)."""
        found = self.store.mailbox_by_number(tenant_id, extension)
        if found is not None or self.directory is None:
            return found
        people = self.directory.by_extension(tenant_id, extension)
        return self.open_mailbox(tenant_id, people[0].person_id) if len(people) == 1 else None

    def set_pin(self, mailbox: Mailbox, pin: str) -> Mailbox:
        """Hash and keep a new PIN (argon2, as passwords; blocks for tens of ms)."""
        changed = _replace(mailbox, pin_hash=self._hasher.hash(check_pin(pin, mailbox.number)))
        self.store.put_mailbox(changed)
        return changed

    def set_email(self, mailbox: Mailbox, email: str) -> Mailbox:
        changed = _replace(mailbox, email=email)
        self.store.put_mailbox(changed)
        return changed

    def check_pin(
        self, tenant_id: str, number: str, pin: str
    ) -> tuple[Mailbox, tuple[Message, ...]] | None:
        """Mailbox ``number`` and its messages when ``pin`` opens it; else None. A mailbox
        without a PIN opens from its own extension only. After ten wrong PINs in an hour
        none opens it until the oldest is an hour old (:mod:`vaxel.pbx.pin_guard`)."""
        key, now = (tenant_id, number), self.clock()
        with self._guard_lock:
            if self.pin_guard.refuses(key, now):
                log.warning("mailbox %s/%s: PIN refused, too many wrong PINs", *key)
                return None
        mailbox = self.store.mailbox_by_number(tenant_id, number)
        try:
            ok = mailbox is not None and bool(mailbox.pin_hash)
            ok = ok and self._hasher.verify(mailbox.pin_hash, pin)  # type: ignore[union-attr]
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or mailbox is None:
            with self._guard_lock:
                self.pin_guard.failed(key, now)
            return None
        return mailbox, tuple(self.messages(tenant_id, mailbox.person_id))

    # -- files telephony records to and plays ---------------------------------------------

    def message_path(self, tenant_id: str, person_id: str, message_id: str) -> str:
        """Where the media engine records a message (the IVR step's layout)."""
        return str(self.files.path(self.files.message_file(tenant_id, person_id, message_id)))

    def greeting_draft_path(self, mailbox: Mailbox, kind: GreetingKind) -> str:
        path = self.files.greeting_draft(mailbox.tenant_id, mailbox.person_id, kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        return str(path)

    def phone_prompt(self, prompt_id: str) -> bytes | None:
        """Audio for the prompt library's ids ``tenant/<tenant>/voicemail/<person>/<name>``:
        a message (its caller's channel), a greeting, or a greeting's draft; None otherwise
        (then the id is a tenant's uploaded prompt, or nothing)."""
        parts = prompt_id.split("/")
        if len(parts) == 3 and parts[0] == "tenant" and parts[2].startswith(NAME_PART):
            return self._name_audio(parts[1], parts[2].removeprefix(NAME_PART))
        if len(parts) != 5 or parts[0] != "tenant" or parts[2] != "voicemail":
            return None
        _, tenant_id, _, person_id, name = parts
        folder = self.files.folder(tenant_id, person_id)
        for kind in GreetingKind:
            if name == f"greeting-{kind.value}":
                path = self.files.greeting(tenant_id, person_id, kind)
                return path.read_bytes() if path.is_file() else None
            if name == f"greeting-{kind.value}-draft":
                draft = self.files.greeting_draft(tenant_id, person_id, kind)
                return caller_channel_ulaw(draft.read_bytes()) if draft.is_file() else None
        sidecar = folder / f"{safe_part(name)}.ulaw"
        return sidecar.read_bytes() if sidecar.is_file() else None

    def _name_audio(self, tenant_id: str, person_id: str) -> bytes | None:
        """The person's own recorded name (``tenant/<tenant>/namn-<person>``, 4f); None
        when they have none (then an admin's upload of that name, if any, is played)."""
        if not person_id:
            return None
        try:
            path = self.files.greeting(tenant_id, person_id, GreetingKind.NAME)
        except ValueError:
            return None
        return path.read_bytes() if path.is_file() else None

    # -- messages -------------------------------------------------------------------------

    def messages(self, tenant_id: str, person_id: str) -> list[Message]:
        """Newest first."""
        return [s.message for s in self.store.messages(tenant_id, person_id)]

    def audio(self, tenant_id: str, person_id: str, message_id: str) -> bytes:
        """The message's WAV (as recorded); MessageNotFound when it is not the person's."""
        stored = self.store.message(tenant_id, person_id, message_id)
        data = self.files.read(stored.file) if stored is not None else None
        if data is None:
            raise MessageNotFound(message_id)
        return data

    def phone_audio(self, tenant_id: str, person_id: str, message_id: str) -> bytes | None:
        """The caller's side of the message as µ-law for a phone (the menu plays it)."""
        try:
            return caller_channel_ulaw(self.audio(tenant_id, person_id, message_id))
        except (MessageNotFound, ValueError, EOFError):
            return None

    def mark_heard(
        self, tenant_id: str, person_id: str, message_id: str, heard: bool = True
    ) -> None:
        if not self.store.mark_heard(tenant_id, person_id, message_id, heard):
            raise MessageNotFound(message_id)
        self._changed(tenant_id, person_id)

    def delete(self, tenant_id: str, person_id: str, message_id: str) -> None:
        file = self.store.delete_message(tenant_id, person_id, message_id)
        if file is None:
            raise MessageNotFound(message_id)
        self.files.remove(file)
        self.files.remove(file.removesuffix(".wav") + ".ulaw")
        self._changed(tenant_id, person_id)

    def recorded(
        self, tenant_id: str, person_id: str, message_id: str, caller: str, received_at: float
    ) -> bool:
        """A caller finished a message recorded at the mailbox's message path: keep it (and
        queue its e-mail), or drop a hang-up at the tone. False when nothing was kept."""
        mailbox = self.open_mailbox(tenant_id, person_id)
        file = self.files.message_file(tenant_id, person_id, message_id)
        data = self.files.read(file)
        duration = wav_duration_s(data) if data is not None else 0.0
        if mailbox is None or not is_message(duration, self.limits):
            self.files.remove(file)
            return False
        message = Message(message_id, tenant_id, person_id, caller, received_at, duration)
        if data is not None:  # the phone plays the caller's side, converted once here
            sidecar = self.files.path(file).with_suffix(".ulaw")
            sidecar.write_bytes(caller_channel_ulaw(data))
        self.store.add_message(mailbox, message, file, self.limits, notify_at=received_at)
        self._changed(tenant_id, person_id, mailbox)
        if mailbox.email:
            self.queued()
        return True

    def summary(self, tenant_id: str, number: str) -> tuple[int, int] | None:
        """(new, old) of mailbox ``number``; None when there is no such mailbox."""
        mailbox = self.store.mailbox_by_number(tenant_id, number)
        if mailbox is None:
            return None
        return message_summary(self.messages(tenant_id, mailbox.person_id))

    def _changed(self, tenant_id: str, person_id: str, mailbox: Mailbox | None = None) -> None:
        mailbox = mailbox or self.store.mailbox(tenant_id, person_id)
        if mailbox is None:
            return
        new, old = message_summary(self.messages(tenant_id, person_id))
        for listener in self.listeners:
            try:
                listener(tenant_id, mailbox.number, new, old)
            except Exception:  # a listener's failure must not undo the change
                log.exception("mailbox listener failed")

    # -- greetings ------------------------------------------------------------------------

    def upload_greeting(
        self, mailbox: Mailbox, kind: GreetingKind, data: bytes, filename: str
    ) -> Mailbox:
        """An uploaded WAV/MP3 as the greeting (validated and converted as prompts are,
        IVR5); PromptConversionError names what was wrong."""
        ulaw = convert_upload(
            data,
            filename,
            max_seconds=int(self.limits.max_greeting_s),
            max_bytes=self.limits.max_greeting_bytes,
        )
        return self._greeting_saved(mailbox, kind, ulaw)

    def save_recorded_greeting(self, mailbox: Mailbox, kind: GreetingKind) -> Mailbox:
        """The greeting recorded by phone (its draft) becomes the greeting."""
        draft = self.files.greeting_draft(mailbox.tenant_id, mailbox.person_id, kind)
        ulaw = caller_channel_ulaw(draft.read_bytes())
        draft.unlink(missing_ok=True)
        return self._greeting_saved(mailbox, kind, ulaw)

    def remove_greeting(self, mailbox: Mailbox, kind: GreetingKind) -> Mailbox:
        self.files.remove_greeting(mailbox.tenant_id, mailbox.person_id, kind)
        changed = _replace(mailbox, greetings=mailbox.greetings - {kind})
        self.store.put_mailbox(changed)
        return changed

    def _greeting_saved(self, mailbox: Mailbox, kind: GreetingKind, ulaw: bytes) -> Mailbox:
        self.files.put_greeting(mailbox.tenant_id, mailbox.person_id, kind, ulaw)
        changed = _replace(mailbox, greetings=mailbox.greetings | {kind})
        self.store.put_mailbox(changed)
        return changed


def _extension(person: Person) -> str:
    return next((n.value for n in person.numbers if n.kind is NumberKind.EXTENSION), "")


def _replace(mailbox: Mailbox, **changes: Any) -> Mailbox:
    return replace(mailbox, **changes)
