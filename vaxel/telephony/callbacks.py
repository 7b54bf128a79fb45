"""Callbacks' dial-out (CB9): once the agent's phone answered, the customer is dialled while
the agent hears ringback; how long it rings, and what the agent hears when nobody answers,
is the call machine's (CALLBACK_DIALLING). It holds the calls, the dialer and the media;
the switch gives it how to step a call's machine and to ring phones for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from vaxel.acd.commands import DialCallback
from vaxel.media.backend import MediaBackend
from vaxel.media.player import Comfort
from vaxel.telephony.call import CallState, OfferState
from vaxel.telephony.call_events import CUSTOMER, CallEvent, NoRoute
from vaxel.telephony.calls import Call
from vaxel.telephony.dialout import Dialer, Target

Ring = Callable[[Call, str, list[Target], str, str], None]
"""(call, offer, targets, from user, role): INVITE the targets as the call's offer."""

__all__ = ["CallbackDialOut"]

log = logging.getLogger(__name__)


class CallbackDialOut:
    def __init__(
        self,
        calls: dict[str, Call],
        dialer: Dialer,
        media: MediaBackend,
        step: Callable[[Call, CallEvent], None],
        ring: Ring,
    ) -> None:
        self.calls = calls
        self.dialer = dialer
        self.media = media
        self.step = step
        self.ring = ring

    def dial(self, command: DialCallback) -> None:
        """The ACD says dial the customer (or, the phone still ringing, once it answers)."""
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
            self.step(call, NoRoute(CUSTOMER))
            return
        self.media.set_comfort(call.agent.endpoint.endpoint_id, Comfort.RINGBACK)
        self.ring(call, CUSTOMER, targets, "vaxel", "customer")
