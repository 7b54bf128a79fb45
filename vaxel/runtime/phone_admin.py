"""Recording prompts and switching lavinbesked from a phone, the runtime's side (IVR4, IVR5,
issue 14 §7): telephony's :class:`~vaxel.telephony.phone_admin.PhoneAdminPort`, served.

Rules kept here:
- The PIN is the person's voicemail PIN, checked by voicemail (argon2, and its pin guard:
  ten wrong PINs an hour per mailbox lock it, whether tried here or in the mailbox).
- Only prompt admins may (the roles that reach the prompt admin pages: tenant and platform
  admins), known by the account whose directory person the PIN proved.
- A feature code from a mobile (:class:`~vaxel.pbx.feature_codes.MobileCodes`): anyone
  whose PIN it is; the code is carried out as them with their own rights
  (``carry_out_code``: the PBX's, as from their desk phone), except recording and
  switching (``*95*``, ``*96*``), which stay on the staff's own phones.
- A switch is the tenant's numbered switch (:class:`~vaxel.runtime.flow_switches.FlowSwitches`,
  audited as ``telefon:<person>``); a prompt is the tenant's upload by its place on the
  prompt page (1 the first by name). Saving replaces its audio and keeps the old for undo
  (``PromptUploads.replace_keeping``), audited, and announced as a ``prompt`` change so the
  next call plays it.
- At most ``limits.max_recordings`` takes are recorded at once on the node; a take's file
  is removed when its call ends.
Blocking: telephony runs these on its executor.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from vaxel.pbx.feature_codes import (
    FeatureCode,
    FeatureCodeRefused,
    MobileCodes,
    RecordPrompt,
    SetSwitch,
    parse,
)
from vaxel.pbx.phone_admin import PhoneAdminLimits
from vaxel.runtime.directory_views import DirectoryViews
from vaxel.runtime.flow_switches import FlowSwitches
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import caller_channel_ulaw
from vaxel.store.accounts import Accounts
from vaxel.store.audit import record
from vaxel.store.prompts import PromptUploads, UploadedPrompt

__all__ = ["PROMPT_ADMINS", "PhoneAdmin"]

log = logging.getLogger(__name__)

PROMPT_ADMINS = ("tenant_admin", "platform_admin")
"""The roles that manage prompts on the web (ADM2), and so by phone."""
NOT_ALLOWED = "sv/pbx/not-allowed"
SLOT_INVALID = "sv/pbx/slot-invalid"


class PhoneAdmin:
    def __init__(
        self,
        voicemail: VoicemailService,
        switches: FlowSwitches,
        views: DirectoryViews,
        takes: Path,
        clock: Callable[[], float],
        limits: PhoneAdminLimits | None = None,
    ) -> None:
        self.voicemail = voicemail
        self.switches = switches
        self.views = views
        self.configuration = switches.configuration
        self.database = switches.configuration.database
        self.uploads = PromptUploads(self.database)
        self.takes = takes
        self.clock = clock
        self.limits = limits or PhoneAdminLimits()
        self._recording: set[str] = set()
        self.carry_out_code: Callable[[str, str, FeatureCode], str] = (
            lambda tenant_id, person_id, command: NOT_ALLOWED
        )
        """How a code is carried out as a person (the root gives ``PbxReach.carry_out``)."""
        self._lock = threading.Lock()

    # -- who --------------------------------------------------------------------------------

    def check(
        self, tenant_id: str, person_id: str, extension: str, pin: str, command: object
    ) -> tuple[str, str] | None:
        """(the person, a refusal prompt or "") when ``pin`` opens the mailbox of
        ``person_id`` (the phone's) or of ``extension`` (keyed); None when it does not."""
        number = extension
        if person_id:
            mailbox = self.voicemail.open_mailbox(tenant_id, person_id)
            number = mailbox.number if mailbox is not None else ""
        found = self.voicemail.check_pin(tenant_id, number, pin) if number else None
        if found is None:
            return None
        person = found[0].person_id
        if isinstance(command, MobileCodes):
            return person, ""  # their own codes, with their own rights
        if not self.may(tenant_id, person):
            log.info("phone admin: %s/%s is no prompt admin", tenant_id, person)
            return person, NOT_ALLOWED
        if isinstance(command, SetSwitch):
            known = self.switches.by_number(tenant_id, command.slot) is not None
        elif isinstance(command, RecordPrompt):
            known = self.prompt_at(tenant_id, command.slot) is not None
        else:
            known = False
        return person, "" if known else SLOT_INVALID

    def carry_out(self, tenant_id: str, person_id: str, keyed: str) -> str:
        """The code ``keyed`` from ``person_id``'s mobile, carried out; its answer."""
        try:
            command = parse(keyed)
        except FeatureCodeRefused as refused:
            return refused.prompt
        if isinstance(command, RecordPrompt | SetSwitch):
            return NOT_ALLOWED
        log.info("feature code from the mobile of %s/%s", tenant_id, person_id)
        return self.carry_out_code(tenant_id, person_id, command)

    def may(self, tenant_id: str, person_id: str) -> bool:
        """Whether an active admin account of the tenant is ``person_id`` in the directory."""
        return any(
            user.active
            and user.role in PROMPT_ADMINS
            and self.views.person_of_account(tenant_id, user.username) == person_id
            for user in Accounts(self.database).users(tenant_id)
        )

    # -- switching --------------------------------------------------------------------------

    def switch(self, tenant_id: str, person_id: str, number: int, on: bool) -> str:
        found = self.switches.by_number(tenant_id, number)
        if found is None:
            return SLOT_INVALID
        self.switches.set(tenant_id, found.name, on, f"telefon:{person_id}")
        return "sv/pbx/switch-on" if on else "sv/pbx/switch-off"

    # -- recording --------------------------------------------------------------------------

    def prompt_at(self, tenant_id: str, number: int) -> UploadedPrompt | None:
        """The tenant's upload numbered ``number`` (its "Nr" on the prompt page, stable)."""
        return self.uploads.numbered(tenant_id, number)

    def begin(self, call_id: str) -> bool:
        """Room for one more take on the node (False: too many record now)."""
        with self._lock:
            if len(self._recording) >= self.limits.max_recordings:
                return False
            self._recording.add(call_id)
            return True

    def end(self, call_id: str, path: str) -> None:
        with self._lock:
            self._recording.discard(call_id)
        if path:
            Path(path).unlink(missing_ok=True)

    def take_path(self, tenant_id: str, call_id: str) -> str:
        self.takes.mkdir(parents=True, exist_ok=True)
        safe = "".join(c for c in f"{tenant_id}-{call_id}" if c.isalnum() or c in "-_")
        return str(self.takes / f"{safe}.wav")

    def take_audio(self, path: str) -> bytes:
        """The take as µ-law (what the caller said), cut to the longest allowed."""
        audio = caller_channel_ulaw(Path(path).read_bytes())
        return audio[: int(self.limits.max_record_s * 8000)]

    def save_take(self, tenant_id: str, person_id: str, number: int, path: str) -> str:
        prompt = self.prompt_at(tenant_id, number)
        if prompt is None:
            return SLOT_INVALID
        now = self.clock()
        if not self.uploads.replace_keeping(
            tenant_id, prompt.prompt_id, self.take_audio(path), now
        ):
            return SLOT_INVALID
        actor = f"telefon:{person_id}"
        with self.database.begin() as connection:
            record(connection, tenant_id, actor, "prompt_recorded", prompt.prompt_id,
                   {"name": prompt.name})  # fmt: skip
        self.configuration.changed(tenant_id, "prompt", prompt.prompt_id)
        return "sv/pbx/prompt-saved"
