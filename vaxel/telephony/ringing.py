"""Phones the switch rings (agents' phones in parallel, a callback's customer, a transfer
target): each ringing phone is an outbound leg machine (``leg.py``) fed the responses to its
INVITE; what it says goes on the wire (CANCEL, ACK, BYE), and its answer or failure goes to
the call machine, which picks the winner and counts declines as unanswered offers (Q23).
It holds the dialer and the media; the call machine's steps, and a winner joining its
call, go through the narrow :class:`RingingPort` the switch gives it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from vaxel.core.errors import IllegalTransition
from vaxel.media.backend import Endpoint, MediaBackend
from vaxel.sip.dialog import Dialog, header_tag
from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Response
from vaxel.sip.sdp import NegotiatedMedia, parse_sdp, read_answer
from vaxel.telephony.call_events import (
    CallAction,
    CallEvent,
    HangUpPhone,
    NoRoute,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
)
from vaxel.telephony.calls import Attempt, Call, Fork, Leg
from vaxel.telephony.dialout import Dialer, Target
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.leg_events import (
    FinalReceived,
    HangUp,
    LegConfirmed,
    LegEnded,
    LegInput,
    ProvisionalReceived,
    RequestTimedOut,
    SendAck,
    SendBye,
    SendCancel,
)
from vaxel.telephony.mobile_answer import MobileAnswers

__all__ = ["Ringing", "RingingPort"]

log = logging.getLogger(__name__)


class RingingPort(Protocol):
    """What ringing phones need of the calls they ring for (the switch answers)."""

    def step(self, call: Call, event: CallEvent) -> None: ...

    def carry_out(self, call: Call, actions: list[CallAction]) -> None: ...

    def settle(self, call: Call) -> None: ...

    def set_remote(self, endpoint: Endpoint, negotiated: NegotiatedMedia, host: str) -> None: ...

    def add_leg(self, call: Call, leg: Leg) -> None: ...


class SideLeg(Protocol):
    """A leg rung for a call that its machine never sees (the operator breaking in)."""

    def answered(self, call: Call, leg: Leg) -> bool:
        """Her phone answered: False when it came too late (it is hung up)."""
        ...

    def failed(self, call: Call) -> None: ...


class Ringing:
    def __init__(
        self,
        sip: SipEndpoint,
        dialer: Dialer,
        media: MediaBackend,
        clock: Callable[[], float],
        calls: RingingPort,
    ) -> None:
        self.sip = sip
        self.dialer = dialer
        self.media = media
        self.clock = clock
        self.calls = calls
        self.side_legs: dict[str, SideLeg] = {}
        """By role: legs outside the call machine (``break_in.py``), rung with ``dialer.ring``."""
        self.confirms = MobileAnswers(sip, media, clock, self._set_remote)
        """Mobiles that answered an offer and must press 1 first (PBX9)."""
        self.confirms.port = self

    def ring(
        self,
        call: Call,
        offer: str,
        targets: list[Target],
        from_user: str,
        role: str,
        ring_s: float | None = None,
        from_name: str = "",
    ) -> None:
        """INVITE every target in parallel as the call's offer ``offer`` (an internal call's
        callee for ``ring_s`` at most)."""
        attempt = self.dialer.ring(call, offer, targets, from_user, role, from_name)
        self.calls.step(call, PhonesRung(offer, tuple(attempt.forks), ring_s))

    def ring_number(self, call: Call, number: str, offer: str) -> None:
        """Ring ``number`` for the caller as ``offer``: a flow's transfer, an overflow
        (Q18); with no route the call machine hears ``NoRoute``."""
        targets = self.dialer.route_or_nothing(call.tenant_id, number)
        if not targets:
            log.info("%s of %s to %s: no route", offer, call.call_id, number)
            self.calls.step(call, NoRoute(offer))
            return
        caller_number = call.session.call.caller_number if call.session else ""
        call.dialled[offer] = number  # whoever answers is that number's (DIR4)
        self.ring(call, offer, targets, caller_number or "vaxel", offer)

    def response(self, response: Response, client_key: tuple[str, str]) -> None:
        found = self.dialer.by_fork.get(client_key)
        if found is None:
            if client_key[1] == "INVITE" and 200 <= response.status < 300:
                self._stray_ok(response)
            return
        call, attempt, fork = found
        status = response.status
        if status < 200:
            self._fork_step(call, attempt, fork, ProvisionalReceived(status))
            return
        if status in (401, 407) and self.dialer.authorise_again(call, attempt, fork, response):
            return  # sent again with the trunk's credentials (issue 14 §2)
        if status >= 300:
            self._fork_step(call, attempt, fork, FinalReceived(status))
            return
        dialog = Dialog.as_uac(fork.invite, response)  # the one this 2xx makes
        if fork.dialog is None:
            fork.dialog = dialog
        final = FinalReceived(status, dialog.remote_tag)
        self._fork_step(call, attempt, fork, final, response, dialog)

    def fork_failed(self, client_key: tuple[str, str], status: int) -> None:
        """Our INVITE to a phone timed out (timer B): it rang no one."""
        found = self.dialer.by_fork.get(client_key)
        if found is not None:
            self._fork_step(*found, RequestTimedOut())

    def _fork_step(
        self,
        call: Call,
        attempt: Attempt,
        fork: Fork,
        event: LegInput,
        response: Response | None = None,
        dialog: Dialog | None = None,
    ) -> None:
        """Feed the phone's leg machine; an ACK or BYE it asks for goes in ``dialog`` (the
        one the 2xx being handled makes) or else in the phone's own."""
        try:
            actions = fork.machine.handle(event, self.sip.now)
        except IllegalTransition as error:
            log.warning("phone %s of %s: %s", fork.phone, call.call_id, error)
            return
        for action in actions:
            if isinstance(action, SendCancel):
                self.dialer.send_cancel(fork)
            elif isinstance(action, SendAck):
                self.dialer.send_ack(fork, dialog or fork.dialog)
            elif isinstance(action, SendBye):
                self.dialer.send_bye(fork, dialog or fork.dialog)
            elif isinstance(action, LegConfirmed) and response is not None:
                self._phone_answered(call, attempt, fork, response)
            elif isinstance(action, LegEnded):
                self.dialer.by_fork.pop(fork.client_key, None)
                if not fork.won:
                    self.confirms.forget(attempt, fork)
                status = action.status or 487
                side = self.side_legs.get(attempt.role)
                if side is not None and not fork.won:  # told once none of her phones is left
                    others = [f for f in attempt.forks.values() if f is not fork]
                    current = call.attempts.get(attempt.agent_id) is attempt
                    if current and not any(f.won or not f.machine.ended for f in others):
                        side.failed(call)
                    continue
                self.calls.step(call, PhoneFailed(attempt.agent_id, fork.phone, status))

    def _phone_answered(self, call: Call, attempt: Attempt, fork: Fork, response: Response) -> None:
        try:
            negotiated = read_answer(attempt.offer, parse_sdp(response.body))
        except (SipError, ParseError):
            log.warning("phone answered without usable SDP; hanging up")
            self._fork_step(call, attempt, fork, HangUp())
            return
        if attempt.confirm and self.confirms.hold(call, attempt, fork, negotiated):
            return  # her mobile: the key 1 first (``mobile_answer.py``)
        self.answered(call, attempt, fork, negotiated)

    def fork_input(self, call: Call, attempt: Attempt, fork: Fork, event: LegInput) -> None:
        """What happened to a phone's leg before it joined the call (its BYE)."""
        self._fork_step(call, attempt, fork, event)

    def _set_remote(
        self, call: Call, attempt: Attempt, fork: Fork, negotiated: NegotiatedMedia
    ) -> None:
        self.calls.set_remote(attempt.endpoint, negotiated, fork.destination[0])

    def answered(
        self, call: Call, attempt: Attempt, fork: Fork, negotiated: NegotiatedMedia
    ) -> None:
        """``fork`` answered ``attempt`` (a mobile's after its key): the call machine says
        whether it won; the winner becomes the call's leg in its role."""
        side = self.side_legs.get(attempt.role)
        answered = PhoneAnswered(attempt.agent_id, fork.phone)
        actions = [] if side is not None else call.machine.handle(answered, self.clock())
        too_late = HangUpPhone(attempt.agent_id, fork.phone)
        if side is not None and any(f.won for f in attempt.forks.values()):
            actions.append(too_late)  # another of her phones answered first
        if too_late in actions:  # another phone won, or nobody is waiting any more
            actions.remove(too_late)
            self._fork_step(call, attempt, fork, HangUp())
        else:
            fork.won = True
            leg = Leg(
                attempt.role,
                attempt.endpoint,
                fork.destination,
                fork.transport,
                dialog=fork.dialog,
                machine=fork.machine,
                invite=fork.invite,
                local_sdp=attempt.offer,
                number=call.dialled.get(attempt.agent_id, ""),
            )
            self.calls.set_remote(attempt.endpoint, negotiated, fork.destination[0])
            assert fork.dialog is not None
            self.calls.add_leg(call, leg)
            if attempt.role == "customer":
                call.customer = leg
                call.caller = leg  # from here on the customer is the other party of the agent
            elif attempt.role == "consult":  # the person the operator asks first
                call.consulted = leg
            elif side is not None:
                self._side_answered(call, attempt, fork, side, leg)
            else:
                call.agent = leg
        self.calls.carry_out(call, actions)
        self.calls.settle(call)

    def _side_answered(
        self, call: Call, attempt: Attempt, fork: Fork, side: SideLeg, leg: Leg
    ) -> None:
        for other in attempt.forks.values():  # her other phones stop ringing
            if other is not fork and not other.machine.ended:
                self._fork_step(call, attempt, other, HangUp())
        if not side.answered(call, leg):
            self._fork_step(call, attempt, fork, HangUp())

    def stop_phone(self, call: Call, offer: str, phone: str) -> None:
        """Cancel a phone still ringing, or hang up one that answered too late."""
        attempt = call.attempts.get(offer)
        fork = attempt.forks.get(phone) if attempt is not None else None
        if attempt is not None and fork is not None and not fork.machine.ended:
            self._fork_step(call, attempt, fork, HangUp())

    def release_attempt(self, call: Call, offer: str) -> None:
        """Nobody answered ``offer``: free its media endpoint unless a leg uses it."""
        attempt = call.attempts.get(offer)
        if attempt is None:
            return
        endpoint = attempt.endpoint
        if not any(
            leg is not None and leg.endpoint is endpoint
            for leg in (call.caller, call.agent, call.customer, call.consulted)
        ):
            self.media.release(endpoint.endpoint_id)
        self.dialer.forget(attempt)

    def _stray_ok(self, response: Response) -> None:
        """A 2xx for an INVITE we no longer track (its call long forgotten)."""
        if header_tag(response.headers.get("To") or ""):
            log.debug("late 2xx for a forgotten INVITE, ignored")
