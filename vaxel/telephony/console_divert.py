"""A console transfer to a person whose presence or forwarding diverts their calls (issue 16
§3, OP5, spec §66): by default it follows the diversion; *genomringning* (ring-through)
rings the person's own phones regardless.

Rules kept here:
- A registrar extension that is a person's phone (the plan's devices, else the
  directory's person on it) whose person is absent (a presence with a reason) or has any
  forwarding rule is not rung directly: the caller becomes the internal call to that
  person (``console_plan.transfer_into_plan``), so the person's handler in
  ``person_reach.py`` applies the forwarding and presence exactly as for a colleague's
  call — as a person's short number already did. Without a diversion the queue transfer
  rings the extension, rung back to her unanswered (``call_transfer.py``).
- :func:`diversion` says which diversion the transfer followed, for her console (a
  person's short number of the plan too: it always went to their handler).
- Ring-through (:func:`ring_through_targets`) rings every device of the person — a
  person's number of the plan (their short number), or a registrar extension of the
  tenant's — as the queue transfer, never their forwarding or presence; the recall and
  the queue's front still catch it unanswered. A group, mailbox, conference room or an
  outside number is refused ('console-through-person'): there is nobody to ring through to.
"""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.core.errors import DomainError
from vaxel.pbx.forwarding import ForwardCondition
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.telephony.console_plan import PlanSwitch, consulted_phones, plan_target
from vaxel.telephony.dialout import Target as Destination

__all__ = ["Diversion", "diversion", "diverted_target", "ring_through_targets"]


@dataclass(frozen=True, slots=True)
class Diversion:
    """The diversion of the person on an extension: ``kind`` 'forwarded' (all calls, to
    ``to``), 'conditional' (a rule for busy, no answer or not registered, to ``to``) or
    'absent' (their presence is said to the caller)."""

    person: str
    kind: str
    to: str = ""


def diversion(switch: PlanSwitch, tenant_id: str, number: str) -> Diversion | None:
    """The diversion a console transfer to ``number`` follows — the person on a registrar
    extension, or a person's number of the plan; None: no person, or nothing diverts."""
    internal = switch.internal
    people = internal.person_reach
    if people is None:
        return None
    extension = internal.directory.extensions.get(number)
    if extension is not None and extension.tenant_id == tenant_id:
        person = people.person_of_phone(tenant_id, number)
    else:
        target = plan_target(switch, tenant_id, number)
        person = target.ref if target is not None and target.kind is TargetKind.PERSON else None
    if person is None:
        return None
    forwarding = people.reach.forwarding(tenant_id, person)
    if forwarding is not None and forwarding.rules:
        always = forwarding.rule(ForwardCondition.ALWAYS)
        if always is not None:
            return Diversion(person, "forwarded", always.destination)
        return Diversion(person, "conditional", forwarding.rules[0].destination)
    if people.reach.absence(tenant_id, person) is not None:
        return Diversion(person, "absent")
    return None


def diverted_target(switch: PlanSwitch, tenant_id: str, number: str) -> Target | None:
    """The person to send the caller to when the extension ``number`` diverts; None: ring
    the extension (``transfer_from_console`` asks the plan first)."""
    found = diversion(switch, tenant_id, number)
    if found is None or TargetKind.PERSON not in switch.internal.handlers:
        return None
    return Target(TargetKind.PERSON, found.person)


def ring_through_targets(
    switch: PlanSwitch, tenant_id: str, number: str
) -> list[Destination] | None:
    """The person's own phones for a ring-through: every device of a person's number of the
    plan; None for a registrar extension of the tenant's (rung as itself, routed as the
    queue transfer routes it); refused for anything else."""
    devices = consulted_phones(switch, tenant_id, number)  # 'console-no-route': none up
    if devices is not None:
        return devices
    extension = switch.internal.directory.extensions.get(number)
    mine = extension is not None and extension.tenant_id == tenant_id
    if not mine or plan_target(switch, tenant_id, number) is not None:
        raise DomainError(f"{number[:40]!r} is no person", code="console-through-person")
    return None
