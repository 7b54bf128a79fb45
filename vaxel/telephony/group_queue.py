"""An answer group answered through an ACD queue (PBX3, strategy QUEUE), or a short number
reaching a queue (PBX1, ``TargetKind.QUEUE``): the caller is handed to the queue engine as
if a service number's flow had queued them.

Rules kept here:
- A call to the group's number becomes a contact of the group's ``queue_id`` in the one
  ACD engine (no second queue): the engine offers it to the queue's logged-in agents, rings
  their phones, whispers, bridges and wraps up as for any queued caller (Q-rules). The
  caller hears ringback while waiting (a colleague's group rings; no music), and the
  contact carries the caller's number and the group's number — or, for a call a person
  forwarded here, that person's direct number (or extension), so the operator's card shows
  whom the caller wanted (issue 16, OP2).
- What a queue call is from then on is the call machine's IVR → agent path: the call's
  internal part (the ring plan of PBX1) is dropped, so neither forwarding hooks nor
  internal keys act on it.
- A queue the tenant does not run (removed, misspelt) is no queue: the caller is told
  nobody answers (the ring plan with no step), never left in silence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vaxel.flow import CallInfo, Flow, flow_from_dict
from vaxel.pbx.groups import AnswerGroup
from vaxel.pbx.numbering import Target
from vaxel.runtime.call_session import CallSession
from vaxel.telephony.call import CallMachine

if TYPE_CHECKING:
    from vaxel.acd.ports import ContactCenterPort
    from vaxel.flow import FlowCommand
    from vaxel.telephony.calls import Call
    from vaxel.telephony.directory import TelephonyDirectory
    from vaxel.telephony.internal import Caller

__all__ = ["QueueAnswers", "QueueNumbers", "queue_flow"]


class _NoSchedules:
    """A group's flow has no schedule branch: the queue's own opening hours apply."""

    def is_open(self, schedule_id: str, now: float) -> bool:
        return True


def queue_flow(flow_id: str, queue_id: str, language: str) -> Flow:
    """The one-node flow that queues a PBX caller, with ringback while they wait."""
    return flow_from_dict(
        {
            "id": flow_id,
            "language": language,
            "start": "queue",
            "nodes": {"queue": {"type": "queue", "queue": queue_id, "ringback": True}},
        }
    )


class QueueAnswers:
    """Hands calls of QUEUE groups to the ACD; :meth:`start` is False when it cannot."""

    def __init__(
        self,
        center: ContactCenterPort,
        directory: TelephonyDirectory,
        clock: Callable[[], float],
        run_flow: Callable[[Call, list[FlowCommand]], None],
        answer: Callable[[Call], None],
    ) -> None:
        self.center = center
        self.directory = directory
        self.clock = clock
        self.run_flow = run_flow
        self.answer = answer
        """A caller still in early media answered: a queue talks and plays music (Q10)."""

    def start(self, call: Call, group: AnswerGroup, target: Target, caller: Caller) -> bool:
        """The group's caller into its queue; False when the tenant runs no such queue."""
        return self.enter(call, group.queue_id, f"group-{group.group_id}", target, caller)

    def enter(
        self, call: Call, queue_id: str, flow_id: str, target: Target, caller: Caller
    ) -> bool:
        """``call`` a contact of ``queue_id``; False when the tenant runs no such queue."""
        tenant, directory = call.tenant_id, self.directory
        if queue_id not in self.center.running_queues(tenant):
            return False
        plan = directory.pbx.plans.get(tenant)
        numbers = plan.numbers_of(target) if plan is not None else []
        forwarded = call.internal.diverted_from if call.internal is not None else ""
        dialled = forwarded or (numbers[0] if numbers else "")  # whom they want (OP2)
        info = CallInfo(caller.number, dialled, directory.dial_policy(tenant))
        flow = queue_flow(flow_id, queue_id, directory.language(tenant))
        self.answer(call)
        call.internal = None  # from here a queued caller like a service number's
        call.machine = CallMachine()
        call.session = CallSession(self.center, tenant, call.call_id, flow, info, _NoSchedules())
        self.run_flow(call, call.session.start(self.clock()))
        return True


class QueueNumbers:
    """TargetKind.QUEUE: a short number straight to an ACD queue (PBX1; ``ref`` the queue
    id): its caller is queued as a group's is; a queue not run, nobody answers."""

    def __init__(self, queue: QueueAnswers, nobody: Callable[[Call], None]) -> None:
        self.queue = queue
        self.nobody = nobody

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        if not self.queue.enter(call, target.ref, f"queue-{target.ref}", target, caller):
            self.nobody(call)
