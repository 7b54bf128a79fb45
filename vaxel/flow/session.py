"""The flow interpreter: one caller's way through a flow, as a pure state machine.

Rules:
- Inputs are facts (a key pressed, a prompt finished, time passed, the queue situation
  changed, an agent answered, the caller hung up); the output is a list of commands for the
  media and call layers. ``next_deadline()`` tells when to send a TimerTick.
- Prompts play in groups by interruptibility (IVR2): a key press stops an interruptible
  group and counts as input; during a non-interruptible group keys are ignored.
- Waiting for keys ("ask") has a first-key timeout and, for several digits, an inter-digit
  timeout, so no '#' is needed (IVR3).
- Never silence in the queue (Q10): after every batch of commands the caller hears a prompt
  or music/ringback, or is being asked for a key with a short timeout, or the call is over.
What each kind of node does is in :mod:`vaxel.flow.nodes`, a queue visit in
:mod:`vaxel.flow.announcements`; both use this session's building blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from vaxel.flow import announcements, nodes
from vaxel.flow.io import (
    AgentConnected,
    CallerHungUp,
    CallInfo,
    DigitPressed,
    EnterQueue,
    FlowCommand,
    FlowInput,
    Hangup,
    OpeningHours,
    PlayPrompts,
    PromptFinished,
    QueueSituation,
    QueueSituationChanged,
    StartMusic,
    StopMedia,
    TimerTick,
)
from vaxel.flow.model import (
    Announcement,
    Flow,
    Prompt,
    QueueNode,
    ScheduleBranch,
    SwitchBranch,
)

__all__ = ["Audible", "FlowSession"]

Out = list[FlowCommand]
Then = Callable[[float, Out], None]
MAX_HOPS = 100


class Audible(Enum):
    """What the caller hears right now (for the Q10 invariant)."""

    NOTHING = "nothing"
    PROMPT = "prompt"
    MUSIC = "music"
    ASKING = "asking"
    ENDED = "ended"


@dataclass(slots=True)
class _Ask:
    length: int
    """Exact digits wanted (0: up to max_length, ended by the inter-digit timeout)."""
    max_length: int
    first_timeout_s: float
    inter_timeout_s: float
    on_digits: Callable[[str, float, Out], None]
    on_timeout: Then
    buffer: str = ""
    deadline: float | None = None


class FlowSession:
    """Interprets ``flow`` for one call. ``hours`` answers schedule branches; ``switches``
    are the lavinbesked switches that are on (IVR4)."""

    def __init__(
        self,
        flow: Flow,
        call: CallInfo,
        hours: OpeningHours,
        switches: frozenset[str] = frozenset(),
    ) -> None:
        self.flow = flow
        self.call = call
        self.hours = hours
        self.switches = switches
        self.caller_data: dict[str, str] = {}
        self.audible = Audible.NOTHING
        self.node_name = ""
        self.queue: announcements.QueueVisit | None = None
        self.latest_situation: QueueSituation | None = None
        self._groups: list[tuple[tuple[str, ...], bool]] = []
        self._playing_interruptible = False
        self._after_play: Then | None = None
        self._ask: _Ask | None = None

    # -- the public machine --------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.audible is Audible.ENDED

    def start(self, now: float) -> list[FlowCommand]:
        out: Out = []
        self.goto(self.flow.start, now, out)
        return out

    def handle(self, event: FlowInput, now: float) -> list[FlowCommand]:
        out: Out = []
        if self.ended:
            return out
        if isinstance(event, CallerHungUp):
            if self.queue is not None and self.queue.entered:
                self.queue.left = True
            self._finish()
        elif isinstance(event, PromptFinished):
            self._prompt_finished(now, out)
        elif isinstance(event, DigitPressed):
            self._digit(event.digit, now, out)
        elif isinstance(event, TimerTick):
            self._timers(now, out)
        elif isinstance(event, QueueSituationChanged):
            self.latest_situation = event.situation
            if self.queue is not None:
                self.queue.situation = event.situation
        elif isinstance(event, AgentConnected):
            if self.queue is None or not self.queue.entered:
                raise ValueError("AgentConnected for a caller who is not queued")
            self._clear_media(out)
            self.queue.connect(out)
            self._finish()
        return out

    def next_deadline(self) -> float | None:
        deadlines = []
        if (
            self._ask is not None
            and self._ask.deadline is not None
            and not self._groups
            and self._after_play is None
        ):
            deadlines.append(self._ask.deadline)
        if self.queue is not None and self.queue.next_at is not None and not self.ended:
            deadlines.append(self.queue.next_at)
        return min(deadlines) if deadlines else None

    # -- building blocks used by nodes and the queue visit ---------------------------------

    def play(
        self,
        prompts: Sequence[Prompt | str],
        then: Then,
        now: float,
        out: Out,
        interruptible: bool | None = None,
    ) -> None:
        """Play prompts (grouped by interruptibility), then continue with ``then``."""
        groups: list[tuple[tuple[str, ...], bool]] = []
        for prompt in prompts:
            prompt_id, flag = (
                (prompt.prompt_id, prompt.interruptible)
                if isinstance(prompt, Prompt)
                else (prompt, True)
            )
            if interruptible is not None:
                flag = interruptible
            if groups and groups[-1][1] == flag:
                groups[-1] = (groups[-1][0] + (prompt_id,), flag)
            else:
                groups.append(((prompt_id,), flag))
        if not groups:
            then(now, out)
            return
        self._groups = groups
        self._after_play = then
        self._next_group(out)

    def ask(self, ask: _Ask, prompts: Sequence[Prompt | str], now: float, out: Out) -> None:
        """Play ``prompts`` and collect digits (keys during the prompts count)."""
        self._ask = ask
        self.play(prompts, self._start_waiting, now, out)

    def music(self, node: QueueNode, out: Out) -> None:
        out.append(StartMusic(node.music, node.ringback))
        self.audible = Audible.MUSIC

    def end(self, out: Out, command: FlowCommand | None = None) -> None:
        self._clear_media(out)
        if command is not None:
            out.append(command)
        self._finish()

    def _finish(self) -> None:
        """The flow is over for this call: drop what would have come next. The continuations
        (``_after_play``, ``_ask``) and the queue visit refer back to this session, so left in
        place every finished call was a reference cycle only the collector frees — 9,690
        sessions waited for a full collection after 20 s at 500 calls/s (issue 11)."""
        self.audible = Audible.ENDED
        self._groups = []
        self._after_play = None
        self._ask = None
        self.queue = None

    def goto(self, name: str, now: float, out: Out) -> None:
        """Enter node ``name``, following nodes that need no wait (schedule and switch
        branches, lavinbesked that are off) until something plays, waits or ends the call."""
        for _ in range(MAX_HOPS):
            self.node_name = name
            node = self.flow.nodes[name]
            if isinstance(node, ScheduleBranch):
                name = node.open if self.hours.is_open(node.schedule, now) else node.closed
                continue
            if isinstance(node, SwitchBranch):  # night service (OP6)
                name = node.on if node.switch in self.switches else node.off
                continue
            if isinstance(node, Announcement) and node.switch not in self.switches:
                name = node.next
                continue
            nodes.enter(self, node, now, out)
            return
        self.end(out, Hangup())  # a flow that loops without ever waiting: end, don't spin

    # -- media and input plumbing --------------------------------------------------------

    def _next_group(self, out: Out) -> None:
        ids, interruptible = self._groups.pop(0)
        self._playing_interruptible = interruptible
        out.append(PlayPrompts(ids, interruptible))
        self.audible = Audible.PROMPT

    def _prompt_finished(self, now: float, out: Out) -> None:
        if self._groups:
            self._next_group(out)
            return
        then, self._after_play = self._after_play, None
        self.audible = Audible.NOTHING
        if then is not None:
            then(now, out)
        elif self.queue is not None and self.queue.entered:
            self.queue.resume(now, out)

    def stop_current(self, out: Out) -> None:
        """Stop whatever plays (a prompt or music) without ending the call."""
        if self.audible in (Audible.PROMPT, Audible.MUSIC):
            out.append(StopMedia())
        self._groups = []
        self._after_play = None
        self.audible = Audible.NOTHING

    def _clear_media(self, out: Out) -> None:
        if self.audible in (Audible.PROMPT, Audible.MUSIC):
            out.append(StopMedia())
        self._groups = []
        self._after_play = None
        self._ask = None

    def _start_waiting(self, now: float, out: Out) -> None:
        ask = self._ask
        if ask is None:
            return
        if ask.length and len(ask.buffer) >= ask.length:
            self._finish_ask(now, out)
            return
        timeout = ask.inter_timeout_s if ask.buffer else ask.first_timeout_s
        ask.deadline = now + timeout
        self.audible = Audible.ASKING

    def _finish_ask(self, now: float, out: Out) -> None:
        ask, self._ask = self._ask, None
        if ask is not None:
            ask.on_digits(ask.buffer, now, out)

    def _digit(self, digit: str, now: float, out: Out) -> None:
        playing = self.audible is Audible.PROMPT
        if playing and not self._playing_interruptible:
            return  # IVR2: this prompt cannot be interrupted
        ask = self._ask
        if ask is None:
            if self.queue is not None and self.queue.entered:
                self.queue.key(digit, now, out, playing)
            return
        if playing:
            out.append(StopMedia())
            self._groups = []
            self._after_play = None
        if digit == "#" and ask.buffer and not ask.length:
            self._finish_ask(now, out)  # '#' may end a variable entry, never needed
            return
        ask.buffer += digit
        if len(ask.buffer) >= ask.max_length:
            self._finish_ask(now, out)
            return
        ask.deadline = now + ask.inter_timeout_s
        self.audible = Audible.ASKING

    def _timers(self, now: float, out: Out) -> None:
        ask = self._ask
        if (
            ask is not None
            and ask.deadline is not None
            and now >= ask.deadline
            and self._after_play is None
        ):
            self._ask = None
            if ask.buffer:
                ask.on_digits(ask.buffer, now, out)
            else:
                ask.on_timeout(now, out)
            return
        visit = self.queue
        if visit is not None and visit.next_at is not None and now >= visit.next_at:
            visit.due(now, out)

    def new_ask(
        self,
        length: int,
        max_length: int,
        first_timeout_s: float,
        inter_timeout_s: float,
        on_digits: Callable[[str, float, Out], None],
        on_timeout: Then,
    ) -> _Ask:
        return _Ask(length, max_length, first_timeout_s, inter_timeout_s, on_digits, on_timeout)

    @property
    def asking(self) -> bool:
        return self._ask is not None

    def enter_queue_command(self, node: QueueNode) -> EnterQueue:
        return EnterQueue(node.queue, dict(self.caller_data), node.priority)
