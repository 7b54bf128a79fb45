"""The voicemail's phone menu (PBX4) as a state machine: PIN entry, listen (play, repeat,
delete, next) and greetings recorded by phone, driven by DTMF.

Rules (the states are :class:`MenuState`; an input a state does not take raises
:class:`~vaxel.core.errors.IllegalTransition`):
- From the person's own extension the menu opens at once (the phone authenticated with its
  SIP digest). From elsewhere the caller keys the mailbox number and ``#``, then the PIN and
  ``#``; the adapter checks both (argon2, off the event loop: :class:`CheckPin`) and answers
  :class:`PinChecked`. After ``pin_attempts`` wrong tries the call ends.
- The menu says how many new and saved messages there are, then: 1 listen, 2 record the
  personal greeting, 3 record the presence greeting, 4 record one's name (said to a caller
  who reaches one absent, in place of the extension), ``*`` end. New messages play first,
  oldest first; each is announced with its caller's number and marked heard once played.
  After a message: 1 again, 7 delete, 9 (or ``#``) next, ``*`` back to the menu.
- A greeting is recorded after the tone until ``#`` (or ``max_greeting_s``), played back, then
  1 saves it, 2 records again, ``*`` keeps the old one.
- Nothing keyed for ``idle_s``: the prompt is said once more, then goodbye. A key pressed while
  a prompt plays cuts it short (the adapter stops playback on every new :class:`Say`).
Sans-I/O: ``now`` comes in, commands come out; ``next_deadline()`` says when to call
:meth:`VoicemailMenu.on_timer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vaxel.core.errors import IllegalTransition
from vaxel.pbx.pin_entry import CheckPin, Digit, HangUp, PinEntry, PinStep, Say
from vaxel.pbx.voicemail import GreetingKind, Message, VoicemailLimits
from vaxel.pbx.voicemail_prompts import Phrase, count_of_messages, from_caller, phrase

__all__ = [
    "CheckPin",
    "DeleteMessage",
    "Digit",
    "HangUp",
    "MarkHeard",
    "MenuCommand",
    "MenuInput",
    "MenuState",
    "PinChecked",
    "PlayGreetingDraft",
    "PlayMessage",
    "PlaybackDone",
    "RecordGreeting",
    "RecordingDone",
    "SaveGreeting",
    "Say",
    "VoicemailMenu",
]


class MenuState(StrEnum):
    MAILBOX = "mailbox"
    PIN = "pin"
    CHECKING = "checking"
    MAIN = "main"
    PLAYING = "playing"
    AFTER_MESSAGE = "after-message"
    RECORDING = "recording"
    REVIEW = "review"
    ENDED = "ended"


# inputs (Digit is the PIN entry's: vaxel.pbx.pin_entry)
@dataclass(frozen=True, slots=True)
class PinChecked:
    """The adapter's answer to :class:`CheckPin`: the mailbox's messages when it was right."""

    ok: bool
    messages: tuple[Message, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaybackDone:
    pass


@dataclass(frozen=True, slots=True)
class RecordingDone:
    duration_s: float


MenuInput = Digit | PinChecked | PlaybackDone | RecordingDone


# commands (Say, CheckPin and HangUp are the PIN entry's: vaxel.pbx.pin_entry)
@dataclass(frozen=True, slots=True)
class PlayMessage:
    message_id: str
    intro: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MarkHeard:
    message_id: str


@dataclass(frozen=True, slots=True)
class DeleteMessage:
    message_id: str


@dataclass(frozen=True, slots=True)
class RecordGreeting:
    kind: GreetingKind
    max_s: float
    intro: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlayGreetingDraft:
    kind: GreetingKind
    outro: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SaveGreeting:
    kind: GreetingKind


MenuCommand = (
    Say
    | CheckPin
    | PlayMessage
    | MarkHeard
    | DeleteMessage
    | RecordGreeting
    | PlayGreetingDraft
    | SaveGreeting
    | HangUp
)


class VoicemailMenu:
    """One caller's session in the menu; start with :meth:`start`."""

    def __init__(
        self,
        language: str = "sv",
        limits: VoicemailLimits | None = None,
        idle_s: float = 10.0,
    ) -> None:
        self.language = language
        self.limits = limits or VoicemailLimits()
        self.idle_s = idle_s
        self.state = MenuState.MAILBOX
        self.messages: list[Message] = []
        self.current = 0
        self.greeting_kind = GreetingKind.PERSONAL
        self._pin = PinEntry(number_first=True, pin_attempts=self.limits.pin_attempts)
        self._deadline: float | None = None
        self._reminded = False
        self._last_prompt: tuple[str, ...] = ()

    # -- entry points
    def start(self, now: float, *, own_messages: tuple[Message, ...] | None) -> list[MenuCommand]:
        """Begin; ``own_messages`` given: the caller is the mailbox's own extension."""
        if own_messages is not None:
            return self._open(now, own_messages)
        return self._ask(now, MenuState.MAILBOX, (self._p(Phrase.ENTER_MAILBOX),))

    def handle(self, event: MenuInput, now: float) -> list[MenuCommand]:
        state = self.state
        if isinstance(event, Digit) and state in _DIGIT_STATES:
            self._reminded = False
            return _DIGIT_STATES[state](self, event.digit, now)
        if isinstance(event, PinChecked) and state is MenuState.CHECKING:
            return self._pin_checked(event, now)
        if isinstance(event, PlaybackDone):
            return self._playback_done(now)
        if isinstance(event, RecordingDone) and state is MenuState.RECORDING:
            return self._review(now)
        if isinstance(event, Digit | RecordingDone) and state is MenuState.ENDED:
            return []
        raise IllegalTransition("voicemail-menu", state.value, type(event).__name__)

    def next_deadline(self) -> float | None:
        return self._deadline

    def on_timer(self, now: float) -> list[MenuCommand]:
        """Nobody keyed anything: remind once, then say goodbye."""
        if self._deadline is None or now < self._deadline:
            return []
        if self.state is MenuState.RECORDING:
            self._deadline = None
            return []
        if not self._reminded and self._last_prompt:
            self._reminded = True
            self._deadline = now + self.idle_s
            return [Say(self._last_prompt)]
        return self._end()

    # -- helpers
    def _p(self, item: Phrase) -> str:
        return phrase(item, self.language)

    def _ask(self, now: float, state: MenuState, prompts: tuple[str, ...]) -> list[MenuCommand]:
        self.state = state
        self._last_prompt = prompts
        self._deadline = now + self.idle_s
        return [Say(prompts)]

    def _end(self) -> list[MenuCommand]:
        self.state = MenuState.ENDED
        self._deadline = None
        return [Say((self._p(Phrase.GOODBYE),)), HangUp()]

    def _open(self, now: float, messages: tuple[Message, ...]) -> list[MenuCommand]:
        # new messages first, each group oldest first
        self.messages = sorted(messages, key=lambda m: (m.heard, m.received_at))
        return self._main(now, announce=True)

    def _main(self, now: float, *, announce: bool = False) -> list[MenuCommand]:
        prompts: tuple[str, ...] = ()
        if announce:
            new = sum(1 for m in self.messages if not m.heard)
            prompts = count_of_messages(new, len(self.messages) - new, self.language)
        return self._ask(now, MenuState.MAIN, (*prompts, self._p(Phrase.MAIN_MENU)))

    # -- PIN entry
    def _keying(self, digit: str, now: float) -> list[MenuCommand]:
        keyed = self._pin.key(digit)
        if isinstance(keyed, CheckPin):
            self.state, self._deadline = MenuState.CHECKING, None
            return [keyed]
        if keyed is PinStep.PIN:
            return self._ask(now, MenuState.PIN, (self._p(Phrase.ENTER_PIN),))
        self._deadline = now + self.idle_s
        return []

    def _pin_checked(self, event: PinChecked, now: float) -> list[MenuCommand]:
        if event.ok:
            return self._open(now, event.messages)
        if self._pin.wrong():
            return [Say((self._p(Phrase.WRONG_PIN),)), *self._end()]
        return self._ask(
            now, MenuState.MAILBOX, (self._p(Phrase.WRONG_PIN), self._p(Phrase.ENTER_MAILBOX))
        )

    # -- the menu
    def _main_digit(self, digit: str, now: float) -> list[MenuCommand]:
        if digit == "1":
            self.current = 0
            return self._play(now)
        if digit in _RECORDED:
            self.greeting_kind = _RECORDED[digit]
            return self._record(now)
        if digit == "*":
            return self._end()
        return [Say((self._p(Phrase.INVALID_CHOICE), self._p(Phrase.MAIN_MENU)))]

    def _play(self, now: float) -> list[MenuCommand]:
        if self.current >= len(self.messages):
            prompts = (self._p(Phrase.NO_MORE),) if self.messages else ()
            return [Say(prompts)] * bool(prompts) + self._main(now, announce=not self.messages)
        message = self.messages[self.current]
        self.state = MenuState.PLAYING
        self._deadline = None
        commands: list[MenuCommand] = [
            PlayMessage(message.message_id, from_caller(message.caller, self.language))
        ]
        if not message.heard:
            commands.append(MarkHeard(message.message_id))
        return commands

    def _playback_done(self, now: float) -> list[MenuCommand]:
        if self.state is MenuState.PLAYING:
            return self._ask(now, MenuState.AFTER_MESSAGE, (self._p(Phrase.AFTER_MESSAGE),))
        return []  # a prompt ended: the state's own deadline already runs

    def _after_digit(self, digit: str, now: float) -> list[MenuCommand]:
        if digit == "1":
            return self._play(now)
        if digit == "7":
            gone = self.messages.pop(self.current)
            return [
                DeleteMessage(gone.message_id),
                Say((self._p(Phrase.DELETED),)),
                *self._play(now),
            ]
        if digit in ("9", "#"):
            self.current += 1
            return self._play(now)
        if digit == "*":
            return self._main(now)
        return [Say((self._p(Phrase.INVALID_CHOICE), self._p(Phrase.AFTER_MESSAGE)))]

    # -- greetings
    def _record(self, now: float) -> list[MenuCommand]:
        self.state = MenuState.RECORDING
        self._deadline = now + self.limits.max_greeting_s + 1.0
        asked = (
            Phrase.RECORD_NAME
            if self.greeting_kind is GreetingKind.NAME
            else Phrase.RECORD_GREETING
        )
        intro = (self._p(asked), self._p(Phrase.TONE))
        return [RecordGreeting(self.greeting_kind, self.limits.max_greeting_s, intro)]

    def _ignored_digit(self, digit: str, now: float) -> list[MenuCommand]:
        return []  # recording: the adapter ends it on '#' and answers RecordingDone

    def _review(self, now: float) -> list[MenuCommand]:
        self.state = MenuState.REVIEW
        self._last_prompt = (self._p(Phrase.GREETING_REVIEW),)
        self._deadline = now + self.idle_s
        return [PlayGreetingDraft(self.greeting_kind, self._last_prompt)]

    def _review_digit(self, digit: str, now: float) -> list[MenuCommand]:
        if digit == "1":
            return [
                SaveGreeting(self.greeting_kind),
                *self._ask(
                    now, MenuState.MAIN, (self._p(Phrase.GREETING_SAVED), self._p(Phrase.MAIN_MENU))
                ),
            ]
        if digit == "2":
            return self._record(now)
        if digit == "*":
            return self._main(now)
        return [Say((self._p(Phrase.INVALID_CHOICE), self._p(Phrase.GREETING_REVIEW)))]


_RECORDED = {"2": GreetingKind.PERSONAL, "3": GreetingKind.PRESENCE, "4": GreetingKind.NAME}
"""The main menu's keys that record: what each records."""

_DIGIT_STATES = {
    MenuState.MAILBOX: VoicemailMenu._keying,
    MenuState.PIN: VoicemailMenu._keying,
    MenuState.MAIN: VoicemailMenu._main_digit,
    MenuState.PLAYING: VoicemailMenu._after_digit,
    MenuState.AFTER_MESSAGE: VoicemailMenu._after_digit,
    MenuState.CHECKING: VoicemailMenu._ignored_digit,
    MenuState.RECORDING: VoicemailMenu._ignored_digit,
    MenuState.REVIEW: VoicemailMenu._review_digit,
}
