"""A caller's visit to a queue node: announcements, music, keys while queued, and the
callback dialogue (Q4, Q5, Q8, Q9, Q10, Q12, Q13, CB1–CB6).

Timeline: welcome → first message with position, estimated wait, agents available and the
callback offer → music → every ``repeat_every_s`` the next repeated message (rotating),
the position only if it changed (repeated wording), the callback offer again → music …
All Swedish wording comes from :mod:`vaxel.speech`; this module is the one place the flow
uses it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from vaxel import speech
from vaxel.flow.io import ConnectAgent, Hangup, QueueSituation, RequestCallback, UpdateCallerData
from vaxel.flow.model import Prompt, QueueNode
from vaxel.flow.validation import valid_personnummer

if TYPE_CHECKING:
    from vaxel.flow.session import FlowSession, Out

__all__ = ["QueueVisit"]

NUMBER_TIMEOUT_S = 10.0
NUMBER_INTER_DIGIT_S = 3.0


class QueueVisit:
    def __init__(self, session: FlowSession, node: QueueNode) -> None:
        self.session = session
        self.node = node
        self.language = session.flow.language
        self.entered = False
        self.left = False
        self.situation: QueueSituation | None = session.latest_situation
        self.next_at: float | None = None
        self.last_position: int | None = None
        self.message_index = 0
        self.in_dialogue = False

    # -- timeline ------------------------------------------------------------------------

    def begin(self, now: float, out: Out) -> None:
        callback = self.node.callback
        if callback is not None and callback.forced:
            self.in_dialogue = True  # CB6: only a callback, no live queueing
            self._choose_interval(now, out)
            return
        out.append(self.session.enter_queue_command(self.node))
        self.entered = True
        self.session.play(self.node.welcome, self._first, now, out)

    def _first(self, now: float, out: Out) -> None:
        prompts: list[Prompt | str] = [
            *self.node.first_message,
            *self._position(repeated=False),
            *self._wait(),
            *self._agents(),
            *self._offer(),
        ]
        self.session.play(prompts, self.resume, now, out)

    def resume(self, now: float, out: Out) -> None:
        """Back to music until the next repeated message (Q10)."""
        if self.session.ended:
            return
        self.in_dialogue = False
        self.session.music(self.node, out)
        self.next_at = now + self.node.repeat_every_s

    def due(self, now: float, out: Out) -> None:
        if self.in_dialogue or self.session.asking:
            self.next_at = now + self.node.repeat_every_s
            return
        self.next_at = None
        messages = self.node.repeated_messages
        message: tuple[Prompt, ...] = ()
        if messages:
            message = messages[self.message_index % len(messages)]
            self.message_index += 1
        prompts: list[Prompt | str] = [*message, *self._position(repeated=True), *self._offer()]
        if not prompts:
            self.next_at = now + self.node.repeat_every_s
            return
        self.session.stop_current(out)
        self.session.play(prompts, self.resume, now, out)

    def connect(self, out: Out) -> None:
        """An agent answered: both hear the whisper, then they talk (Q12)."""
        self.next_at = None
        out.append(ConnectAgent(tuple(p.prompt_id for p in self.node.whisper)))

    # -- what is said --------------------------------------------------------------------

    def _position(self, repeated: bool) -> tuple[str, ...]:
        situation = self.situation
        if not self.node.announce_position or situation is None or situation.position < 1:
            return ()
        if repeated and situation.position == self.last_position:
            return ()  # Q5: repeated announcements only when it counted down
        if self.last_position is not None and situation.position > self.last_position:
            return ()  # Q6: never announce a worse place than before
        self.last_position = situation.position
        return speech.position(situation.position, repeated=repeated, language=self.language)

    def _wait(self) -> tuple[str, ...]:
        situation = self.situation
        if not self.node.announce_wait or situation is None or situation.estimated_wait_s is None:
            return ()
        seconds = situation.estimated_wait_s
        return speech.estimated_wait(
            seconds if math.isfinite(seconds) else math.inf, language=self.language
        )

    def _agents(self) -> tuple[str, ...]:
        situation = self.situation
        if self.node.agents_minimum is None or situation is None:
            return ()
        return speech.agents_available(
            situation.agents_available, self.node.agents_minimum, language=self.language
        )

    def _offer(self) -> tuple[str, ...]:
        if self._callback_allowed():
            return speech.callback_offer(self.language)
        return ()

    def _callback_allowed(self) -> bool:
        return (
            self.node.callback is not None
            and self.situation is not None
            and self.situation.callback_offer_allowed
        )

    # -- keys while queued (Q13, CB1) ----------------------------------------------------

    def key(self, digit: str, now: float, out: Out, playing: bool) -> None:
        if self.in_dialogue:
            return
        callback, entry = self.node.callback, self.node.data_entry
        if callback is not None and digit == callback.key and self._callback_allowed():
            self.session.stop_current(out)
            self.in_dialogue = True
            self._choose_interval(now, out)
        elif entry is not None and digit == entry.key:
            self.session.stop_current(out)
            self.in_dialogue = True

            def entered(digits: str, at: float, o: Out) -> None:
                if digits and (entry.validate != "personnummer" or valid_personnummer(digits)):
                    self.session.caller_data[entry.into] = digits
                    o.append(UpdateCallerData(self.node.queue, {entry.into: digits}))
                    self.session.play(entry.thanks, self.resume, at, o)
                else:
                    self.resume(at, o)

            self.session.ask(
                self.session.new_ask(
                    entry.length,
                    entry.length or entry.max_length,
                    NUMBER_TIMEOUT_S,
                    NUMBER_INTER_DIGIT_S,
                    entered,
                    self.resume,
                ),
                entry.prompts,
                now,
                out,
            )

    # -- the callback dialogue (CB2, CB3) ------------------------------------------------

    def _choose_interval(self, now: float, out: Out) -> None:
        choices = self.situation.callback_choices if self.situation is not None else ()
        if not choices:
            self._confirm_number("", self.session.call.caller_number, 0, now, out)
            return
        prompts = [speech.prompt_id(self.language, "callback", "choose-interval")]
        for index, choice in enumerate(choices[:9]):
            prompts += speech.callback_choice(index + 1, choice.start, choice.end, self.language)

        def picked(digits: str, at: float, o: Out) -> None:
            index = int(digits) - 1 if digits.isdigit() else -1
            if 0 <= index < len(choices):
                self._confirm_number(
                    choices[index].interval_id, self.session.call.caller_number, 0, at, o
                )
            else:
                self._give_up(at, o)

        self.session.ask(
            self.session.new_ask(1, 1, NUMBER_TIMEOUT_S, NUMBER_TIMEOUT_S, picked, self._give_up),
            tuple(prompts),
            now,
            out,
        )

    def _confirm_number(
        self, interval_id: str, number: str, attempt: int, now: float, out: Out
    ) -> None:
        if number and not self.session.call.dial_policy.allows(number):
            number = ""  # a barred caller id (a satellite range, 0900 …): ask for another
        if not number or attempt > 2:
            if attempt > 2:
                self._give_up(now, out)
            else:
                self._key_number(interval_id, attempt, now, out)
            return

        def answered(digits: str, at: float, o: Out) -> None:
            if digits == "1":
                self._book(interval_id, number, at, o)
            elif digits == "2":
                self._key_number(interval_id, attempt + 1, at, o)
            else:
                self._confirm_number(interval_id, number, attempt + 1, at, o)

        self.session.ask(
            self.session.new_ask(1, 1, NUMBER_TIMEOUT_S, NUMBER_TIMEOUT_S, answered, self._give_up),
            speech.callback_confirm(number, self.language),
            now,
            out,
        )

    def _key_number(self, interval_id: str, attempt: int, now: float, out: Out) -> None:
        def keyed(digits: str, at: float, o: Out) -> None:
            allowed = self.session.call.dial_policy.allows(digits)
            if 6 <= len(digits) <= 15 and digits.isdigit() and allowed:
                self._confirm_number(interval_id, digits, attempt + 1, at, o)
            else:
                invalid = (speech.prompt_id(self.language, "callback", "invalid-number"),)
                self.session.play(
                    invalid,
                    lambda t, oo: self._confirm_number(interval_id, "", attempt + 1, t, oo),
                    at,
                    o,
                )

        prompt = (speech.prompt_id(self.language, "callback", "enter-number"),)
        self.session.ask(
            self.session.new_ask(
                0, 15, NUMBER_TIMEOUT_S, NUMBER_INTER_DIGIT_S, keyed, self._give_up
            ),
            prompt,
            now,
            out,
        )

    def _book(self, interval_id: str, number: str, now: float, out: Out) -> None:
        out.append(
            RequestCallback(
                self.node.queue,
                number,
                interval_id,
                dict(self.session.caller_data),
                from_queue=self.entered,
            )
        )
        self.left = self.entered
        self.next_at = None
        choices = self.situation.callback_choices if self.situation is not None else ()
        chosen = next((c for c in choices if c.interval_id == interval_id), None)
        goodbye: tuple[str, ...]
        if chosen is not None:
            goodbye = speech.callback_booked(chosen.start, chosen.end, self.language)
        else:
            goodbye = (
                speech.prompt_id(self.language, "callback", "booked"),
                speech.prompt_id(self.language, "callback", "goodbye"),
            )
        self.session.play(goodbye, lambda t, o: self.session.end(o, Hangup()), now, out)

    def _give_up(self, now: float, out: Out) -> None:
        """No valid choice: back to waiting (or, when only callbacks are taken, goodbye)."""
        if self.entered:
            self.resume(now, out)
        else:
            self.session.end(out, Hangup())
