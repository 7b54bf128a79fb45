"""Call forwarding ("vidarekoppling"): where a call to a person goes instead (PBX5, DIR3).

A person holds at most one :class:`ForwardRule` per :class:`ForwardCondition`:

- ``always`` — every call goes on at once; the phones never ring;
- ``unregistered`` — none of the person's devices is registered (the phone is off);
- ``busy`` — the person's line is busy (telephony's line state, :mod:`vaxel.pbx.line_state`);
- ``no-answer`` — the devices rang ``after_s`` seconds and nobody answered.

:func:`decide` applies them in that order. A destination is an internal number (a short
number the tenant's numbering plan resolves) or an external one; an external destination
goes through the ONE dial policy (:mod:`vaxel.core.dial_policy`) both when it is set and
when a call follows it, so forwarding can never bypass barring (PBX8) — a policy tightened
after the rule was set still holds.

An emergency number (112, 114 14, however written) is never a destination
(``forwarding-emergency``), nor is the person's own number (``forwarding-self``).
Loops are bounded twice: setting a rule that would lead back to the person
through other people's ``always`` rules is refused (:func:`check_no_loop`); and a call
carries the people it has passed (:class:`Hops`) so that conditional rules (A busy → B,
B busy → A) end after :data:`MAX_HOPS` or on the first person met twice.

Pure: no I/O, no clock (a call's ringing time is the caller's business).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from vaxel.core.dial_policy import DialPolicy, is_emergency
from vaxel.core.errors import ConfigError, DomainError

__all__ = [
    "DEFAULT_NO_ANSWER_S",
    "MAX_DESTINATION_DIGITS",
    "MAX_HOPS",
    "MAX_NO_ANSWER_S",
    "MIN_NO_ANSWER_S",
    "Destination",
    "ForwardCondition",
    "ForwardNow",
    "ForwardRule",
    "Forwarding",
    "ForwardingRefused",
    "Hops",
    "RingFirst",
    "check_destination",
    "check_no_loop",
    "decide",
    "forwarding_from_mapping",
    "forwarding_to_mapping",
    "parse_destination",
]

MAX_HOPS = 5
"""How many times one call may be forwarded before it stops where it is."""
MIN_NO_ANSWER_S = 5
MAX_NO_ANSWER_S = 120
DEFAULT_NO_ANSWER_S = 20
"""Seconds of ringing before ``no-answer`` forwarding (about four rings by default)."""
MAX_DESTINATION_DIGITS = 20


class ForwardCondition(StrEnum):
    """When a rule applies; the members' order is the order :func:`decide` tries them."""

    ALWAYS = "always"
    UNREGISTERED = "unregistered"
    BUSY = "busy"
    NO_ANSWER = "no-answer"


class ForwardingRefused(DomainError):
    """A rule that may not be kept: ``code`` is ``forwarding-barred`` (the dial policy's
    reason in ``refusal``), ``forwarding-emergency`` (112, 114 14), ``forwarding-loop``
    or ``forwarding-self``."""

    def __init__(self, code: str, message: str, **params: str) -> None:
        super().__init__(message, code=code, **params)


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a forwarded call goes: ``number`` as the plan knows it (internal) or E.164."""

    number: str
    internal: bool


def parse_destination(text: str) -> str:
    """The digits of a destination as typed (spaces, dashes, brackets dropped; a leading
    ``+`` kept); a ConfigError (rule ``phone-number``) for anything else."""
    stripped = text.strip()
    plus = stripped.startswith("+")
    digits = "".join(c for c in stripped.removeprefix("+") if c not in " -().")
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ConfigError("destination", "phone-number", value=text[:40])
    if len(digits) > MAX_DESTINATION_DIGITS:
        raise ConfigError("destination", "phone-number", value=text[:40])
    return ("+" if plus else "") + digits


@dataclass(frozen=True, slots=True)
class ForwardRule:
    """Forward on ``condition`` to ``destination`` (digits, see :func:`parse_destination`);
    ``after_s`` is the ringing time for ``no-answer`` (ignored otherwise)."""

    condition: ForwardCondition
    destination: str
    after_s: int = DEFAULT_NO_ANSWER_S

    def __post_init__(self) -> None:
        if not isinstance(self.condition, ForwardCondition):
            raise ConfigError("condition", "choice", allowed=", ".join(ForwardCondition))
        if parse_destination(self.destination) != self.destination:
            raise ConfigError("destination", "phone-number", value=self.destination[:40])
        if not MIN_NO_ANSWER_S <= self.after_s <= MAX_NO_ANSWER_S:
            raise ConfigError(
                "after_s",
                "whole-number-range",
                min=MIN_NO_ANSWER_S,
                max=MAX_NO_ANSWER_S,
                value=self.after_s,
            )


@dataclass(frozen=True, slots=True)
class Forwarding:
    """A person's forwarding rules, at most one per condition."""

    rules: tuple[ForwardRule, ...] = ()

    def __post_init__(self) -> None:
        seen = [rule.condition for rule in self.rules]
        if len(set(seen)) != len(seen):
            raise ConfigError("rules", "list-duplicate")

    def rule(self, condition: ForwardCondition) -> ForwardRule | None:
        return next((r for r in self.rules if r.condition is condition), None)

    def with_rule(self, rule: ForwardRule) -> Forwarding:
        """These rules with ``rule`` in place of the one for its condition."""
        kept = tuple(r for r in self.rules if r.condition is not rule.condition)
        return Forwarding(_ordered((*kept, rule)))

    def without(self, condition: ForwardCondition | None = None) -> Forwarding:
        """These rules without the one for ``condition`` (all of them for None)."""
        if condition is None:
            return Forwarding()
        return Forwarding(tuple(r for r in self.rules if r.condition is not condition))

    @property
    def forwarded_to(self) -> str | None:
        """Where every call goes now (the ``always`` rule), for the directory's status."""
        rule = self.rule(ForwardCondition.ALWAYS)
        return rule.destination if rule else None


def _ordered(rules: Iterable[ForwardRule]) -> tuple[ForwardRule, ...]:
    order = {condition: rank for rank, condition in enumerate(ForwardCondition)}
    return tuple(sorted(rules, key=lambda r: order[r.condition]))


def check_destination(
    number: str, is_internal: Callable[[str], bool], policy: DialPolicy
) -> Destination:
    """``number`` as a destination: internal when the plan knows it, else external through
    the dial policy. Raises ForwardingRefused (``forwarding-barred``) for a refused number,
    whatever the reason (premium rate, abroad, satellite, garbage), and
    ``forwarding-emergency`` for 112 and 114 14 however written: the dial policy always
    lets a person dial them, but a call forwarded there would reach the emergency
    centre with a caller who never meant to call it (and tie up its lines)."""
    digits = parse_destination(number)
    if is_emergency(digits):
        raise ForwardingRefused(
            "forwarding-emergency", f"forwarding to {digits} is refused", number=digits
        )
    if is_internal(digits):
        return Destination(digits, internal=True)
    decision = policy.decide(digits)
    if decision.refusal is not None:
        raise ForwardingRefused(
            "forwarding-barred",
            f"forwarding to {digits} is refused: {decision.refusal.value}",
            number=digits,
            refusal=decision.refusal.value,
        )
    return Destination(decision.number, internal=False)


def check_no_loop(
    own_number: str,
    destination: str,
    forwarded_always: Callable[[str], str | None],
) -> None:
    """Refuse an ``always`` rule from ``own_number`` to ``destination`` that would come back:
    to itself, or through other people's ``always`` rules (``forwarded_always(number)``
    gives where a number forwards every call, None when it does not)."""
    if destination == own_number:
        raise ForwardingRefused("forwarding-self", "a number cannot forward to itself")
    seen = {own_number}
    current: str | None = destination
    for _ in range(MAX_HOPS * 4):
        if current is None:
            return
        if current in seen:
            raise ForwardingRefused(
                "forwarding-loop",
                f"forwarding {own_number} to {destination} would loop back",
                number=destination,
            )
        seen.add(current)
        current = forwarded_always(current)
    raise ForwardingRefused("forwarding-loop", "the forwarding chain is too long")


@dataclass(frozen=True, slots=True)
class Hops:
    """The numbers a call has been forwarded from, in order (carried on the call)."""

    passed: tuple[str, ...] = ()
    earlier: int = 0
    """Forwardings before the call reached us (a Diversion counter, RFC 5806): they count
    towards :data:`MAX_HOPS`, so a loop through the public network ends too."""

    @property
    def count(self) -> int:
        """Every forwarding of the call so far, here and before."""
        return len(self.passed) + self.earlier

    def may_forward(self, from_number: str, to_number: str) -> bool:
        """False when the call has been forwarded :data:`MAX_HOPS` times, or ``to_number``
        (or ``from_number`` again) was passed already: the call stays where it is."""
        if self.count >= MAX_HOPS:
            return False
        return to_number not in self.passed and to_number != from_number

    def then(self, from_number: str) -> Hops:
        return Hops((*self.passed, from_number), self.earlier)


@dataclass(frozen=True, slots=True)
class ForwardNow:
    """Forward at once, to ``destination``, because of ``condition``."""

    destination: str
    condition: ForwardCondition


@dataclass(frozen=True, slots=True)
class RingFirst:
    """Ring the person's devices; if no one answers within ``no_answer_s`` (None: no
    ``no-answer`` rule), forward to ``no_answer_to``."""

    no_answer_s: int | None = None
    no_answer_to: str | None = None
    busy_to: str | None = field(default=None)
    """Where to go if the line turns out busy while ringing (a device answers 486)."""


def decide(
    forwarding: Forwarding | None,
    *,
    registered: bool,
    busy: bool,
) -> ForwardNow | RingFirst:
    """What a call to a person does first (PBX5): forward now, or ring and maybe later.

    ``registered``: any of the person's devices can ring; ``busy``: their line is busy now.
    A person with no registered device and no ``unregistered`` rule still "rings" (nothing
    rings; the caller's side treats it as no answer at once).
    """
    rules = forwarding or Forwarding()
    always = rules.rule(ForwardCondition.ALWAYS)
    if always is not None:
        return ForwardNow(always.destination, ForwardCondition.ALWAYS)
    unregistered = rules.rule(ForwardCondition.UNREGISTERED)
    if not registered and unregistered is not None:
        return ForwardNow(unregistered.destination, ForwardCondition.UNREGISTERED)
    on_busy = rules.rule(ForwardCondition.BUSY)
    if busy and on_busy is not None:
        return ForwardNow(on_busy.destination, ForwardCondition.BUSY)
    no_answer = rules.rule(ForwardCondition.NO_ANSWER)
    return RingFirst(
        no_answer_s=no_answer.after_s if no_answer else None,
        no_answer_to=no_answer.destination if no_answer else None,
        busy_to=on_busy.destination if on_busy else None,
    )


def forwarding_from_mapping(data: Mapping[str, object]) -> Forwarding:
    """A person's rules from their stored/JSON form ``{"rules": [{"condition", "destination",
    "after_s"}]}``; each error names the rule's index."""
    raw = data.get("rules", [])
    if not isinstance(raw, list):
        raise ConfigError("rules", "list")
    if len(raw) > len(ForwardCondition):
        raise ConfigError("rules", "at-most", max=len(ForwardCondition))
    rules = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise ConfigError(f"rules[{index}]", "mapping")
        try:
            condition = ForwardCondition(str(item.get("condition", "")))
        except ValueError:
            raise ConfigError(
                f"rules[{index}].condition", "choice", allowed=", ".join(ForwardCondition)
            ) from None
        after = item.get("after_s", DEFAULT_NO_ANSWER_S)
        if not isinstance(after, int) or isinstance(after, bool):
            raise ConfigError(f"rules[{index}].after_s", "whole-number", value=after)
        try:
            destination = parse_destination(str(item.get("destination", "")))
            rules.append(ForwardRule(condition, destination, after))
        except ConfigError as error:
            raise error.within(f"rules[{index}]") from None
    return Forwarding(_ordered(rules))


def forwarding_to_mapping(forwarding: Forwarding) -> dict[str, object]:
    return {
        "rules": [
            {"condition": r.condition.value, "destination": r.destination, "after_s": r.after_s}
            for r in forwarding.rules
        ]
    }
