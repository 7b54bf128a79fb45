"""The mobile's answer confirmed before it counts (issue 16, PBX9): the I/O side of
``answer_confirm.py``.

An ACD offer rung on an agent's mobile over the trunk (``acd_commands.py``) marks its
attempt with the prompt to play. When the carrier answers, the leg is ACKed as any other,
but the call machine is not told yet: the mobile hears the prompt (again, until the offer
ends) on the attempt's own media endpoint, and a key by RFC 4733 or SIP INFO goes to the
confirmation. Only the key 1 before its deadline (the offer's ring time, at most
``CONFIRM_S`` after the answer) hands the leg on as the answer (``Ringing.answered``); the
mobile hanging up first (a BYE in the not yet known dialog, answered here) ends the fork,
which the call machine counts as a decline (Q23); no key by the deadline hangs the leg up
on the calls' one timer (``at``), the same decline — whatever the queue's offer timeout.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Protocol

from vaxel.media.backend import DtmfReceived, MediaBackend, MediaEvent, PlaybackFinished
from vaxel.sip.dialog import header_tag
from vaxel.sip.message import Request
from vaxel.sip.sdp import NegotiatedMedia
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.answer_confirm import AnswerConfirmation, Outcome, confirm_deadline
from vaxel.telephony.call import OfferState
from vaxel.telephony.calls import Attempt, Call, Fork
from vaxel.telephony.dtmf import info_digit
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.leg_events import ByeReceived, HangUp, LegInput
from vaxel.telephony.notices import CallPrompts, SystemPrompt
from vaxel.telephony.timers import Due

__all__ = ["ConfirmPort", "MobileAnswers", "confirm_prompts"]

log = logging.getLogger(__name__)


def confirm_prompts(call: Call, prompts: CallPrompts) -> tuple[str, ...]:
    """What her mobile hears: "Samtal från kön", the queue's name as its whisper says it
    (Q12, when the caller's flow queue has one), "Tryck 1 för att svara" — in the tenant's
    language, as an agent hears notices."""
    visit = call.session.flow.queue if call.session is not None else None
    name = tuple(p.prompt_id for p in visit.node.whisper) if visit is not None else ()
    first = prompts.notice(call, SystemPrompt.CALL_FROM_QUEUE, agent=True)
    return (first, *name, prompts.notice(call, SystemPrompt.PRESS_1, agent=True))


class ConfirmPort(Protocol):
    """What a confirmed (or refused) mobile answer needs of the ringing phones."""

    def answered(
        self, call: Call, attempt: Attempt, fork: Fork, negotiated: NegotiatedMedia
    ) -> None: ...

    def fork_input(self, call: Call, attempt: Attempt, fork: Fork, event: LegInput) -> None: ...


@dataclass(slots=True)
class _Waiting:
    call: Call
    attempt: Attempt
    fork: Fork
    negotiated: NegotiatedMedia
    confirmation: AnswerConfirmation
    playback_id: str = ""


class MobileAnswers:
    def __init__(
        self,
        sip: SipEndpoint,
        media: MediaBackend,
        clock: Callable[[], float],
        set_remote: Callable[[Call, Attempt, Fork, NegotiatedMedia], None],
    ) -> None:
        self.sip = sip
        self.media = media
        self.clock = clock
        self.set_remote = set_remote
        self.port: ConfirmPort | None = None
        self.waiting: dict[str, _Waiting] = {}
        """By the attempt's media endpoint id."""
        self.at: Callable[[Hashable, float | None, Due, object], None] = lambda *_: None
        """The calls' one timer (``CallTimers.at``, set by the switch): each waiting
        mobile's deadline."""

    def hold(self, call: Call, attempt: Attempt, fork: Fork, negotiated: NegotiatedMedia) -> bool:
        """The mobile of an attempt that asks for a key answered: prompt it and wait. False
        when the offer no longer rings (the usual path hangs the late leg up)."""
        offer = call.machine.offers.get(attempt.agent_id)
        if offer is None or offer.state is not OfferState.RINGING or not attempt.confirm:
            return False
        endpoint_id = attempt.endpoint.endpoint_id
        if endpoint_id in self.waiting:  # another fork of hers already waits for its key
            assert self.port is not None
            self.port.fork_input(call, attempt, fork, HangUp())
            return True
        self.set_remote(call, attempt, fork, negotiated)
        deadline = confirm_deadline(self.clock(), attempt.confirm_by)
        waiting = _Waiting(call, attempt, fork, negotiated, AnswerConfirmation(deadline))
        self.waiting[endpoint_id] = waiting
        waiting.playback_id = self.media.play(endpoint_id, attempt.confirm)
        self.at(("confirm", endpoint_id), deadline, self._due, endpoint_id)
        log.info("%s of %s: the mobile answered, waiting for 1", attempt.agent_id, call.call_id)
        return True

    def on_media(self, event: MediaEvent) -> bool:
        """A key or the prompt's end on a waiting mobile's endpoint; False when not ours."""
        waiting = self.waiting.get(event.endpoint_id)
        if waiting is None:
            return False
        if isinstance(event, DtmfReceived):
            self._key(waiting, event.digit)
        elif isinstance(event, PlaybackFinished) and event.playback_id == waiting.playback_id:
            waiting.playback_id = self.media.play(event.endpoint_id, waiting.attempt.confirm)
        return True

    def on_request(self, event: RequestReceived) -> bool:
        """A BYE or INFO in a waiting mobile's dialog (not a leg of the call yet), from the
        host the mobile was rung at: another peer's, with the dialog's ids, is not hers."""
        request = event.request
        waiting = self._by_dialog(request)
        if waiting is None or not _from_host(waiting.fork, event.source[0]):
            return False
        fork = waiting.fork
        assert fork.dialog is not None and self.port is not None
        fork.dialog.receive(request)
        if request.method == "BYE":
            self.sip.respond(event.server_key, request, 200, "OK")
            waiting.confirmation.hung_up()
            self.forget(waiting.attempt)
            self.port.fork_input(waiting.call, waiting.attempt, fork, ByeReceived())
        elif request.method == "INFO":
            self.sip.respond(event.server_key, request, 200, "OK")
            digit = info_digit(request)
            if digit:
                self._key(waiting, digit)
        else:
            self.sip.respond(event.server_key, request, 488, "Not Acceptable Here")
        return True

    def forget(self, attempt: Attempt, fork: Fork | None = None) -> None:
        """The attempt's waiting fork (``fork``, if given) ended or won: no key is waited
        for any more."""
        endpoint_id = attempt.endpoint.endpoint_id
        waiting = self.waiting.get(endpoint_id)
        if waiting is None or (fork is not None and waiting.fork is not fork):
            return
        del self.waiting[endpoint_id]
        self.at(("confirm", endpoint_id), None, self._due, endpoint_id)
        if waiting.playback_id:
            self.media.stop_playback(endpoint_id)

    def _due(self, endpoint_id: str, now: float) -> None:
        """A waiting mobile's deadline came with no 1: its leg is hung up, an unanswered
        offer (Q23) — the caller waits on for the next agent."""
        waiting = self.waiting.get(endpoint_id)
        if waiting is None or waiting.confirmation.due(now) is not Outcome.UNANSWERED:
            return
        assert self.port is not None
        self.forget(waiting.attempt)
        log.info("%s of %s: no 1 in time", waiting.attempt.agent_id, waiting.call.call_id)
        self.port.fork_input(waiting.call, waiting.attempt, waiting.fork, HangUp())

    def _key(self, waiting: _Waiting, digit: str) -> None:
        outcome = waiting.confirmation.key(digit, self.clock())
        if outcome is not Outcome.ANSWERED:
            return
        assert self.port is not None
        self.forget(waiting.attempt)
        log.info("%s of %s: 1 pressed", waiting.attempt.agent_id, waiting.call.call_id)
        self.port.answered(waiting.call, waiting.attempt, waiting.fork, waiting.negotiated)

    def _by_dialog(self, request: Request) -> _Waiting | None:
        """The waiting mobile whose dialog the request is in, by all three ids (§12.2.2)."""
        key = (
            request.call_id,
            header_tag(request.headers.get("To") or ""),
            header_tag(request.headers.get("From") or ""),
        )
        for waiting in self.waiting.values():
            dialog = waiting.fork.dialog
            if dialog is not None and dialog.key == key:
                return waiting
        return None


def _from_host(fork: Fork, host: str) -> bool:
    """Whether a request from ``host`` may be the mobile's: the trunk's address as written
    is an IP address, and the request comes from it (as a trunk's INVITEs are trusted, by
    the written host, issue 14 §2); a trunk written by name cannot be told apart here."""
    try:
        ipaddress.ip_address(fork.destination[0])
    except ValueError:
        return True
    return host == fork.destination[0]
