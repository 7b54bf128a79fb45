# mypy: disable-error-code="misc"
# (a part of Switch: each method is typed ``self: Switch``, the whole switch it runs in)
"""Callbacks' dial-out (CB9): once the agent's phone answered, the customer is dialled while
the agent hears ringback; how long it rings, and what the agent hears when nobody answers,
is the call machine's (CALLBACK_DIALLING); part of the switch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.acd.commands import DialCallback
from vaxel.media.player import Comfort
from vaxel.telephony.call import CallState, OfferState
from vaxel.telephony.call_events import CUSTOMER, NoRoute

if TYPE_CHECKING:
    from vaxel.telephony.switch import Switch

__all__ = ["CallbackDialOut"]

log = logging.getLogger(__name__)


class CallbackDialOut:
    def _dial_customer(self: Switch, command: DialCallback) -> None:
        call = self.calls.get(command.contact_id)
        if call is None:
            return
        if call.agent is None:
            ringing = call.machine.offers.get(command.agent_id)
            if ringing is not None and ringing.state is OfferState.RINGING:
                call.dial_after_answer = command  # picked from the list: phone rings first
            return
        if call.state is not CallState.CALLBACK_DIALLING:
            log.warning("dial-out of %s in state %s ignored", call.call_id, call.state.value)
            return
        targets = self.dialer.route_or_nothing(command.tenant_id, command.number)
        if not targets:
            self._step(call, NoRoute(CUSTOMER))
            return
        self.media.set_comfort(call.agent.endpoint.endpoint_id, Comfort.RINGBACK)
        self._ring(call, CUSTOMER, targets, "vaxel", "customer")
