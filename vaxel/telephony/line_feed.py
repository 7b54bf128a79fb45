"""A person's line from every call their phones are in (DIR4, OP2, OP4 "övervakning vid
upptagen användare"): the switch's view of calls, fed to the directory's line-state port.

A call through the numbering plan to a person is reported by ``person_reach.py`` (rung,
answered, left). This feed reports the rest of what puts a person's phone in a call:

- a queue call the ACD offers them as an agent: *ringing* while their phones ring for it,
  *busy* while their phone (desk or browser phone) is in it, as an agent of the call;
- a call they placed from one of their extensions (to a colleague, a group, a queue, out
  over the trunk): *busy* from the dial to the end, ringing or talking, for as long as
  the leg that placed it is still the call's caller;
- a phone the switch rang by a number of theirs — a transfer, a recall, the console's
  consultation or conference (``Call.dialled``; the leg keeps the number wherever it is
  moved, a conference's guests too): *ringing*, then *busy* while that leg is in the call.

The agent of a queue call is the one whose own phone answered her offer: a person moved
into her seat (the console's "connect", a transfer) is no longer her, so she is free.

After each step of a call the switch hands it to :meth:`LineFeed.follow`; the call is
read into :class:`CallSides` (cheap, no lookups) and only when those changed are they
mapped to people (:func:`involvements`, pure) and the difference told to the
:class:`~vaxel.pbx.reach.LineReport` under keys of this feed's own (``<call>/agent/<id>``,
``<call>/caller``) beside the plan's. So the line states (``vaxel.pbx.line_state``) stay
the one truth the directory, the console's hits and card, and camp-on all read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vaxel.pbx.line_state import Involvement
from vaxel.pbx.numbering import TargetKind
from vaxel.telephony.call_states import OfferState

if TYPE_CHECKING:
    from vaxel.pbx.reach import LineReport
    from vaxel.telephony.calls import Call, Leg
    from vaxel.telephony.switch import Switch

__all__ = ["CallSides", "LineFeed", "involvements", "sides_of"]

log = logging.getLogger(__name__)

NOT_AGENTS = frozenset({"", "customer", "transfer", "callee", "recall", "consult"})
"""Offer names that are no agent of the ACD (a callback's customer, a transfer's target…)."""

PersonOf = Callable[[str, str], "str | None"]
"""(tenant id, agent id or extension) → the person behind it, if any."""


@dataclass(frozen=True, slots=True)
class CallSides:
    """What of one call can put a person's phone in it, read off the call."""

    tenant_id: str
    agents_ringing: tuple[str, ...] = ()
    """Agents whose phones ring for the call (the ACD's offers)."""
    agent_talking: str = ""
    """The agent whose phone is in the call, or ""."""
    placed_by: str = ""
    """The extension that placed the call, while its leg is still the caller; or ""."""
    numbers_ringing: tuple[str, ...] = ()
    """Numbers the call rings (a transfer, a recall, a consultation)."""
    numbers: tuple[str, ...] = ()
    """Numbers whose rung phones are in the call (their legs, wherever seated)."""


def sides_of(call: Call, placing_leg: Leg | None) -> CallSides:
    """``call`` as this feed sees it; ``placing_leg`` is the leg that placed it (if any)."""
    if call.ended:
        return CallSides(call.tenant_id)
    offers = call.machine.offers
    ringing = tuple(
        sorted(
            name
            for name, attempt in call.attempts.items()
            if attempt.role == "agent"
            and name not in NOT_AGENTS
            and (offer := offers.get(name)) is not None
            and offer.state is OfferState.RINGING
        )
    )
    agent = call.agent
    talking = (
        call.agent_id
        if agent is not None and not agent.machine.ended and call.agent_id not in NOT_AGENTS
        and not call.agent_id.startswith("callee") and _answered_her_offer(call, agent)
        else ""
    )  # fmt: skip
    internal, caller = call.internal, call.caller
    placed = (
        internal.caller.extension
        if internal is not None
        and caller is not None
        and caller is placing_leg
        and not caller.machine.ended
        else ""
    )
    rung = tuple(
        sorted(
            number
            for name, number in call.dialled.items()
            if (offer := offers.get(name)) is not None and offer.state is OfferState.RINGING
        )
    )
    legs = (call.caller, call.agent, call.consulted, *call.guests)
    numbers = tuple(
        sorted({leg.number for leg in legs if leg and leg.number and not leg.machine.ended})
    )
    return CallSides(call.tenant_id, ringing, talking, placed, rung, numbers)


def _answered_her_offer(call: Call, agent: Leg) -> bool:
    """The agent leg is the phone that answered her offer (or picked it up), not a person
    moved into her seat."""
    if agent.role != "agent":
        return False
    attempt = call.attempts.get(call.agent_id)
    if attempt is None:  # her phone picked the offer up (issue 14): no ringing of hers
        return True
    return any(fork.won and fork.dialog is agent.dialog for fork in attempt.forks.values())


def involvements(
    call_id: str,
    sides: CallSides,
    person_of_agent: PersonOf,
    person_of_phone: PersonOf,
    person_of_number: PersonOf = lambda tenant_id, number: None,
) -> dict[str, tuple[str, Involvement]]:
    """Each key of this feed's for the call → (person, how the call involves them)."""
    found: dict[str, tuple[str, Involvement]] = {}
    tenant = sides.tenant_id
    for number, involvement in (
        *((n, Involvement.RINGING) for n in sides.numbers_ringing),
        *((n, Involvement.ANSWERED) for n in sides.numbers),
    ):
        person = person_of_number(tenant, number)
        if person:
            found[f"{call_id}/number/{number}"] = (person, involvement)
    for agent_id in sides.agents_ringing:
        person = person_of_agent(tenant, agent_id)
        if person:
            found[f"{call_id}/agent/{agent_id}"] = (person, Involvement.RINGING)
    if sides.agent_talking:
        person = person_of_agent(tenant, sides.agent_talking)
        if person:
            found[f"{call_id}/agent/{sides.agent_talking}"] = (person, Involvement.ANSWERED)
    if sides.placed_by:
        person = person_of_phone(tenant, sides.placed_by)
        if person:
            found[f"{call_id}/caller"] = (person, Involvement.ANSWERED)
    return found


class LineFeed:
    """Follows the switch's calls and tells the line-state port what changed."""

    def __init__(
        self,
        lines: LineReport,
        person_of_agent: PersonOf,
        person_of_phone: PersonOf,
        person_of_number: PersonOf = lambda tenant_id, number: None,
    ) -> None:
        self.lines = lines
        self.person_of_agent = person_of_agent
        self.person_of_phone = person_of_phone
        self.person_of_number = person_of_number
        self._sides: dict[str, CallSides] = {}
        self._told: dict[str, dict[str, tuple[str, Involvement]]] = {}
        self._placing: dict[str, Leg | None] = {}
        """call id → the leg that placed it (the first caller leg seen on an internal call)."""

    @classmethod
    def installed_on(cls, switch: Switch, lines: LineReport) -> LineFeed:
        """Made for ``switch`` and told each call after its steps, and each call forgotten."""
        people = switch.internal.person_reach

        def person_of_agent(tenant_id: str, agent_id: str) -> str | None:
            extension = switch.directory.extension_of_agent(tenant_id, agent_id)
            return person_of_phone(tenant_id, extension.extension) if extension else None

        def person_of_phone(tenant_id: str, extension: str) -> str | None:
            return people.person_of_phone(tenant_id, extension) if people is not None else None

        def person_of_number(tenant_id: str, number: str) -> str | None:
            target = switch.directory.pbx.resolve(tenant_id, number)  # a person's number
            if target is not None:
                return target.ref if target.kind is TargetKind.PERSON else None
            return person_of_phone(tenant_id, number)  # an extension of theirs

        feed = cls(lines, person_of_agent, person_of_phone, person_of_number)
        switch.actions.followers.append(feed.follow)
        switch.actions.forget_hooks.append(feed.forgotten)
        switch.actions.sweeps.append(lambda: feed.reconcile(switch.calls))
        return feed

    def follow(self, call: Call) -> None:
        """The call took a step: tell whose line it changed."""
        call_id = call.call_id
        if call_id not in self._placing:
            internal = call.internal
            placed = internal is not None and internal.caller.extension
            self._placing[call_id] = call.caller if placed else None
        self.update(call_id, sides_of(call, self._placing[call_id]))

    def update(self, call_id: str, sides: CallSides) -> None:
        """The call's sides are now ``sides``: report the difference (nothing if none)."""
        if self._sides.get(call_id) == sides:
            return
        self._sides[call_id] = sides
        now = involvements(
            call_id, sides, self.person_of_agent, self.person_of_phone, self.person_of_number
        )
        self._tell(sides.tenant_id, self._told.get(call_id, {}), now)
        if now:
            self._told[call_id] = now
        else:
            self._told.pop(call_id, None)

    def forgotten(self, call_id: str) -> None:
        """The call is gone: every line it kept busy or ringing is free of it."""
        sides = self._sides.pop(call_id, None)
        self._placing.pop(call_id, None)
        told = self._told.pop(call_id, {})
        if sides is not None:
            self._tell(sides.tenant_id, told, {})

    def reconcile(self, live: Container[str]) -> int:
        """Forget every call the switch no longer holds (``live``: its call ids) — a call
        dropped by a path that never said so leaves no line busy, nor an entry here, for
        longer than one sweep: this feed's keys and the plan's (``person_reach.py`` reports
        under the call id itself; every call is followed here). How many were forgotten."""
        gone = [call_id for call_id in {*self._sides, *self._placing} if call_id not in live]
        for call_id in gone:
            log.warning("line feed: call %s was dropped unannounced; its lines are freed", call_id)
            self.forgotten(call_id)
            self.lines.ended(call_id)
        return len(gone)

    def held(self) -> int:
        """How many calls this feed keeps state for (bounded by the switch's live calls)."""
        return len({*self._sides, *self._placing, *self._told})

    def _tell(
        self,
        tenant_id: str,
        before: dict[str, tuple[str, Involvement]],
        after: dict[str, tuple[str, Involvement]],
    ) -> None:
        for key, (person, _) in before.items():
            if key not in after or after[key][0] != person:
                self.lines.left(tenant_id, person, key)
        for key, (person, involvement) in after.items():
            if before.get(key) == (person, involvement):
                continue
            if involvement is Involvement.RINGING:
                self.lines.ringing(tenant_id, person, key)
            else:
                self.lines.answered(tenant_id, person, key)
