"""Keying a mailbox number and a PIN on a phone: the step the voicemail menu (PBX4) and the
dialogue of recording and switching by phone (IVR4, IVR5) both begin with, kept once so the
two cannot drift apart in what they accept. The keys in (:class:`Digit`) and what is said
(:class:`Say`) are every phone menu's, the conference room's way in (PBX6) too.

Rules (the steps are :class:`PinStep`):
- Digits count until ``#``; at most :data:`MAX_KEYED` are kept (the rest is ignored), and
  ``*`` is ignored, so a caller cannot grow the state by holding a key down.
- Where the phone proves nobody, the mailbox number comes first, then the PIN; where it does
  prove a person (their own phone), the PIN alone is asked.
- ``#`` after the PIN gives :class:`CheckPin` for the adapter to check off the event loop
  (argon2 is slow on purpose); wrong PINs across calls are the runtime's pin guard's.
- A wrong PIN starts over at the first question; after ``pin_attempts`` wrong ones the
  caller has had their tries and the menu ends the call.
The menus keep their own states, prompts and deadlines: this only holds what was keyed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["MAX_KEYED", "CheckPin", "Digit", "HangUp", "PinEntry", "PinStep", "Say"]

MAX_KEYED = 16
"""Digits kept of a mailbox number or PIN (the rest is ignored)."""


class PinStep(StrEnum):
    NUMBER = "number"
    PIN = "pin"


@dataclass(frozen=True, slots=True)
class Digit:
    """A key the caller pressed (RFC 4733 or SIP INFO: the adapter's business)."""

    digit: str


@dataclass(frozen=True, slots=True)
class Say:
    """Play these prompts in order; a new one cuts short what still plays."""

    prompt_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckPin:
    """Check ``pin`` against the mailbox ``mailbox_number`` ("" : the phone's own person's)."""

    mailbox_number: str
    pin: str


@dataclass(frozen=True, slots=True)
class HangUp:
    """End the call (after what was said before it)."""


class PinEntry:
    """What one caller has keyed; ``number_first``: the phone proves nobody."""

    def __init__(self, *, number_first: bool, pin_attempts: int) -> None:
        self.first = PinStep.NUMBER if number_first else PinStep.PIN
        self.step = self.first
        self.pin_attempts = pin_attempts
        self._keyed = ""
        self._number = ""
        self._wrong = 0

    def key(self, digit: str) -> PinStep | CheckPin | None:
        """One key: None while keying; :attr:`PinStep.PIN` when the number is in (ask for the
        PIN); :class:`CheckPin` when the PIN is in."""
        if digit != "#":
            if digit.isdigit() and len(self._keyed) < MAX_KEYED:
                self._keyed += digit
            return None
        keyed, self._keyed = self._keyed, ""
        if self.step is PinStep.NUMBER:
            self._number, self.step = keyed, PinStep.PIN
            return PinStep.PIN
        return CheckPin(self._number, keyed)

    def wrong(self) -> bool:
        """Count a wrong PIN and start over at the first question; True when it was the last
        try the caller had."""
        self._wrong += 1
        self.step, self._keyed = self.first, ""
        return self._wrong >= self.pin_attempts
