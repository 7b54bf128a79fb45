# mypy: disable-error-code="misc"
# (a part of Switch: each method is typed ``self: Switch``, the whole switch it runs in)
"""Callbacks' dial-out (CB9): once the agent's phone answered, the customer is dialled while
the agent hears ringback; the outcome goes to the ACD; part of the switch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.acd.commands import DialCallback
from vaxel.acd.events import CallbackAttemptEnded
from vaxel.media.player import Comfort
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.notices import SystemPrompt

if TYPE_CHECKING:
    from vaxel.telephony.switch import Switch

__all__ = ["CallbackDialOut"]


class CallbackDialOut:
    def _dial_customer(self: Switch, command: DialCallback) -> None:
        call = self.calls.get(command.contact_id)
        if call is None:
            return
        if call.agent is None:
            ringing = call.attempts.get(command.agent_id)
            if ringing is not None and not ringing.answered and not ringing.cancelled:
                call.dial_after_answer = command  # picked from the list: phone rings first
            return
        targets = self.dialer.route_or_nothing(command.tenant_id, command.number)
        if not targets:
            self._submit(CallbackAttemptEnded(call.tenant_id, call.call_id, "no_answer"))
            self._agent_hears(
                call,
                [self._notice(call, SystemPrompt.NO_SUCH_NUMBER, agent=True)],
                then_hangup=True,
            )
            return
        self.media.set_comfort(call.agent.endpoint.endpoint_id, Comfort.RINGBACK)
        self.dialer.ring(call, "customer", targets, "vaxel", "customer")
        self.timers.customer_timeout(call, self._customer_no_answer)

    def _customer_no_answer(self: Switch, call: Call) -> None:
        attempt = call.attempts.get("customer")
        if attempt is None or attempt.answered or attempt.cancelled:
            return
        attempt.cancelled = True
        for fork in attempt.forks.values():
            self.dialer.cancel(fork)
        self._submit(CallbackAttemptEnded(call.tenant_id, call.call_id, "no_answer"))
        self._agent_hears(
            call,
            [self._notice(call, SystemPrompt.CUSTOMER_NO_ANSWER, agent=True)],
            then_hangup=True,
        )
        self.drain()

    def _customer_answered(self: Switch, call: Call, leg: Leg) -> None:
        call.customer = leg
        call.caller = leg  # from here on the customer is the other party of the agent
        self._submit(CallbackAttemptEnded(call.tenant_id, call.call_id, "answered"))
        if call.agent is not None:
            self.media.stop_playback(call.agent.endpoint.endpoint_id)
            self._bridge(call)
