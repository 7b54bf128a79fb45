"""Reaching a person (PBX5, DIR3, DIR4): forwarding, presence heard by callers, line state,
and feature codes dialled from a phone; the PERSON target's handler and the first
ring-outcome hook of ``internal.py``.

Rules kept here:
- A call to a person first asks :func:`vaxel.pbx.forwarding.decide`: ``always`` forwards at
  once; ``unregistered`` when none of their devices can ring; ``busy`` when their line is
  busy (the line state telephony reports). Otherwise an absent person's caller hears the
  presence at once ("Karin Carlsson är på möte till klockan fjorton trettio", then 0 for
  the operator and 1 for voicemail as the tenant allows); otherwise their devices ring,
  for no longer than the ``no-answer`` rule's seconds.
- When the ringing ends unanswered, the rule for the outcome (busy, no answer,
  unregistered) forwards; without one an absent person's presence is said; else the
  switch tells the caller (``internal.py``).
- A destination the plan knows is a target like any dialled one (a person, a group…); any
  other is dialled through the dial policy of the person who forwards (their class of
  service, PBX8) — refused, the call stays where it is. A call is forwarded at most
  :data:`~vaxel.pbx.forwarding.MAX_HOPS` times and never back to a number it passed; the
  forwardings a trunk caller's carrier told of (Diversion, RFC 5806) count, and a call
  forwarded out over the trunk tells the carrier its count, so a loop through the public
  network (A to B's direct number at another switch, B back to A's) ends too. A rule to
  112 or 114 14 (refused when set; one kept from before) is never followed.
- The name a caller hears: the person's recorded name (an uploaded prompt named
  ``namn-<person id>``), else "anknytning" and their extension digit by digit.
- A string dialled from an extension that starts with ``*`` or ``#`` is a feature code
  (:mod:`vaxel.pbx.feature_codes`): the call is answered, the code carried out as the
  person the extension is, and the caller hears the confirmation or what was wrong;
  recording (``*95*``) and switching (``*96*``) ask a PIN first (``phone_admin.py``).
- Telephony reports every person rung, answered and left to the :class:`LineReport`: the
  plan's calls to a person here, queue calls and calls a person placed by ``line_feed.py``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from vaxel.core.clock import STOCKHOLM
from vaxel.core.dial_policy import is_emergency
from vaxel.directory.presence import LineState
from vaxel.media.player import Comfort
from vaxel.pbx.devices import Device, DeviceKind, RingOutcome, RingStep
from vaxel.pbx.feature_codes import (
    NOT_A_PERSON,
    FeatureCodeRefused,
    RecordPrompt,
    SetSwitch,
    parse,
)
from vaxel.pbx.forwarding import ForwardCondition, Forwarding, ForwardNow, Hops, decide
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.pbx.reach import Absence, LineReport, PersonReach
from vaxel.prompts.library import UPLOAD_PREFIX
from vaxel.speech import PAUSE, absent_person, extension_name
from vaxel.telephony.call_parties import is_callee
from vaxel.telephony.call_states import OfferState
from vaxel.telephony.line_feed import LineFeed
from vaxel.telephony.mobile_codes import MobileCodeAccess
from vaxel.telephony.transfer_recall import TransferRecalls

if TYPE_CHECKING:
    from collections.abc import Callable

    from vaxel.media.backend import MediaBackend
    from vaxel.sip.transaction import RequestReceived
    from vaxel.telephony.bridging import Bridging
    from vaxel.telephony.calls import Call
    from vaxel.telephony.dialout import Dialer
    from vaxel.telephony.directory import TelephonyDirectory
    from vaxel.telephony.internal import Caller, InternalCall, InternalCalls
    from vaxel.telephony.notices import CallPrompts
    from vaxel.telephony.switch import Switch
    from vaxel.telephony.voicemail import VoicemailCalls

__all__ = ["EXTERNAL", "ReachingPeople"]

log = logging.getLogger(__name__)

EXTERNAL = "external:"
"""The target ref of an external number a call was forwarded to (no person behind it)."""
EXTERNAL_RING_S = 60.0
GRACE_PAUSES = 8
"""Short silences after the offer, so a key pressed just after it still counts (~2.4 s)."""
_CONDITION = {
    RingOutcome.BUSY: ForwardCondition.BUSY,
    RingOutcome.NO_ANSWER: ForwardCondition.NO_ANSWER,
    RingOutcome.UNREGISTERED: ForwardCondition.UNREGISTERED,
}


class ReachingPeople:
    """The PERSON handler with forwarding and presence; :meth:`installed_on` a switch.

    It depends on the switch's parts it uses, not on the switch (STYLE: the smallest
    interface): internal calls (ring plans, the handlers of the plan's targets), the
    directory, the dialer (forwarding out over the trunk), media and bridging (what a caller
    hears), prompts (a recorded name), voicemail (the PIN of ``*95*``/``*96*``), answering
    and the clock. Only :meth:`installed_on` sees the whole switch, to hook it in."""

    recalls: TransferRecalls
    """The switch's blind-transfer recalls, made by :meth:`installed_on` (issue 14 §6)."""

    def __init__(
        self,
        reach: PersonReach,
        lines: LineReport,
        *,
        internal: InternalCalls,
        directory: TelephonyDirectory,
        dialer: Dialer,
        media: MediaBackend,
        bridging: Bridging,
        prompts: CallPrompts,
        voicemail: VoicemailCalls,
        answer_caller: Callable[[Call], None],
        clock: Callable[[], float],
    ) -> None:
        self.reach = reach
        self.lines = lines
        self.internal = internal
        self.directory = directory
        self.dialer = dialer
        self.media = media
        self.bridging = bridging
        self.prompts = prompts
        self.voicemail = voicemail
        self.answer_caller = answer_caller
        self.clock = clock
        self._hops: dict[str, Hops] = {}
        self._menus: dict[str, str] = {}
        """call id → the absent person whose caller may press 0 or 1."""

    @classmethod
    def installed_on(cls, switch: Switch, reach: PersonReach, lines: LineReport) -> ReachingPeople:
        """Made of ``switch``'s parts and hooked into it: the PERSON handler, the first
        ring-outcome hook, the keys of an absent person's caller, transfer recalls and
        feature codes."""
        people = cls(
            reach,
            lines,
            internal=switch.internal,
            directory=switch.directory,
            dialer=switch.dialer,
            media=switch.media,
            bridging=switch.bridging,
            prompts=switch.prompts,
            voicemail=switch.voicemail_calls,
            answer_caller=switch.answer_caller,
            clock=switch.clock,
        )
        switch.internal.handlers[TargetKind.PERSON] = people
        switch.internal.outcome_hooks.insert(0, people)
        switch.internal.person_reach = people
        switch.actions.internal_keys = people.key
        switch.actions.forget_hooks.append(people.forgotten)
        people.recalls = TransferRecalls(switch, people)
        people.recalls.install()  # a blind transfer nobody answers comes back (issue 14 §6)
        switch.internal.handlers[TargetKind.FEATURE_CODES] = MobileCodeAccess(switch, people)
        LineFeed.installed_on(switch, lines)  # queue calls, calls placed: the line too (DIR4)
        return people

    # a call reaches a person ---------------------------------------------------------------

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        tenant, person = call.tenant_id, target.ref
        devices = self.directory.pbx.devices(tenant, person)
        steps = devices.steps() if devices is not None else []
        registered = any(self.internal.destinations(tenant, s.devices) for s in steps)
        busy = self.reach.line(tenant, person) is LineState.BUSY
        forwarding = None if person.startswith(EXTERNAL) else self.reach.forwarding(tenant, person)
        decision = decide(forwarding, registered=registered, busy=busy)
        if isinstance(decision, ForwardNow) and self._forward(call, person, decision.destination):
            return
        absence = self.reach.absence(tenant, person)
        if absence is not None:
            self._tell_absence(call, person, absence)
            return
        if not isinstance(decision, ForwardNow) and decision.no_answer_s is not None:
            steps = _capped(steps, decision.no_answer_s)
        self.lines.ringing(tenant, person, call.call_id)
        self.internal.ring_steps(call, steps)

    def ring_ended(self, call: Call, internal: InternalCall, outcome: RingOutcome) -> bool:
        """The outcome's forwarding rule, else the absent person's presence; False: the
        switch tells the caller."""
        if internal.target.kind is not TargetKind.PERSON:
            return False
        tenant, person = call.tenant_id, internal.target.ref
        self.lines.left(tenant, person, call.call_id)
        if person.startswith(EXTERNAL):
            return False
        condition = _CONDITION.get(outcome)
        rule = (self.reach.forwarding(tenant, person) or Forwarding()).rule(condition) \
            if condition is not None else None  # fmt: skip
        if rule is not None and self._forward(call, person, rule.destination):
            return True
        absence = self.reach.absence(tenant, person)
        if absence is not None:
            self._tell_absence(call, person, absence)
            return True
        return False

    def answered(self, call: Call) -> None:
        """Her phone answered: her line is busy. Picked up by another phone instead (her
        offers withdrawn, none answered), she is free — the picker's line is his."""
        internal = call.internal
        if internal is None or internal.target.kind is not TargetKind.PERSON:
            return
        offers = call.machine.offers
        if any(is_callee(n) and o.state is OfferState.ANSWERED for n, o in offers.items()):
            self.lines.answered(call.tenant_id, internal.target.ref, call.call_id)
        else:
            self.lines.left(call.tenant_id, internal.target.ref, call.call_id)

    def forgotten(self, call_id: str) -> None:
        self._hops.pop(call_id, None)
        self._menus.pop(call_id, None)
        self.lines.ended(call_id)

    # forwarding ----------------------------------------------------------------------------

    def _forward(self, call: Call, person: str, destination: str) -> bool:
        """Send ``call`` on to ``destination``; False when it may not go (a loop, too many
        hops, a barred or unroutable number, a kind nothing handles)."""
        internal = call.internal
        assert internal is not None
        tenant = call.tenant_id
        own = self.reach.extension(tenant, person) or person
        hops = self._hops.get(call.call_id) or Hops(earlier=internal.diversions)
        if is_emergency(destination):  # a rule kept before 112 was refused when set
            log.warning(
                "%s: forwarding %s to %s refused (emergency)", call.call_id, own, destination
            )
            return False
        if not hops.may_forward(own, destination):
            log.info("%s: not forwarded %s -> %s (loop or hops)", call.call_id, own, destination)
            return False
        target = self.directory.pbx.resolve(tenant, destination)
        if target is None:
            target = self.internal.plain_extension(tenant, destination)
        if target is not None:
            handler = self.internal.handlers.get(target.kind)
            if handler is None:
                return False
            self._hops[call.call_id] = hops.then(own)
            internal.diversions = hops.count + 1
            internal.diverted_from = self._direct_number(tenant, person) or own
            internal.target = target
            handler.start(call, target, internal.caller)
            return True
        decision = self.directory.dial_policy(tenant, person).decide(destination)
        if not decision.allowed or not self.dialer.route_or_nothing(
            tenant,
            decision.number,
            person,  # the person's class, under any key (PBX8)
        ):
            log.info("%s: forwarding %s to %s refused", call.call_id, own, destination)
            return False
        self._hops[call.call_id] = hops.then(own)
        internal.diversions = hops.count + 1  # told to the carrier (RFC 5806)
        internal.diverted_from = self._direct_number(tenant, person) or own
        internal.target = Target(TargetKind.PERSON, EXTERNAL + decision.number)
        step = RingStep((Device(DeviceKind.MOBILE, decision.number),), EXTERNAL_RING_S)
        self.internal.ring_steps(call, [step])
        return True

    def _direct_number(self, tenant: str, person: str) -> str | None:
        """The person's direct number (a DID of a short number of theirs), if any."""
        plan = self.directory.pbx.plans.get(tenant)
        if plan is None:
            return None
        for short in plan.numbers_of(Target(TargetKind.PERSON, person)):
            did = plan.direct_number(short)
            if did is not None:
                return did
        return None

    # presence ------------------------------------------------------------------------------

    def _tell_absence(self, call: Call, person: str, absence: Absence) -> None:
        tenant = call.tenant_id
        language = self.directory.language(tenant)
        offer = self.reach.absent_offer(tenant)
        operator = offer.operator and self._operator(tenant) is not None
        voicemail = offer.voicemail and TargetKind.VOICEMAIL in self.internal.handlers
        now = datetime.fromtimestamp(self.clock(), STOCKHOLM)
        until = absence.until.astimezone(STOCKHOLM) if absence.until is not None else None
        sequence = absent_person(
            self._name(tenant, person, language),
            absence.reason_id,
            until,
            now.date(),
            operator=operator,
            voicemail=voicemail,
            language=language,
        )
        if operator or voicemail:  # keys in the dialog: answered; else early media, 480
            self._menus[call.call_id] = person
            self.answer_caller(call)
            sequence = (*sequence, *[f"{language}/{PAUSE}"] * GRACE_PAUSES)
        if call.caller is not None:
            self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        self.bridging.caller_hears(call, list(sequence), then_hangup=True)

    def _name(self, tenant: str, person: str, language: str) -> tuple[str, ...]:
        recorded = f"{UPLOAD_PREFIX}{tenant}/namn-{person}"
        if self.prompts.exists(recorded):
            return (recorded,)
        extension = self.reach.extension(tenant, person)
        if extension and extension.isdigit() and len(extension) <= 10:
            return extension_name(extension, language)
        return ()

    def _operator(self, tenant: str) -> Target | None:
        number = self.reach.absent_offer(tenant).operator_number
        target = self.directory.pbx.resolve(tenant, number) if number else None
        if target is None or target.kind not in self.internal.handlers:
            return None
        return target

    def key(self, call: Call, digit: str) -> bool:
        """A key from a caller of an internal call: 0 or 1 after an absent person's
        presence; True when it was taken."""
        person = self._menus.get(call.call_id)
        internal = call.internal
        if person is None or internal is None or digit not in ("0", "1"):
            return False
        target = (
            self._operator(call.tenant_id) if digit == "0" else Target(TargetKind.VOICEMAIL, person)
        )
        handler = self.internal.handlers.get(target.kind) if target is not None else None
        if target is None or handler is None:
            return False
        del self._menus[call.call_id]
        if call.caller is not None:
            self.media.stop_playback(call.caller.endpoint.endpoint_id)
        call.playback_id, call.hangup_after_playback = "", False
        internal.target = target
        handler.start(call, target, internal.caller)
        return True

    # feature codes -------------------------------------------------------------------------

    def feature_code(self, event: RequestReceived, caller: Caller, dialled: str) -> None:
        """Answer, carry the code out as the extension's person, say how it went, hang up."""
        call = self.internal.answer(event, caller.tenant_id)
        person = self.person_of_phone(caller.tenant_id, caller.extension)
        try:
            command = parse(dialled)
        except FeatureCodeRefused as refused:
            prompt = refused.prompt
        else:
            if isinstance(command, RecordPrompt | SetSwitch):  # a PIN first (IVR4, IVR5)
                admin = self.voicemail.admin
                if admin.start(call, person or "", command):
                    return
            prompt = (
                self.reach.carry_out(caller.tenant_id, person, command)
                if person is not None
                else NOT_A_PERSON
            )
        log.info("%s: feature code from %s answered %s", call.call_id, caller.extension, prompt)
        if call.caller is not None:
            self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        self.bridging.caller_hears(call, [prompt], then_hangup=True)

    def person_of_phone(self, tenant: str, extension: str) -> str | None:
        """Whose phone ``extension`` is: the person whose devices include it in the plan,
        else the directory's person on that extension."""
        found = self.directory.pbx.person_of_phone(tenant, extension)
        return found if found is not None else self.reach.person_on(tenant, extension)


def _capped(steps: list[RingStep], seconds: float) -> list[RingStep]:
    """The ring plan cut to ``seconds`` in all (the no-answer rule's ringing time)."""
    kept: list[RingStep] = []
    left = seconds
    for step in steps:
        if left <= 0:
            break
        kept.append(RingStep(step.devices, min(step.ring_s, left)))
        left -= step.ring_s
    return kept
