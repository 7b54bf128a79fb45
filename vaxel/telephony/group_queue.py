"""An answer group answered through an ACD queue (PBX3, strategy QUEUE): the group's
caller is handed to the queue engine as if a service number's flow had queued them.

Rules kept here:
- A call to the group's number becomes a contact of the group's ``queue_id`` in the one
  ACD engine (no second queue): the engine offers it to the queue's logged-in agents, rings
  their phones, whispers, bridges and wraps up as for any queued caller (Q-rules). The
  caller hears ringback while waiting (a colleague's group rings; no music), and the
  contact carries the caller's number and the group's number.
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

__all__ = ["QueueAnswers", "group_flow"]


class _NoSchedules:
    """A group's flow has no schedule branch: the queue's own opening hours apply."""

    def is_open(self, schedule_id: str, now: float) -> bool:
        return True


def group_flow(group: AnswerGroup, language: str) -> Flow:
    """The one-node flow that queues a group's caller, with ringback while they wait."""
    return flow_from_dict(
        {
            "id": f"group-{group.group_id}",
            "language": language,
            "start": "queue",
            "nodes": {"queue": {"type": "queue", "queue": group.queue_id, "ringback": True}},
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
    ) -> None:
        self.center = center
        self.directory = directory
        self.clock = clock
        self.run_flow = run_flow

    def start(self, call: Call, group: AnswerGroup, target: Target, caller: Caller) -> bool:
        tenant, directory = call.tenant_id, self.directory
        if group.queue_id not in self.center.running_queues(tenant):
            return False
        plan = directory.pbx.plans.get(tenant)
        numbers = plan.numbers_of(target) if plan is not None else []
        info = CallInfo(caller.number, numbers[0] if numbers else "", directory.dial_policy(tenant))
        flow = group_flow(group, directory.language(tenant))
        call.internal = None  # from here a queued caller like a service number's
        call.machine = CallMachine()
        call.session = CallSession(self.center, tenant, call.call_id, flow, info, _NoSchedules())
        self.run_flow(call, call.session.start(self.clock()))
        return True
