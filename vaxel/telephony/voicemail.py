"""Voicemail on the phone (PBX4): leaving a message, and the mailbox's menu by DTMF.

Rules kept here:
- A call to a VOICEMAIL target whose ref is a person id (no answer, busy, an absent person's
  "1", or a transfer) leaves a message: the caller hears the person's presence greeting
  while they are away (DIR3), else their personal one, else the standard one, and a tone,
  then is recorded until ``#``, hang-up or the mailbox's longest message; ``#`` is thanked,
  and the recording is kept (or dropped when too short) off the loop. A full mailbox is said
  so, and the call ends.
- A call to the voicemail access number (ref :data:`ACCESS`) opens the menu
  (:class:`~vaxel.pbx.voicemail_menu.VoicemailMenu`): at once from the mailbox's own
  extension, else after the mailbox number and PIN. The menu's commands are carried out
  here: prompts, a message or a greeting played, recording a greeting until ``#``.
- The mailbox, its messages and PIN checks are the runtime's (``voicemail_port.VoicemailPort``,
  blocking: run on the default executor); what they answer comes back on the loop.
The call stays in the call machine's CONNECTING state without an offer; its keys, played
prompts, deadline and end come here through small hooks in the switch.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vaxel.media.player import Comfort
from vaxel.pbx.numbering import MAILBOX_MENU, Target
from vaxel.pbx.voicemail import GreetingKind, Mailbox, greeting_to_play, name_prompt
from vaxel.pbx.voicemail_menu import (
    CheckPin,
    DeleteMessage,
    Digit,
    HangUp,
    MarkHeard,
    MenuCommand,
    MenuInput,
    MenuState,
    PinChecked,
    PlaybackDone,
    PlayGreetingDraft,
    PlayMessage,
    RecordGreeting,
    RecordingDone,
    SaveGreeting,
    Say,
    VoicemailMenu,
)
from vaxel.pbx.voicemail_prompts import Phrase, phrase
from vaxel.telephony.phone_admin import AdminSession, PhoneAdminCalls
from vaxel.telephony.voicemail_port import VoicemailPort, deposit_box, own_mailbox

if TYPE_CHECKING:
    from vaxel.media.backend import MediaBackend
    from vaxel.telephony.bridging import Bridging
    from vaxel.telephony.calls import Call
    from vaxel.telephony.internal import Caller

__all__ = ["ACCESS", "VoicemailCalls", "VoicemailPort"]

log = logging.getLogger(__name__)

ACCESS = MAILBOX_MENU
"""The ref of the voicemail access number's target: the menu, not a mailbox."""
PROMPT_PREFIX = "tenant"
"""Voicemail audio is named like a tenant's uploaded prompt, ``tenant/<tenant>/voicemail/
<person>/<name>``, so the prompt library asks the root's lookup for it."""


@dataclass(slots=True)
class VoicemailSession:
    """One call's voicemail: leaving a message (``menu`` None) or the menu."""

    caller: str
    mailbox: Mailbox | None = None
    menu: VoicemailMenu | None = None
    recording: str = ""
    """The file being recorded ("" none)."""
    recording_since: float = 0.0
    record_after_prompt: str = ""
    """A recording to start once the prompt playing now has ended (after the tone)."""
    record_max_s: float = 0.0
    record_deadline: float | None = None
    done: bool = False
    played: list[str] = field(default_factory=list)
    """Voicemail audio given to the prompt library for this call (forgotten at the end)."""
    admin: AdminSession | None = None  # recording or switching by phone (phone_admin.py)

    def next_deadline(self) -> float | None:
        if self.admin is not None:
            return self.admin.next_deadline()
        menu_due = self.menu.next_deadline() if self.menu is not None else None
        due = [d for d in (menu_due, self.record_deadline) if d is not None]
        return min(due) if due else None


class VoicemailCalls:
    """The voicemail side of the switch; registered for ``TargetKind.VOICEMAIL``."""

    def __init__(
        self,
        media: MediaBackend,
        bridging: Bridging,
        clock: Callable[[], float],
        hang_up: Callable[[Call], None],
        settle: Callable[[Call], None],
        forget_prompt: Callable[[str], None] = lambda prompt_id: None,
    ) -> None:
        self.media = media
        self.bridging = bridging
        self.clock = clock
        self._hang_up = hang_up
        self._settle = settle
        self.forget_prompt = forget_prompt
        self.port: VoicemailPort | None = None
        """The runtime's voicemail; without it a voicemail target is an unknown number."""
        self.admin = PhoneAdminCalls(media, bridging, clock, settle)
        self.answer: Callable[[Call], None] = lambda call: None
        """A caller still in early media answered (the switch's): before the greeting."""

    # -- the handler (TargetHandler) --------------------------------------------------------

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        assert call.caller is not None
        session = VoicemailSession(caller.number)
        call.voicemail = session
        self.answer(call)  # in-dialog from here: a greeting, a recording, keys (PBX4)
        self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        if self.port is None:
            self._say(call, [phrase(Phrase.GOODBYE)], then_hangup=True)
            return
        port = self.port
        if target.ref == ACCESS:
            session.menu = VoicemailMenu(limits=port.limits)
            if caller.extension:
                self._off_loop(
                    call, lambda: own_mailbox(port, call.tenant_id, caller.extension), self._opened
                )
            else:
                self._menu(call, session.menu.start(self.clock(), own_messages=None))
            return
        self._off_loop(
            call,
            lambda: deposit_box(port, call.tenant_id, target.ref),
            self._deposit_ready,
        )

    # -- hooks from the switch --------------------------------------------------------------

    def digit(self, call: Call, digit: str) -> None:
        session = call.voicemail
        if session is None or call.ended or session.done:
            return
        if session.admin is not None:
            self.admin.digit(call, session.admin, digit)
            return
        if session.recording and digit == "#":
            self._stop_recording(call)
            return
        if session.menu is None:
            if session.record_after_prompt and digit == "#":  # skip the greeting
                self.media.stop_playback(call.caller.endpoint.endpoint_id)  # type: ignore[union-attr]
                self._start_recording(call)
            return
        if session.menu.state is MenuState.RECORDING:
            return
        self._feed(call, Digit(digit))

    def played(self, call: Call) -> None:
        """The prompt the caller heard has ended."""
        session = call.voicemail
        if session is None or session.done:
            return
        if session.admin is not None:
            self.admin.played(call, session.admin)
        elif session.record_after_prompt:
            self._start_recording(call)
        elif session.menu is not None:
            self._feed(call, PlaybackDone())

    def timer(self, call: Call, now: float) -> None:
        session = call.voicemail
        if session is None or call.ended:
            return
        if session.admin is not None:
            self.admin.timer(call, session.admin, now)
        elif session.record_deadline is not None and now >= session.record_deadline:
            self._stop_recording(call)  # the longest message (or greeting) allowed
        elif session.menu is not None:
            self._menu(call, session.menu.on_timer(now))

    def left(self, call: Call) -> None:
        """The call is being forgotten (its caller hung up or we did)."""
        session = call.voicemail
        if session is None:
            return
        call.voicemail = None
        if session.admin is not None:
            self.admin.left(call, session.admin)
        if session.recording and session.menu is None:
            self._keep(call, session)  # hung up while recording: the message is kept
        for prompt_id in session.played:
            self.forget_prompt(prompt_id)

    # -- leaving a message ------------------------------------------------------------------

    def _deposit_ready(self, call: Call, found: Any) -> None:
        session = call.voicemail
        if session is None:
            return
        mailbox, count, absent = found
        if mailbox is None:
            self._say(call, [phrase(Phrase.GOODBYE)], then_hangup=True)
            return
        assert self.port is not None
        if count >= self.port.limits.max_messages:
            self._say(call, [phrase(Phrase.MAILBOX_FULL)], then_hangup=True)
            return
        session.mailbox = mailbox
        kind = greeting_to_play(mailbox, absent=absent)
        greeting = (
            self._voicemail_prompt(call, mailbox, f"greeting-{kind.value}")
            if kind is not None
            else phrase(Phrase.GREETING_STANDARD)
        )
        session.record_after_prompt = self.port.message_path(
            call.tenant_id, mailbox.person_id, call.call_id
        )
        session.record_max_s = self.port.limits.max_message_s
        self._say(call, [greeting, phrase(Phrase.TONE)])

    def _keep(self, call: Call, session: VoicemailSession) -> None:
        port, mailbox = self.port, session.mailbox
        if port is None or mailbox is None:
            return
        received = session.recording_since
        asyncio.get_running_loop().run_in_executor(
            None,
            port.recorded,
            call.tenant_id,
            mailbox.person_id,
            call.call_id,
            session.caller,
            received,
        )

    # -- recording (messages and greetings) -------------------------------------------------

    def _start_recording(self, call: Call) -> None:
        session = call.voicemail
        assert session is not None and call.caller is not None
        path, session.record_after_prompt = session.record_after_prompt, ""
        self.media.start_recording(call.caller.endpoint.endpoint_id, path)
        call.voicemail_path = path  # the switch stops it when the caller hangs up
        session.recording, session.recording_since = path, self.clock()
        session.record_deadline = self.clock() + session.record_max_s
        self._settle(call)

    def _stop_recording(self, call: Call) -> None:
        session = call.voicemail
        assert session is not None and call.caller is not None
        self.media.stop_recording(call.caller.endpoint.endpoint_id)
        call.voicemail_path = ""
        duration = self.clock() - session.recording_since
        session.recording, session.record_deadline = "", None
        if session.menu is None:  # a message: thanked, kept, the call ends
            session.done = True
            self._keep(call, session)
            self._say(call, [phrase(Phrase.THANKS)], then_hangup=True)
            return
        self._feed(call, RecordingDone(duration))

    # -- the menu ---------------------------------------------------------------------------

    def _opened(self, call: Call, found: Any) -> None:
        session = call.voicemail
        if session is None or session.menu is None:
            return
        mailbox, messages = found
        session.mailbox = mailbox
        own = tuple(messages) if mailbox is not None else None
        self._menu(call, session.menu.start(self.clock(), own_messages=own))

    def _pin_checked(self, call: Call, found: Any) -> None:
        session = call.voicemail
        if session is None or session.menu is None:
            return
        if found is None:
            self._feed(call, PinChecked(ok=False))
            return
        session.mailbox, messages = found
        self._feed(call, PinChecked(ok=True, messages=messages))

    def _feed(self, call: Call, event: MenuInput) -> None:
        session = call.voicemail
        assert session is not None and session.menu is not None
        self._menu(call, session.menu.handle(event, self.clock()))

    def _menu(self, call: Call, commands: list[MenuCommand]) -> None:
        session = call.voicemail
        if session is None or call.caller is None:
            return
        port, mailbox = self.port, session.mailbox
        assert port is not None
        heard: list[str] = []
        for command in commands:
            if isinstance(command, Say):
                heard.extend(command.prompt_ids)
            elif isinstance(command, PlayMessage) and mailbox is not None:
                heard.extend(command.intro)
                heard.append(self._voicemail_prompt(call, mailbox, command.message_id))
            elif isinstance(command, MarkHeard) and mailbox is not None:
                self._fire(port.mark_heard, call.tenant_id, mailbox.person_id, command.message_id)
            elif isinstance(command, DeleteMessage) and mailbox is not None:
                self._fire(port.delete, call.tenant_id, mailbox.person_id, command.message_id)
            elif isinstance(command, CheckPin):
                check = functools.partial(
                    port.check_pin, call.tenant_id, command.mailbox_number, command.pin
                )
                self._off_loop(call, check, self._pin_checked)
            elif isinstance(command, RecordGreeting) and mailbox is not None:
                heard.extend(command.intro)
                session.record_after_prompt = port.greeting_draft_path(mailbox, command.kind)
                session.record_max_s = command.max_s
            elif isinstance(command, PlayGreetingDraft) and mailbox is not None:
                draft = self._voicemail_prompt(
                    call, mailbox, f"greeting-{command.kind.value}-draft"
                )
                self.forget_prompt(draft)  # a new draft each time
                heard.extend((draft, *command.outro))
            elif isinstance(command, SaveGreeting) and mailbox is not None:
                self.forget_prompt(self._prompt_id(call, mailbox, f"greeting-{command.kind.value}"))
                if command.kind is GreetingKind.NAME:  # the presence announcement says it
                    self.forget_prompt(name_prompt(call.tenant_id, mailbox.person_id))
                self._fire(port.save_recorded_greeting, mailbox, command.kind)
            elif isinstance(command, HangUp):
                session.done = True
                self._say(call, heard, then_hangup=True)
                return
        if heard:
            self._say(call, heard)
        self._settle(call)

    # -- helpers ----------------------------------------------------------------------------

    def _say(self, call: Call, prompts: list[str], *, then_hangup: bool = False) -> None:
        assert call.caller is not None
        self.media.stop_playback(call.caller.endpoint.endpoint_id)
        if prompts or not then_hangup:
            self.bridging.caller_hears(call, prompts, then_hangup=then_hangup)
        else:
            self._hang_up(call)
        self._settle(call)

    def _prompt_id(self, call: Call, mailbox: Mailbox, name: str) -> str:
        return f"{PROMPT_PREFIX}/{call.tenant_id}/voicemail/{mailbox.person_id}/{name}"

    def _voicemail_prompt(self, call: Call, mailbox: Mailbox, name: str) -> str:
        prompt_id = self._prompt_id(call, mailbox, name)
        assert call.voicemail is not None
        call.voicemail.played.append(prompt_id)
        return prompt_id

    def _off_loop(
        self, call: Call, work: Callable[[], Any], then: Callable[[Call, Any], None]
    ) -> None:
        """Run the blocking ``work`` on the executor; ``then(call, result)`` on the loop."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, work)

        def done(finished: asyncio.Future[Any]) -> None:
            if call.voicemail is None or call.ended:
                return
            try:
                result = finished.result()
            except Exception:
                log.exception("voicemail of %s failed", call.call_id)
                self._say(call, [phrase(Phrase.GOODBYE)], then_hangup=True)
                return
            then(call, result)

        future.add_done_callback(done)

    def _fire(self, work: Callable[..., Any], *args: Any) -> None:
        asyncio.get_running_loop().run_in_executor(None, work, *args)
