"""Camp-on from the operator console (väntkoppling, issue 16 §3, OP4, spec §46 §52 §54): the
call in hand waits for a busy extension and rings it once its line is free.

Rules kept here (the queue's own rules: :mod:`vaxel.pbx.camp_on`):
- Only the operator's connected queue call may be camped, only on a number that reaches a
  person whose line is busy (DIR4's line state: any call their phones are in, a queue call
  as an agent or a call they placed too, ``line_feed.py``); refusals change nothing. Free
  means the line idle: the same truth the directory and the console show.
- Camping parks the call without an orbit (``CallParked``): the contact ends for her (wrap-up),
  her phone's leg is hung up, the caller hears the camp-on message and then music. After
  the tenant's ``wait_s`` still waiting, the call leaves the queue and rings the operator
  who camped it (``RingParked``; the park's own recall, a little later, is the backstop).
  Her recall unanswered (rung out, refused, or she is logged out or in another queue
  call), the call goes to the front of its ACD queue like a transfer's recall nobody took
  (``ContactRequeued``, ``call_requeue.py``); the queue refusing, it rings her again after
  ``wait_s`` — never dropped by the switch.
- Each second while anything is camped (the calls' one timer): the first waiting call of
  a free extension rings it (``RingParked``, the line reported ringing); answered, the two
  talk and the line is busy; unanswered, the call goes back to the operator at once.
- The caller hanging up ends the call, and the forget hook removes it from its queue.
The web reads ``board`` (a tuple replaced whole after each change, never mutated): safe
from the web's threads; a change wakes the tenant's live stream (``wake``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from vaxel.core.errors import DomainError
from vaxel.directory.presence import LineState
from vaxel.pbx.camp_on import Camped, CampedState, CampOnQueues, CampOnSettings
from vaxel.pbx.devices import DeviceKind
from vaxel.pbx.numbering import TargetKind
from vaxel.telephony.call_events import RECALL
from vaxel.telephony.call_states import CallState
from vaxel.telephony.notices import SystemPrompt
from vaxel.telephony.park_events import CallParked, RingParked
from vaxel.telephony.recall_notes import NO_ANSWER, RecallNote

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call
    from vaxel.telephony.person_reach import ReachingPeople
    from vaxel.telephony.switch import Switch

__all__ = ["POLL_S", "CampOns"]

log = logging.getLogger(__name__)
POLL_S = 1.0
"""How often a free line is looked for while calls are camped."""
BACKSTOP_S = 3 * POLL_S
"""The park's own recall, should the poll be late: after the wait and this."""
_TALKING = frozenset({CallState.BRIDGED, CallState.HELD})
_BUSY = 486
"""The recall note's status when the line stayed busy: "Upptaget hos …" on the card."""
_KEY = ("camp-on", "poll")


class CampOns:
    """The switch's camped calls; :meth:`camp` is the console's, :attr:`board` the web's."""

    def __init__(self, switch: Switch) -> None:
        self.switch = switch
        self.queues = CampOnQueues()
        self.settings: Callable[[str], CampOnSettings] = lambda tenant_id: CampOnSettings()
        """A tenant's camp-on (the runtime's ``pbx-camp-on`` settings)."""
        self.board: tuple[Camped, ...] = ()
        self.wake: Callable[[str], None] = lambda tenant_id: None
        """Told each tenant whose camped calls changed (the live hub's: her card follows)."""
        switch.actions.forget_hooks.append(self.forgotten)

    @property
    def people(self) -> ReachingPeople | None:
        return self.switch.internal.person_reach

    def camp(
        self, tenant_id: str, agent_id: str, contact_id: str, number: str, name: str = ""
    ) -> int:
        """Camp the call in hand of ``agent_id`` on ``number``; its place in that queue.
        Refused (DomainError, nothing changed): 'console-no-call', 'camp-on-no-person',
        'camp-on-not-busy', 'camp-on-full', 'camp-on-twice'."""
        call = self.switch.calls.get(contact_id)
        if (
            call is None
            or call.tenant_id != tenant_id
            or call.agent_id != agent_id
            or call.state not in _TALKING
            or call.caller is None
        ):
            raise DomainError("no connected call to camp", code="console-no-call")
        person = self._person(tenant_id, number)
        people = self.people
        if person is None or people is None:
            raise DomainError(f"{number[:40]!r} is no person's line", code="camp-on-no-person")
        if people.reach.line(tenant_id, person) is not LineState.BUSY:  # any call (line_feed)
            raise DomainError(f"{number[:40]!r} is not busy", code="camp-on-not-busy")
        settings = self.settings(tenant_id)
        number = self._queue_of(tenant_id, person) or number  # one queue a person
        operator = self.switch.dialer.agent_extension(call)
        caller_number = call.session.call.caller_number if call.session else ""
        camped = Camped(
            contact_id,
            tenant_id,
            number,
            name[:120],
            agent_id,
            operator,
            self.switch.clock(),
            caller_number=caller_number or "",
            person_id=person,
            wait_s=settings.wait_s,
            rings=self._desk_of(tenant_id, person, number),
        )
        place = self.queues.camp(camped, settings)  # full: refused before anything changes
        backstop = settings.wait_s + BACKSTOP_S  # the poll recalls it first
        self.switch.step(call, CallParked(operator, backstop, operator))
        if call.state is not CallState.PARKED:
            self.queues.removed(contact_id)
            raise DomainError("the call could not wait", code="console-no-call")
        caller = call.caller
        if caller is not None:  # the message, then the music the park set
            prompt = self.switch.prompts.notice(call, SystemPrompt.CAMPED_ON)
            if self.switch.prompts.known(prompt):
                self.switch.media.play(caller.endpoint.endpoint_id, [prompt])
        log.info("%s camped on %s (%d in its queue)", contact_id, number, place)
        self._changed()
        return place

    def take_back(self, tenant_id: str, agent_id: str, call_id: str) -> None:
        """She takes her camped call back (spec §49): out of the queue, ringing her phone
        now. Refused ('camp-on-not-yours') for a call not camped by her or not waiting."""
        camped, call = self.queues.find(call_id), self.switch.calls.get(call_id)
        if (
            camped is None
            or call is None
            or camped.tenant_id != tenant_id
            or camped.agent_id != agent_id
            or camped.state is not CampedState.WAITING
            or call.state is not CallState.PARKED
        ):
            raise DomainError(f"{call_id[:40]!r} is not her waiting call", code="camp-on-not-yours")
        self.queues.recalled(call_id, self.switch.clock())
        self._ring_operator(call, camped, _BUSY, 0.0)
        self._changed()

    def _queue_of(self, tenant_id: str, person_id: str) -> str | None:
        """The number the person's calls are camped on already, whichever of her numbers
        (short number, desk phone's extension, DID) the operator chose now: her limit and
        order hold."""
        for key in self.queues.extensions():
            if key[0] == tenant_id and any(
                c.person_id == person_id for c in self.queues.queue(*key)
            ):
                return key[1]
        return None

    def _desk_of(self, tenant_id: str, person_id: str, number: str) -> str:
        """What the camped call rings once her line is free: ``number`` when it is an
        extension of the registrar, else her desk phone's (a SIP device of hers) — the park
        rings a number as dialled, so her short number had no route and her DID would go
        out through the carrier; "" when she has no desk phone (``number`` is tried)."""
        directory = self.switch.directory
        known = directory.extensions.get(number)
        if known is not None and known.tenant_id == tenant_id:
            return ""
        devices = directory.pbx.people.get((tenant_id, person_id))
        for device in devices.devices if devices is not None else ():
            if device.kind is DeviceKind.SIP:
                return device.address
        return ""

    def _person(self, tenant_id: str, number: str) -> str | None:
        target = self.switch.directory.pbx.resolve(tenant_id, number)
        if target is not None and target.kind is TargetKind.PERSON:
            return target.ref
        people = self.people
        return people.reach.person_on(tenant_id, number) if people is not None else None

    # each second while anything is camped ----------------------------------------------------

    def due(self, subject: object, now: float) -> None:
        for camped in [c for c in self.board]:
            self._follow(camped.call_id, now)
        for camped in self.queues.overdue(now):
            self._recall(camped, now)
        for tenant_id, extension in self.queues.extensions():
            self._ring_if_free(tenant_id, extension)
        self._changed()

    def _follow(self, call_id: str, now: float) -> None:
        """Bring a camped call's entry in line with its call machine."""
        camped, call = self.queues.find(call_id), self.switch.calls.get(call_id)
        if camped is None:
            return
        if call is None or call.ended:
            self.queues.removed(call_id)
            return
        state = call.state
        if camped.state is CampedState.WAITING and state is CallState.RECALLING:
            self.queues.recalled(call_id, now)  # waited too long: it rings her (the park's)
        elif camped.state is CampedState.RINGING and state is CallState.TRANSFERRED:
            self.queues.removed(call_id)  # the extension answered: the two talk
            if self.people is not None and camped.person_id:
                self.people.lines.answered(camped.tenant_id, camped.person_id, call_id)
        elif camped.state is CampedState.RINGING and state is CallState.PARKED:
            self._unanswered(call, camped, now)
        elif state is CallState.TRANSFERRED or state in _TALKING:
            self.queues.removed(call_id)  # she took it back (her contact again: talking)
        elif state is CallState.REQUEUED:
            self.queues.removed(call_id)  # her recall not taken: first in its ACD queue

    def _recall(self, camped: Camped, now: float) -> None:
        """Waited ``wait_s``: out of the queue, ringing the operator who camped it."""
        call = self.switch.calls.get(camped.call_id)
        if call is None or call.state is not CallState.PARKED:
            return
        log.info(
            "%s waited %.0f s at %s: recalled", call.call_id, now - camped.since, camped.extension
        )
        self.queues.recalled(call.call_id, now)
        self._ring_operator(call, camped, _BUSY, 0.0)

    def _unanswered(self, call: Call, camped: Camped, now: float) -> None:
        """The free extension did not answer: back to the operator at once."""
        if self.people is not None and camped.person_id:
            self.people.lines.left(camped.tenant_id, camped.person_id, call.call_id)
        offer = call.machine.offers.get(RECALL)
        rung_s = now - offer.rung_at if offer is not None else 0.0
        self.queues.recalled(call.call_id, now)
        self._ring_operator(call, camped, NO_ANSWER, rung_s)

    def _ring_operator(self, call: Call, camped: Camped, status: int, rung_s: float) -> None:
        """Ring the operator who camped it, with why (the line stayed busy, or the person
        did not answer): unanswered by her too, it goes to the front of its queue as a
        transfer's recall does (``call_requeue.py``, spec §50–52, OP4)."""
        note = RecallNote(camped.extension, status, max(0.0, rung_s), self.switch.clock(), True)
        self.switch.step(call, RingParked(camped.operator_extension, note))

    def _ring_if_free(self, tenant_id: str, extension: str) -> None:
        camped = self.queues.next_to_ring(tenant_id, extension)
        people = self.people
        if camped is None or people is None:
            return
        if people.reach.line(tenant_id, camped.person_id) is not LineState.IDLE:
            return
        call = self.switch.calls.get(camped.call_id)
        if call is None or call.state is not CallState.PARKED:
            return
        camped.state = CampedState.RINGING
        people.lines.ringing(tenant_id, camped.person_id, call.call_id)
        log.info("%s: %s is free, the camped call rings it", call.call_id, extension)
        self.switch.step(call, RingParked(camped.rings or extension))

    def forgotten(self, call_id: str) -> None:
        """The caller hung up (or the call ended otherwise): out of its queue."""
        if self.queues.removed(call_id) is not None:
            self._changed()

    def _changed(self) -> None:
        """Publish the board, wake the tenants it changed for, poll while anything waits."""
        before = self.board
        self.board = tuple(
            replace(c) for key in self.queues.extensions() for c in self.queues.queue(*key)
        ) + tuple(replace(c) for c in self.queues.recalled_calls())
        for tenant_id in {c.tenant_id for c in (*before, *self.board)}:
            if [c for c in before if c.tenant_id == tenant_id] != [
                c for c in self.board if c.tenant_id == tenant_id
            ]:
                self.wake(tenant_id)
        deadline = self.switch.clock() + POLL_S if self.board else None
        self.switch.timers.at(_KEY, deadline, self.due, None)
