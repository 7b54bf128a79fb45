# mypy: disable-error-code="misc"
# (a part of Switch: each method is typed ``self: Switch``, the whole switch it runs in)
"""Responses to the INVITEs the switch sends: agents' phones ringing in parallel, the first
answer winning, declines counted as unanswered offers (Q23); part of the switch.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from vaxel.acd.events import (
    AgentAnswered,
    AgentDeclined,
    CallbackAttemptEnded,
)
from vaxel.core.errors import VaxelError
from vaxel.sip.dialog import Dialog, header_tag
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Response
from vaxel.sip.sdp import (
    parse_sdp,
    read_answer,
)
from vaxel.telephony.calls import Attempt, Call, Fork, Leg
from vaxel.telephony.leg import Leg as LegMachine
from vaxel.telephony.leg_events import FinalReceived
from vaxel.telephony.notices import SystemPrompt

if TYPE_CHECKING:
    from vaxel.telephony.switch import Switch

__all__ = ["Ringing"]

log = logging.getLogger(__name__)


class Ringing:
    def _response(self: Switch, response: Response, client_key: tuple[str, str]) -> None:
        found = self.dialer.by_fork.get(client_key)
        if found is None:
            if client_key[1] == "INVITE" and 200 <= response.status < 300:
                self._stray_ok(response)
            return
        call, attempt = found
        fork = attempt.forks[client_key]
        status = response.status
        if status < 200:
            fork.provisional = True
            if fork.cancel_pending:
                self.dialer.send_cancel(fork)
            return
        fork.done = True
        if status >= 300:
            self._fork_failed(client_key, status)
            return
        self._fork_answered(call, attempt, fork, response)

    def _fork_answered(
        self: Switch, call: Call, attempt: Attempt, fork: Fork, response: Response
    ) -> None:
        dialog = Dialog.as_uac(fork.invite, response)
        ack = dialog.request("ACK", self.sip.via(fork.transport), cseq=fork.invite.cseq[0])
        self.sip.send_raw(ack.to_bytes(), fork.destination, fork.transport)
        leg = Leg(
            attempt.role,
            attempt.endpoint,
            fork.destination,
            fork.transport,
            dialog=dialog,
            machine=answered_phone(attempt.role, self.sip.now),
            invite=fork.invite,
            local_sdp=attempt.offer,
        )
        if attempt.answered or attempt.cancelled or call.ended:
            self._send_bye(leg)  # another phone won, or nobody is waiting any more
            return
        attempt.answered = True
        try:
            negotiated = read_answer(attempt.offer, parse_sdp(response.body))
        except (SipError, ParseError):
            log.warning("phone answered without usable SDP; hanging up")
            self._send_bye(leg)
            return
        self._set_remote(attempt.endpoint, negotiated, fork.destination[0])
        self._by_dialog[dialog.key] = (call, leg)
        self._by_endpoint[attempt.endpoint.endpoint_id] = (call, leg)
        for other in attempt.forks.values():
            if other is not fork and not other.done:
                self.dialer.cancel(other)
        if attempt.role == "customer":
            self._customer_answered(call, leg)
            return
        if attempt.role == "transfer":
            call.agent = leg
            self._bridge(call)
            return
        call.agent = leg
        call.agent_id = attempt.agent_id
        picked = call.dial_after_answer
        if picked is not None and picked.agent_id == attempt.agent_id:
            call.dial_after_answer = None  # picked from the list: connected in the ACD already
            self._dial_customer(picked)
            return
        self._submit(AgentAnswered(call.tenant_id, attempt.agent_id, call.call_id))
        if not call.bridged and call.agent is leg and not self._acd_connected(call):
            self._send_bye(leg)  # the offer had ended just before the answer

    def _fork_failed(self: Switch, client_key: tuple[str, str], status: int) -> None:
        found = self.dialer.by_fork.get(client_key)
        if found is None:
            return
        call, attempt = found
        attempt.forks[client_key].done = True
        if attempt.answered or any(not f.done for f in attempt.forks.values()):
            return
        self._attempt_over(call, attempt)
        if attempt.cancelled:
            return
        if attempt.role == "transfer":
            self._caller_hears(
                call, [self._notice(call, SystemPrompt.NO_SUCH_NUMBER)], then_hangup=True
            )
            return
        if attempt.role == "customer":
            self._submit(CallbackAttemptEnded(call.tenant_id, call.call_id, "no_answer"))
            if call.agent is not None:
                self._agent_hears(
                    call,
                    [self._notice(call, SystemPrompt.CUSTOMER_NO_ANSWER, agent=True)],
                    then_hangup=True,
                )
            return
        if call.dial_after_answer is not None and call.agent is None:
            # the agent's phone did not take the picked callback: the list shows the number
            # to call by hand instead, and the agent closes it with a note (CB10)
            call.dial_after_answer = None
            self._forget(call)
            return
        if not attempt.declined:
            attempt.declined = True
            with contextlib.suppress(VaxelError):  # the offer may have ended meanwhile
                self._submit(AgentDeclined(call.tenant_id, attempt.agent_id, call.call_id))

    def _stray_ok(self: Switch, response: Response) -> None:
        """A 2xx for an INVITE we no longer want (a late fork): ACK it and hang up."""
        to_tag = header_tag(response.headers.get("To") or "")
        if not to_tag:
            return
        log.debug("late 2xx from a forked phone, ending it")


def answered_phone(role: str, now: float) -> LegMachine:
    """The machine of an outbound leg whose 2xx just came and was ACKed here."""
    machine = LegMachine(role, inbound=False)
    machine.handle(FinalReceived(200), now)
    return machine
