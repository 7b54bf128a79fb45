"""Recording a prompt and switching a lavinbesked from a phone (IVR4, IVR5, issue 14 §7):
the dialogue of :class:`~vaxel.pbx.phone_admin.PhoneAdminMenu` carried out on a call.

Rules kept here:
- ``*95*<nr>#`` and ``*96*<nr>#`` / ``#96*<nr>#`` from an extension answer the call and
  start the dialogue (``person_reach.py`` hands them over). The PIN is voicemail's, so
  the call rides on voicemail's hooks (keys, prompts heard, timer, end: ``voicemail.py``
  passes them on while ``VoicemailSession.admin`` is set).
- What needs the store (the PIN, the rights, switching, saving) is the runtime's
  :class:`PhoneAdminPort`, run on the default executor; its answer comes back on the loop.
- A take is recorded to a file of its own, played back from the prompt library under a
  per-call id (``tenant/<tenant>/phone-take-<call>``), and forgotten (file and audio) when
  the call ends, saved or not.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from vaxel.media.player import Comfort
from vaxel.pbx.feature_codes import MobileCodes, RecordPrompt, SetSwitch
from vaxel.pbx.phone_admin import (
    FAILED,
    GOODBYE,
    RECORDING_BUSY,
    AdminCommand,
    AdminInput,
    AdminStep,
    CarryOut,
    CheckPin,
    Digit,
    Discard,
    Done,
    HangUp,
    PhoneAdminLimits,
    PhoneAdminMenu,
    PinChecked,
    Played,
    PlayTake,
    Recorded,
    SaveTake,
    Say,
    StartRecording,
    SwitchIt,
)

if TYPE_CHECKING:
    from vaxel.media.backend import MediaBackend
    from vaxel.telephony.bridging import Bridging
    from vaxel.telephony.calls import Call

__all__ = ["AdminSession", "PhoneAdminCalls", "PhoneAdminPort"]

log = logging.getLogger(__name__)
_ASKING = frozenset({AdminStep.EXTENSION, AdminStep.PIN, AdminStep.CODE, AdminStep.REVIEW})
"""Steps whose question a key cuts short."""


class PhoneAdminPort(Protocol):
    """What telephony asks of the runtime (blocking calls)."""

    limits: PhoneAdminLimits

    def check(
        self, tenant_id: str, person_id: str, extension: str, pin: str, command: object
    ) -> tuple[str, str] | None:
        """(the person, a refusal prompt or "") when the PIN is right; None when wrong."""
        ...

    def switch(self, tenant_id: str, person_id: str, number: int, on: bool) -> str: ...

    def carry_out(self, tenant_id: str, person_id: str, keyed: str) -> str:
        """A feature code keyed from a mobile, carried out as the person; its answer."""
        ...

    def take_path(self, tenant_id: str, call_id: str) -> str: ...

    def take_audio(self, path: str) -> bytes: ...

    def save_take(self, tenant_id: str, person_id: str, number: int, path: str) -> str: ...

    def begin(self, call_id: str) -> bool: ...

    def end(self, call_id: str, path: str) -> None: ...


@dataclass(slots=True)
class AdminSession:
    menu: PhoneAdminMenu
    person_id: str
    """The phone's person ("" for a phone that is nobody's), then whoever the PIN proved."""
    take: str = ""
    """The file takes are recorded to."""
    recording_since: float = 0.0
    record_after_prompt: bool = False
    record_max_s: float = 0.0
    record_deadline: float | None = None
    began: bool = False

    def next_deadline(self) -> float | None:
        due = [d for d in (self.menu.next_deadline(), self.record_deadline) if d is not None]
        return min(due) if due else None


class PhoneAdminCalls:
    def __init__(
        self,
        media: MediaBackend,
        bridging: Bridging,
        clock: Callable[[], float],
        settle: Callable[[Call], None],
    ) -> None:
        self.media = media
        self.bridging = bridging
        self.clock = clock
        self._settle = settle
        self.port: PhoneAdminPort | None = None
        self.hold_prompt: Callable[[str, bytes], None] = lambda prompt_id, audio: None
        self.forget_prompt: Callable[[str], None] = lambda prompt_id: None

    def start(
        self, call: Call, person_id: str, command: RecordPrompt | SetSwitch | MobileCodes
    ) -> bool:
        """Begin the dialogue on an answered call; False without the runtime's port."""
        from vaxel.telephony.voicemail import VoicemailSession

        if self.port is None or call.caller is None:
            return False
        menu = PhoneAdminMenu(command, own_phone=bool(person_id), limits=self.port.limits)
        call.voicemail = VoicemailSession("", admin=AdminSession(menu, person_id))
        self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        self._run(call, menu.start(self.clock()))
        return True

    # -- hooks (through voicemail's) --------------------------------------------------------

    def digit(self, call: Call, session: AdminSession, digit: str) -> None:
        if session.take and session.record_deadline is not None:
            if digit == "#":
                self._stop(call, session)
            return
        if digit in "0123456789*#" and session.menu.step is not AdminStep.RECORDING:
            if session.menu.step in _ASKING:
                self._stop_prompt(call)  # a key cuts the question short
            self._feed(call, session, Digit(digit))

    def played(self, call: Call, session: AdminSession) -> None:
        if session.record_after_prompt:
            self._start(call, session)
        else:
            self._feed(call, session, Played())

    def timer(self, call: Call, session: AdminSession, now: float) -> None:
        if session.record_deadline is not None and now >= session.record_deadline:
            self._stop(call, session)  # the longest recording allowed
        else:
            self._run(call, session.menu.on_timer(now))

    def left(self, call: Call, session: AdminSession) -> None:
        self.forget_prompt(_take_id(call))
        if session.began and self.port is not None:
            _fire(self.port.end, call.call_id, session.take)

    # -- the dialogue -----------------------------------------------------------------------

    def _feed(self, call: Call, session: AdminSession, event: AdminInput) -> None:
        self._run(call, session.menu.handle(event, self.clock()))

    def _run(self, call: Call, commands: list[AdminCommand]) -> None:
        session = _session(call)
        port = self.port
        if session is None or port is None or call.caller is None:
            return
        tenant = call.tenant_id
        heard: list[str] = []
        for command in commands:
            if isinstance(command, Say):
                heard.extend(command.prompt_ids)
            elif isinstance(command, CheckPin):
                check = functools.partial(
                    port.check,
                    tenant,
                    session.person_id if not command.mailbox_number else "",
                    command.mailbox_number,
                    command.pin,
                    session.menu.command,
                )
                self._off_loop(call, check, self._checked)
            elif isinstance(command, CarryOut):
                work = functools.partial(port.carry_out, tenant, session.person_id, command.keyed)
                self._off_loop(call, work, self._done)
            elif isinstance(command, SwitchIt):
                work = functools.partial(
                    port.switch, tenant, session.person_id, command.number, command.on
                )
                self._off_loop(call, work, self._done)
            elif isinstance(command, StartRecording):
                heard.extend(command.intro)
                session.take = session.take or port.take_path(tenant, call.call_id)
                session.record_after_prompt, session.record_max_s = True, command.max_s
            elif isinstance(command, PlayTake):
                self.forget_prompt(_take_id(call))
                then = functools.partial(self._take_ready, outro=command.outro)
                self._off_loop(call, functools.partial(port.take_audio, session.take), then)
            elif isinstance(command, SaveTake):
                work = functools.partial(
                    port.save_take, tenant, session.person_id, command.number, session.take
                )
                self._off_loop(call, work, self._done)
            elif isinstance(command, Discard):
                pass  # the take's file goes when the call ends
            elif isinstance(command, HangUp):
                self._say(call, heard, then_hangup=True)
                return
        if heard:
            self._say(call, heard)
        self._settle(call)

    def _checked(self, call: Call, found: Any) -> None:
        session = _session(call)
        if session is None:
            return
        if found is None:
            self._feed(call, session, PinChecked(ok=False))
            return
        person, refusal = found
        session.person_id = person
        if not refusal and isinstance(session.menu.command, RecordPrompt):
            assert self.port is not None
            session.began = self.port.begin(call.call_id)  # quick: a counter
            refusal = "" if session.began else RECORDING_BUSY
        self._feed(call, session, PinChecked(ok=True, refusal=refusal))

    def _done(self, call: Call, prompt: Any) -> None:
        session = _session(call)
        if session is not None:
            self._feed(call, session, Done(str(prompt)))

    def _take_ready(self, call: Call, audio: Any, outro: tuple[str, ...] = ()) -> None:
        self.hold_prompt(_take_id(call), bytes(audio))
        self._say(call, [_take_id(call), *outro])
        self._settle(call)

    # -- recording --------------------------------------------------------------------------

    def _start(self, call: Call, session: AdminSession) -> None:
        assert call.caller is not None
        session.record_after_prompt = False
        self.media.start_recording(call.caller.endpoint.endpoint_id, session.take)
        call.voicemail_path = session.take  # the switch stops it when the caller hangs up
        session.recording_since = self.clock()
        session.record_deadline = session.recording_since + session.record_max_s
        self._settle(call)

    def _stop(self, call: Call, session: AdminSession) -> None:
        assert call.caller is not None
        self.media.stop_recording(call.caller.endpoint.endpoint_id)
        call.voicemail_path = ""
        session.record_deadline = None
        self._feed(call, session, Recorded(self.clock() - session.recording_since))

    # -- helpers ----------------------------------------------------------------------------

    def _stop_prompt(self, call: Call) -> None:
        if call.caller is not None and call.playback_id:
            self.media.stop_playback(call.caller.endpoint.endpoint_id)
            call.playback_id = ""

    def _say(self, call: Call, prompts: list[str], *, then_hangup: bool = False) -> None:
        self._stop_prompt(call)
        self.bridging.caller_hears(call, prompts, then_hangup=then_hangup)
        self._settle(call)

    def _off_loop(
        self, call: Call, work: Callable[[], Any], then: Callable[[Call, Any], None]
    ) -> None:
        """Run the blocking ``work`` on the executor; ``then(call, result)`` on the loop."""
        future = asyncio.get_running_loop().run_in_executor(None, work)

        def done(finished: asyncio.Future[Any]) -> None:
            if _session(call) is None or call.ended:
                return
            try:
                result = finished.result()
            except Exception:
                log.exception("phone admin of %s failed", call.call_id)
                self._say(call, [FAILED, GOODBYE], then_hangup=True)
                return
            then(call, result)

        future.add_done_callback(done)


def _session(call: Call) -> AdminSession | None:
    vm = call.voicemail
    return vm.admin if vm is not None else None


def _take_id(call: Call) -> str:
    return f"tenant/{call.tenant_id}/phone-take-{call.call_id}"


def _fire(work: Callable[..., Any], *args: Any) -> None:
    asyncio.get_running_loop().run_in_executor(None, work, *args)
