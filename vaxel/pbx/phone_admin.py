"""Recording a prompt and switching a lavinbesked from a phone (IVR4, IVR5, issue 14 §7):
the dialogue after ``*95*<nr>#`` or ``*96*<nr>#`` / ``#96*<nr>#``, as a state machine.

Rules (an input a state does not take raises :class:`~vaxel.core.errors.IllegalTransition`):
- Who dials is proven by a PIN — their voicemail PIN, the one PIN staff have. From a phone
  that is someone's the PIN alone is asked; from any other phone first the extension
  (whose mailbox's PIN it is), then the PIN. The adapter checks it off the loop
  (:class:`CheckPin`; wrong PINs are counted across calls by the runtime's pin guard) and
  answers :class:`PinChecked` with a refusal when the person may not (only admins may), the
  number is no switch or prompt, or too many record at once. After ``pin_attempts`` wrong
  PINs the call ends.
- A switch is switched at once (:class:`SwitchIt`); the adapter answers :class:`Done` with
  the confirmation ("Meddelandet är påslaget."), heard before the call ends.
- A prompt is recorded after the tone until ``#`` or ``max_record_s``; shorter than
  ``min_record_s`` is said so and recorded again (at most ``max_takes`` times). The take is
  played back, then 1 saves it (the old recording is kept for undo), 2 records again, 3
  plays it again, ``*`` discards it.
- The feature-code number from a person's mobile (:class:`MobileCodes`, PBX1, PBX9): the
  PIN proves the mobile's person (anyone, not only admins), then "Slå koden …" and the
  keys up to the ``#`` that ends a code (:func:`code_complete`) are carried out as them
  (:class:`CarryOut`); the adapter answers :class:`Done` with what the code answers.
- Nothing keyed for ``idle_s``: the question once more, then goodbye.
Sans-I/O: ``now`` comes in, commands come out; ``next_deadline()`` says when to call
:meth:`PhoneAdminMenu.on_timer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vaxel.core.errors import IllegalTransition
from vaxel.pbx.feature_codes import (
    MAX_CODE_LENGTH,
    MobileCodes,
    RecordPrompt,
    SetSwitch,
    code_complete,
)
from vaxel.pbx.pin_entry import CheckPin, Digit, HangUp, PinEntry, PinStep, Say

__all__ = [
    "AdminCommand",
    "AdminInput",
    "AdminStep",
    "CarryOut",
    "CheckPin",
    "Digit",
    "Discard",
    "Done",
    "HangUp",
    "PhoneAdminLimits",
    "PhoneAdminMenu",
    "PinChecked",
    "PlayTake",
    "Played",
    "Recorded",
    "SaveTake",
    "Say",
    "StartRecording",
    "SwitchIt",
]

ENTER_EXTENSION = "sv/pbx/enter-extension"
ENTER_PIN = "sv/pbx/enter-pin"
ENTER_CODE = "sv/pbx/enter-code"
UNKNOWN_CODE = "sv/pbx/unknown-code"
NOT_A_MOBILE = "sv/pbx/not-a-mobile"
"""The feature-code number called from a number that is no one's mobile device."""
WRONG_PIN = "sv/pbx/wrong-pin"
RECORD = "sv/pbx/record-prompt"
TONE = "sv/voicemail/ton"
REVIEW = "sv/pbx/record-review"
TOO_SHORT = "sv/pbx/recording-too-short"
DISCARDED = "sv/pbx/recording-discarded"
INVALID = "sv/voicemail/ogiltigt-val"
GOODBYE = "sv/voicemail/hej-da"
RECORDING_BUSY = "sv/pbx/recording-busy"
"""Too many recordings by phone on the node right now (telephony refuses the take)."""
FAILED = "sv/pbx/failed"
"""What could not be done (telephony's side failed); feature codes are Swedish only."""


@dataclass(frozen=True, slots=True)
class PhoneAdminLimits:
    pin_attempts: int = 3
    max_record_s: float = 120.0
    min_record_s: float = 1.0
    max_takes: int = 5
    idle_s: float = 10.0
    max_recordings: int = 4
    """Recordings by phone at once on the node (each holds a media leg and a file)."""


class AdminStep(StrEnum):
    EXTENSION = "extension"
    PIN = "pin"
    CHECKING = "checking"
    CODE = "code"
    """A mobile's caller keys the feature code (after the PIN)."""
    WORKING = "working"
    RECORDING = "recording"
    REVIEW = "review"
    ENDED = "ended"


# inputs (Digit is the PIN entry's: vaxel.pbx.pin_entry)
@dataclass(frozen=True, slots=True)
class PinChecked:
    """``ok``: the PIN opened the extension's mailbox; ``refusal``: why the person still may
    not (a prompt id; "" when they may)."""

    ok: bool
    refusal: str = ""


@dataclass(frozen=True, slots=True)
class Recorded:
    duration_s: float


@dataclass(frozen=True, slots=True)
class Played:
    """The prompt (or the take) the caller heard has ended."""


@dataclass(frozen=True, slots=True)
class Done:
    """A switch switched or a take saved: what to say before goodbye."""

    prompt: str


AdminInput = Digit | PinChecked | Recorded | Played | Done


# commands (Say, CheckPin and HangUp are the PIN entry's: vaxel.pbx.pin_entry)
@dataclass(frozen=True, slots=True)
class SwitchIt:
    number: int
    on: bool


@dataclass(frozen=True, slots=True)
class StartRecording:
    max_s: float
    intro: tuple[str, ...]
    """Heard first; the recording starts when it has ended."""


@dataclass(frozen=True, slots=True)
class PlayTake:
    outro: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SaveTake:
    number: int


@dataclass(frozen=True, slots=True)
class Discard:
    pass


@dataclass(frozen=True, slots=True)
class CarryOut:
    """Carry out the feature code ``keyed`` as the person the PIN proved."""

    keyed: str


AdminCommand = (
    Say | CheckPin | SwitchIt | StartRecording | PlayTake | SaveTake | Discard | HangUp | CarryOut
)


class PhoneAdminMenu:
    """One caller's dialogue for ``command``; ``own_phone``: the phone is a person's."""

    def __init__(
        self,
        command: RecordPrompt | SetSwitch | MobileCodes,
        *,
        own_phone: bool,
        limits: PhoneAdminLimits | None = None,
    ) -> None:
        self.command = command
        self.own_phone = own_phone
        self.limits = limits or PhoneAdminLimits()
        self.step = AdminStep.PIN if own_phone else AdminStep.EXTENSION
        self._pin = PinEntry(number_first=not own_phone, pin_attempts=self.limits.pin_attempts)
        self._takes = 0
        self._deadline: float | None = None
        self._reminded = False
        self._question: tuple[str, ...] = ()
        self._code = ""

    def start(self, now: float) -> list[AdminCommand]:
        first = ENTER_PIN if self.own_phone else ENTER_EXTENSION
        return self._ask(now, self.step, (first,))

    def next_deadline(self) -> float | None:
        return self._deadline

    def handle(self, event: AdminInput, now: float) -> list[AdminCommand]:
        step = self.step
        if step is AdminStep.ENDED or isinstance(event, Played):
            return []  # a prompt ended: the step's own deadline already runs
        if isinstance(event, Digit):
            self._reminded = False
            if step in (AdminStep.EXTENSION, AdminStep.PIN):
                return self._keying(event.digit, now)
            if step is AdminStep.CODE:
                return self._coding(event.digit, now)
            if step is AdminStep.REVIEW:
                return self._review(event.digit, now)
            return []  # checking, working, recording: the adapter ends a recording on '#'
        if isinstance(event, PinChecked) and step is AdminStep.CHECKING:
            return self._checked(event, now)
        if isinstance(event, Recorded) and step is AdminStep.RECORDING:
            return self._recorded(event, now)
        if isinstance(event, Done) and step is AdminStep.WORKING:
            return self._end((event.prompt,))
        raise IllegalTransition("phone-admin", step.value, type(event).__name__)

    def on_timer(self, now: float) -> list[AdminCommand]:
        """Nobody keyed anything: the question once more, then goodbye."""
        if self._deadline is None or now < self._deadline:
            return []
        if self.step in (AdminStep.RECORDING, AdminStep.CHECKING, AdminStep.WORKING):
            self._deadline = None  # the adapter answers (a recording ends at its maximum)
            return []
        if not self._reminded and self._question:
            self._reminded = True
            self._deadline = now + self.limits.idle_s
            return [Say(self._question)]
        return self._end(())

    # -- helpers
    def _ask(self, now: float, step: AdminStep, prompts: tuple[str, ...]) -> list[AdminCommand]:
        self.step = step
        self._question = prompts
        self._deadline = now + self.limits.idle_s
        return [Say(prompts)]

    def _end(self, prompts: tuple[str, ...]) -> list[AdminCommand]:
        self.step = AdminStep.ENDED
        self._deadline = None
        return [Say((*prompts, GOODBYE)), HangUp()]

    def _keying(self, digit: str, now: float) -> list[AdminCommand]:
        keyed = self._pin.key(digit)
        if isinstance(keyed, CheckPin):
            self.step, self._deadline = AdminStep.CHECKING, None
            return [keyed]
        if keyed is PinStep.PIN:
            return self._ask(now, AdminStep.PIN, (ENTER_PIN,))
        self._deadline = now + self.limits.idle_s
        return []

    def _checked(self, event: PinChecked, now: float) -> list[AdminCommand]:
        if not event.ok:
            if self._pin.wrong():
                return self._end((WRONG_PIN,))
            first = ENTER_PIN if self.own_phone else ENTER_EXTENSION
            step = AdminStep.PIN if self.own_phone else AdminStep.EXTENSION
            return self._ask(now, step, (WRONG_PIN, first))
        if event.refusal:
            return self._end((event.refusal,))
        command = self.command
        if isinstance(command, MobileCodes):
            return self._ask(now, AdminStep.CODE, (ENTER_CODE,))
        if isinstance(command, SetSwitch):
            self.step = AdminStep.WORKING
            return [SwitchIt(command.slot, command.on)]
        return self._record(now)

    def _coding(self, digit: str, now: float) -> list[AdminCommand]:
        self._code += digit
        if len(self._code) > MAX_CODE_LENGTH:
            return self._end((UNKNOWN_CODE,))
        if code_complete(self._code):
            self.step, self._deadline = AdminStep.WORKING, None
            return [CarryOut(self._code)]
        self._deadline = now + self.limits.idle_s
        return []

    def _record(self, now: float) -> list[AdminCommand]:
        self.step = AdminStep.RECORDING
        self._takes += 1
        self._deadline = now + self.limits.max_record_s + self.limits.idle_s
        return [StartRecording(self.limits.max_record_s, (RECORD, TONE))]

    def _recorded(self, event: Recorded, now: float) -> list[AdminCommand]:
        if event.duration_s < self.limits.min_record_s:
            if self._takes >= self.limits.max_takes:
                return [Discard(), *self._end((TOO_SHORT,))]
            return [Say((TOO_SHORT,)), *self._record(now)]
        self.step = AdminStep.REVIEW
        self._question = (REVIEW,)
        self._deadline = now + self.limits.idle_s + self.limits.max_record_s
        return [PlayTake((REVIEW,))]

    def _review(self, digit: str, now: float) -> list[AdminCommand]:
        assert isinstance(self.command, RecordPrompt)
        if digit == "1":
            self.step, self._deadline = AdminStep.WORKING, None
            return [SaveTake(self.command.slot)]
        if digit == "2":
            if self._takes >= self.limits.max_takes:
                return [Discard(), *self._end((DISCARDED,))]
            return self._record(now)
        if digit == "3":
            self._deadline = now + self.limits.idle_s + self.limits.max_record_s
            return [PlayTake((REVIEW,))]
        if digit == "*":
            return [Discard(), *self._end((DISCARDED,))]
        return [Say((INVALID, REVIEW))]
