"""IVR call flows as data (IVR1–IVR4, IVR7, Q3, Q4, Q9, Q12, Q13, CB1–CB6).

A flow is a set of named nodes loaded from plain data (JSON/YAML) by
:func:`vaxel.flow.loading.flow_from_dict`, which checks everything before anything is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "Announcement",
    "Collect",
    "Flow",
    "Hangup",
    "Menu",
    "Node",
    "Play",
    "Prompt",
    "QueueCallback",
    "QueueDataEntry",
    "QueueNode",
    "ScheduleBranch",
    "SwitchBranch",
    "Transfer",
    "Voicemail",
]

DIGITS = "0123456789*#"


@dataclass(frozen=True, slots=True)
class Prompt:
    """One prompt file; ``interruptible`` False means key presses don't cut it (IVR2)."""

    prompt_id: str
    interruptible: bool = True


@dataclass(frozen=True, slots=True)
class Play:
    prompts: tuple[Prompt, ...]
    next: str


@dataclass(frozen=True, slots=True)
class Announcement:
    """Lavinbesked (IVR4): played only while ``switch`` is on, e.g. during an outage."""

    switch: str
    prompts: tuple[Prompt, ...]
    next: str


@dataclass(frozen=True, slots=True)
class Menu:
    """DTMF menu (IVR1): options key → node, repeated on no/invalid input, then
    ``no_input`` (or hang up). The flow's operator key works here too."""

    prompts: tuple[Prompt, ...]
    options: Mapping[str, str]
    repeat: int = 2
    timeout_s: float = 6.0
    invalid: tuple[Prompt, ...] = ()
    no_input: str = ""


@dataclass(frozen=True, slots=True)
class Collect:
    """Digits without '#' (IVR3): a fixed ``length``, or up to ``max_length`` ended by
    ``inter_digit_timeout_s``. Stored into caller data under ``into`` (Q13)."""

    prompts: tuple[Prompt, ...]
    into: str
    next: str
    length: int = 0
    max_length: int = 20
    first_digit_timeout_s: float = 8.0
    inter_digit_timeout_s: float = 3.0
    validate: str = ""
    """"" or "personnummer" (10 or 12 digits with a valid Luhn check digit)."""
    invalid: tuple[Prompt, ...] = ()
    retries: int = 2
    fail: str = ""


@dataclass(frozen=True, slots=True)
class ScheduleBranch:
    """Open/closed by a named schedule (Q3, IVR4 date/time-controlled changes)."""

    schedule: str
    open: str
    closed: str


@dataclass(frozen=True, slots=True)
class SwitchBranch:
    """Night service (OP6, spec §71): ``on`` while the switch is on (switched by the operator
    with one key, or scheduled), else ``off``. The same switches as lavinbesked (IVR4), so a
    phone's ``*96*<nr>#``, the admin page and the console all work it."""

    switch: str
    on: str
    off: str


@dataclass(frozen=True, slots=True)
class QueueDataEntry:
    """Q13: while queued, ``key`` lets the caller key data (e.g. kundnummer)."""

    key: str
    into: str
    prompts: tuple[Prompt, ...]
    length: int = 0
    max_length: int = 12
    validate: str = ""
    thanks: tuple[Prompt, ...] = ()


@dataclass(frozen=True, slots=True)
class QueueCallback:
    """CB1–CB6: offer a callback while queued (press ``key``), or force it."""

    key: str = "1"
    forced: bool = False


@dataclass(frozen=True, slots=True)
class QueueNode:
    """Queue with announcements (Q4, Q5, Q8, Q9, Q10, Q12)."""

    queue: str
    welcome: tuple[Prompt, ...] = ()
    first_message: tuple[Prompt, ...] = ()
    repeated_messages: tuple[tuple[Prompt, ...], ...] = ()
    repeat_every_s: float = 45.0
    announce_position: bool = True
    announce_wait: bool = True
    agents_minimum: int | None = None
    """Q9: announce available agents only when at least this many; None: never."""
    music: str = "music/default"
    ringback: bool = False
    whisper: tuple[Prompt, ...] = ()
    data_entry: QueueDataEntry | None = None
    callback: QueueCallback | None = None
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Transfer:
    target: str


@dataclass(frozen=True, slots=True)
class Voicemail:
    box: str


@dataclass(frozen=True, slots=True)
class Hangup:
    prompts: tuple[Prompt, ...] = ()


Node = (
    Play
    | Announcement
    | Menu
    | Collect
    | ScheduleBranch
    | SwitchBranch
    | QueueNode
    | Transfer
    | Voicemail
    | Hangup
)


@dataclass(frozen=True, slots=True)
class Flow:
    flow_id: str
    start: str
    nodes: Mapping[str, Node]
    operator: str = ""
    """IVR1: the node the operator key leads to from any menu."""
    operator_key: str = "0"
    language: str = "sv"
    switches: tuple[str, ...] = field(default=())

    def prompt_ids(self) -> set[str]:
        """Every fixed prompt the flow plays (to generate or check the prompt set)."""
        found: set[str] = set()
        for node in self.nodes.values():
            for value in _prompt_lists(node):
                found.update(p.prompt_id for p in value)
            if isinstance(node, QueueNode) and node.music:
                found.add(node.music)
        return found


def _prompt_lists(node: Node) -> list[tuple[Prompt, ...]]:
    lists: list[tuple[Prompt, ...]] = []
    for name in ("prompts", "invalid", "welcome", "first_message", "whisper"):
        value = getattr(node, name, None)
        if value:
            lists.append(value)
    if isinstance(node, QueueNode):
        lists.extend(node.repeated_messages)
        if node.data_entry is not None:
            lists += [node.data_entry.prompts, node.data_entry.thanks]
    return lists
