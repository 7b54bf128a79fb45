"""Calls to the PBX's numbers (PBX1): the switch hands on every INVITE that is not to a
service number or a room; answering it and ringing phones go through the narrow
:class:`~vaxel.telephony.internal_ports.InternalPort` the switch gives this part.

Rules kept here:
- Who calls: an extension authenticated by digest (its tenant's plan), or a trusted trunk
  dialling a direct number (DID), whose caller id is passed on unchanged (PBX2): a
  tenant's trunk reaches that tenant's DIDs only, a node-wide trusted peer any tenant's.
  Anything else: an external number through the dial policy (403 barred, 484 garbage,
  404 without a route), or 404 "no such number".
- The dialled number goes through the tenant's :class:`~vaxel.pbx.numbering.NumberingPlan`
  and its target to the handler registered for its kind (``InternalCalls.handlers``: PERSON here,
  GROUP and QUEUE by their modules, VOICEMAIL, CONFERENCE, PARK_ORBIT by theirs). A kind
  without a handler is 404 like an unknown number. An extension of the tenant missing
  from the plan still rings its phones (a plain phone without a person).
- The caller is not answered while the callee's devices ring: 183 Session Progress with
  our SDP and ringback as early media (RFC 3960), 200 only when a device answers or Växel
  itself must talk in the dialog (voicemail, a presence with 0/1, a queue, a conference
  room, a parked call); told it is busy or nobody answers, the caller gets the prompt as
  early media and then 486 or 480 — never billed. The devices ring step
  by step (``ring_steps``: all at once, or one after another); when every step is over
  unanswered the outcome (busy, no answer, unregistered, failed) goes to the hooks in
  ``InternalCalls.outcome_hooks`` in order (forwarding, PBX5); if none takes the call over the
  caller is told and hung up.
- A mobile device at one of the tenant's own direct numbers is never dialled over the trunk
  (it would come back as a call ringing it again); its person's other devices still ring.
  Ringing a mobile counts as a forwarding (Diversion, RFC 5806); a call that came forwarded
  MAX_HOPS times rings none (mobiles at each other's direct numbers elsewhere: no spiral).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vaxel.core.dial_policy import is_emergency
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices, RingOutcome, RingStep, outcome_of
from vaxel.pbx.feature_codes import is_feature_code
from vaxel.pbx.forwarding import MAX_HOPS
from vaxel.pbx.groups import GroupStrategy
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.sip.diversion import diversion_count
from vaxel.telephony.call_events import CALLEE
from vaxel.telephony.caller_id import caller_id
from vaxel.telephony.dialout import Target as Destination
from vaxel.telephony.notices import SystemPrompt
from vaxel.telephony.numbers import dial_or_sip_error
from vaxel.telephony.outside_calls import OutsideCalls, looks_external

if TYPE_CHECKING:
    from vaxel.sip.transaction import RequestReceived
    from vaxel.telephony.bridging import Bridging
    from vaxel.telephony.calls import Call
    from vaxel.telephony.dialout import Dialer
    from vaxel.telephony.directory import TelephonyDirectory
    from vaxel.telephony.group_queue import QueueAnswers
    from vaxel.telephony.internal_ports import InternalPort, RingOutcomeHook, TargetHandler
    from vaxel.telephony.notices import CallPrompts
    from vaxel.telephony.parking import Parking
    from vaxel.telephony.person_reach import ReachingPeople
    from vaxel.telephony.refusals import EarlyRefusals
    from vaxel.telephony.registration import Registration

__all__ = [
    "Caller",
    "GroupCalls",
    "InternalCall",
    "InternalCalls",
    "PersonCalls",
]

log = logging.getLogger(__name__)
_TOLD = {
    RingOutcome.BUSY: SystemPrompt.BUSY,
    RingOutcome.NO_ANSWER: SystemPrompt.NO_ANSWER,
    RingOutcome.UNREGISTERED: SystemPrompt.NO_ANSWER,
    RingOutcome.FAILED: SystemPrompt.NO_ANSWER,
}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who placed an internal call: an extension of the tenant, or an outside caller on a
    trusted trunk (``extension`` empty) whose number is passed on unchanged (PBX2)."""

    tenant_id: str
    number: str
    display_name: str = ""
    extension: str = ""


@dataclass(slots=True)
class InternalCall:
    """What the PBX keeps for one call it routes: the target dialled, the caller, and the
    ring steps still to try."""

    target: Target
    caller: Caller
    steps: list[RingStep] = field(default_factory=list)
    rung: int = 0
    """How many offers this call has rung (each step or forward is ``callee:<n>``)."""
    outcome: RingOutcome | None = None
    """The outcome of the last step that rang (or UNREGISTERED when none could)."""
    diversions: int = 0
    """Forwardings so far: those its carrier told of (Diversion, a trunk caller's only),
    then each made here; sent on in a Diversion when forwarded out over the trunk."""
    diverted_from: str = ""
    """The number of the person who forwarded it last (the Diversion's URI)."""


class PersonCalls:
    """TargetKind.PERSON: the person's devices ring, in parallel or in sequence (PBX1)."""

    def __init__(self, internal: InternalCalls) -> None:
        self.internal = internal

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        devices = self.internal.directory.pbx.devices(call.tenant_id, target.ref)
        steps = devices.steps() if devices is not None else []
        self.internal.ring_steps(call, steps)


class GroupCalls:
    """TargetKind.GROUP: the logged-in members' devices ring, all at once or in order, or
    the group's ACD queue answers (PBX3, ``group_queue.py``); a queue the tenant does not
    run leaves its caller told that nobody answers."""

    def __init__(self, internal: InternalCalls, queue: QueueAnswers) -> None:
        self.internal = internal
        self.queue = queue

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        pbx = self.internal.directory.pbx
        group = pbx.groups.get((call.tenant_id, target.ref))
        steps = []
        if group is not None and group.strategy is GroupStrategy.QUEUE:
            if self.queue.start(call, group, target, caller):
                return
        elif group is not None:
            people = {
                person_id: devices
                for (tenant_id, person_id), devices in pbx.people.items()
                if tenant_id == call.tenant_id
            }
            steps = group.steps(people)
        self.internal.ring_steps(call, steps)


class InternalCalls:
    def __init__(
        self,
        directory: TelephonyDirectory,
        registration: Registration,
        dialer: Dialer,
        prompts: CallPrompts,
        bridging: Bridging,
        parking: Parking,
        refusals: EarlyRefusals,
        calls: InternalPort,
    ) -> None:
        self.directory = directory
        self.registration = registration
        self.dialer = dialer
        self.prompts = prompts
        self.bridging = bridging
        self.parking = parking
        self.refusals = refusals
        self.calls = calls
        self.handlers: dict[TargetKind, TargetHandler] = {
            TargetKind.PERSON: PersonCalls(self),
        }
        """What each kind of PBX number does; the switch and the root register more."""
        self.outcome_hooks: list[RingOutcomeHook] = []
        """Told, in order, when an internal call's callee did not answer (PBX5)."""
        self.person_reach: ReachingPeople | None = None
        """Forwarding, presence, line state and feature codes (PBX5; ``person_reach.py``)."""
        self.outside_calls = OutsideCalls(dialer, self)

    def answer(self, event: RequestReceived, tenant_id: str) -> Call:
        """Answer a new INVITE at once (200) as an internal call of ``tenant_id``: a feature
        code, which talks with the caller straight away."""
        return self.calls.answer_call(event, tenant_id, internal=True)

    def begin(self, event: RequestReceived, caller: Caller, target: Target) -> Call:
        """Take a new INVITE as the internal call of ``caller`` to ``target``: 183 with
        ringback as early media; 200 only when a device answers or Växel must talk."""
        call = self.calls.answer_call(event, caller.tenant_id, internal=True, early=True)
        call.internal = InternalCall(target, caller)
        if not caller.extension:  # a phone's Diversion is its own claim; a carrier's counts
            call.internal.diversions = diversion_count(event.request)
        return call

    def not_a_service_number(
        self,
        event: RequestReceived,
        number: str,
        username: str | None,
        carrier_of: str | None = None,
    ) -> None:
        """The switch's hook for an INVITE to no service number (see the module's rules);
        ``carrier_of`` the tenant whose trunk sent it (None: node-wide trust or a phone)."""
        caller = self._internal_caller(event, username)
        target: Target | None = None
        if caller is not None and self.person_reach is not None and is_feature_code(number):
            self.person_reach.feature_code(event, caller, number)  # PBX5: before the plan
            return
        if caller is not None:  # the plan's numbers, else the default park orbits (OP3)
            target = self.directory.pbx.resolve(caller.tenant_id, number)
            target = target or self.parking.target(caller.tenant_id, number)
        elif username is None:  # a trusted trunk: one of the tenants' direct numbers?
            found = self.directory.pbx.direct_in(number, carrier_of)
            if found is not None:  # never an extension by its From: caller id is spoofable
                tenant_id, target = found
                caller = self._trunk_caller(event, tenant_id)
        if caller is not None and target is None:
            target = self.plain_extension(caller.tenant_id, number)
        if caller is not None and caller.extension and target is None and looks_external(number):
            self.outside_calls.start(event, caller, number)  # over the trunk (issue 14 §2)
            return
        handler = self.handlers.get(target.kind) if target is not None else None
        if caller is None or target is None or handler is None:
            tenant_id = caller.tenant_id if caller else carrier_of or ""
            self._nowhere(event, tenant_id, number, proven=username is not None)
            return
        call = self.begin(event, caller, target)
        handler.start(call, target, caller)

    def _internal_caller(self, event: RequestReceived, username: str | None) -> Caller | None:
        extension = self.directory.extensions.get(username) if username else None
        if extension is None:
            return None
        return Caller(
            extension.tenant_id, extension.extension, extension.display_name, extension.extension
        )

    def _trunk_caller(self, event: RequestReceived, tenant_id: str) -> Caller:
        shown = caller_id(event.request.headers.get("From") or "")
        return Caller(tenant_id, shown.number, shown.display_name)

    def plain_extension(self, tenant_id: str, number: str) -> Target | None:
        extension = self.directory.extensions.get(number)
        if extension is None or extension.tenant_id != tenant_id:
            return None
        key = (tenant_id, f"extension:{number}")
        if key not in self.directory.pbx.people:
            self.directory.pbx.people[key] = PersonDevices(
                tenant_id, key[1], (Device(DeviceKind.SIP, number),)
            )
        return Target(TargetKind.PERSON, key[1])

    def _nowhere(
        self, event: RequestReceived, tenant_id: str, number: str, *, proven: bool
    ) -> None:
        """No target: an external number through the dial policy (403, 484), else 404 after
        "numret finns inte" as early media (``refusals.py``), whether no such short number
        or no route out for an external one; ``proven``: the INVITE was digest-authenticated
        (else it was trusted by its source address alone)."""
        if number.startswith(("+", "00")) or (number.isdigit() and len(number) >= 7):
            if not tenant_id:
                tenant = next(iter(self.directory.numbers.values()), None)
                tenant_id = tenant.tenant_id if tenant else ""
            dial_or_sip_error(self.directory.dial_policy(tenant_id), number)  # 403, 484
            reason = "Not Found: no outbound route for this number"
            self.refusals.refuse(
                event, tenant_id, SystemPrompt.NO_SUCH_NUMBER, reason=reason, proven=proven
            )
            return
        self.refusals.refuse(event, tenant_id, SystemPrompt.NO_SUCH_NUMBER, proven=proven)

    # -- ringing the callee -----------------------------------------------------------------

    def ring_steps(self, call: Call, steps: list[RingStep]) -> None:
        """Ring ``steps`` one after another (the caller hears ringback); what the last one
        that rang came to goes to the outcome hooks."""
        internal = call.internal
        assert internal is not None
        internal.steps = list(steps)
        internal.outcome = None
        self._next_step(call)

    def _next_step(self, call: Call) -> None:
        internal = call.internal
        assert internal is not None
        while internal.steps:
            step = internal.steps.pop(0)
            destinations = self.destinations(call.tenant_id, step.devices, internal)
            if destinations:
                internal.rung += 1
                offer = CALLEE if internal.rung == 1 else f"{CALLEE}:{internal.rung}"
                from_user = internal.caller.number or "anonymous"
                self.calls.ring(
                    call,
                    offer,
                    destinations,
                    from_user,
                    "callee",
                    ring_s=step.ring_s,
                    from_name=internal.caller.display_name,
                )
                return
        self._ring_over(call, internal.outcome or RingOutcome.UNREGISTERED)

    def destinations(
        self,
        tenant_id: str,
        devices: tuple[Device, ...],
        internal: InternalCall | None = None,
    ) -> list[Destination]:
        found: list[Destination] = []
        for device in devices:
            if device.kind is DeviceKind.SIP:
                extension = self.directory.extensions.get(device.address)
                if extension is not None and extension.tenant_id == tenant_id:
                    found += [
                        (b.contact, b.source, b.transport)
                        for b in self.registration.bindings(extension)
                    ]
            elif self.directory.pbx.resolve(tenant_id, device.address) is not None:
                # a direct number of the tenant's own would come back from the carrier as a
                # call ringing this device again: a spiral through the trunk (task R)
                log.info("device %s is a direct number here: not dialled out", device.address)
            elif is_emergency(device.address) and not (
                internal is not None and internal.target.kind is TargetKind.EXTERNAL
            ):  # 112 only when dialled, never as someone's device (no form accepts it)
                log.warning("device %s is an emergency number: not dialled", device.address)
            elif internal is not None and internal.diversions >= MAX_HOPS:
                # the call has gone round enough (Diversion): not out over the trunk again
                log.info("device %s not dialled: forwarded %d times", device.address, MAX_HOPS)
            else:  # a mobile over the trunk, subject to the dial policy (PBX8, PBX9)
                user = self._dialled_for(tenant_id, device, internal)
                found += self.dialer.route_or_nothing(tenant_id, device.address, user)
                if internal is not None and not internal.diverted_from:
                    internal.diverted_from = self._direct_number(tenant_id, internal.target)
        return found

    def _direct_number(self, tenant_id: str, target: Target) -> str:
        """A direct number of ``target`` (the Diversion's URI when its mobile is rung)."""
        plan = self.directory.pbx.plans.get(tenant_id)
        dids = [plan.direct_number(n) for n in plan.numbers_of(target)] if plan else []
        return next((did for did in dids if did), "")

    def _dialled_for(self, tenant_id: str, device: Device, internal: InternalCall | None) -> str:
        """Whose class of service a number over the trunk is dialled under (PBX8): the
        caller's for a call out, else that of the person whose device it is — a caller
        from outside must not make Växel dial what the person could not (toll fraud)."""
        if internal is not None and internal.target.kind is TargetKind.EXTERNAL:
            return internal.caller.extension
        for (tenant, person_id), held in self.directory.pbx.people.items():
            if tenant == tenant_id and device in held.devices:
                return person_id  # their class under any key of theirs (PBX8, class_keys)
        return ""

    def ring_outcome(self, call: Call, status: int) -> None:
        """The call machine's ReportRingOutcome: answered, or on to the next step."""
        internal = call.internal
        if internal is None:
            return
        outcome = outcome_of(status)
        internal.outcome = outcome
        if outcome is RingOutcome.ANSWERED:
            internal.steps.clear()
            if self.person_reach is not None:
                self.person_reach.answered(call)  # the line is busy now (DIR4)
            return
        self._next_step(call)

    def _ring_over(self, call: Call, outcome: RingOutcome) -> None:
        internal = call.internal
        assert internal is not None
        for hook in self.outcome_hooks:
            if hook.ring_ended(call, internal, outcome):
                return
        log.info("%s: %s rang out (%s)", call.call_id, internal.target.ref, outcome.value)
        if outcome is RingOutcome.BUSY:  # a caller still in early media: 486 after it
            call.unanswered = (486, "Busy Here")
        prompt = self.prompts.notice(call, _TOLD.get(outcome, SystemPrompt.NO_ANSWER))
        if self.prompts.known(prompt):
            self.bridging.caller_hears(call, [prompt], then_hangup=True)
        else:
            self.calls.hang_up(call)
