# mypy: disable-error-code="misc"
# (a part of Switch: each method is typed ``self: Switch``, the whole switch it runs in)
"""Call legs and bridging: what each leg hears (prompts, whisper Q12, the other leg) and how
a call ends (either side hanging up ends it for both, Q22); part of the switch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.acd.events import ContactEnded
from vaxel.core.errors import VaxelError
from vaxel.flow import (
    CallerHungUp,
    PromptFinished,
)
from vaxel.media.backend import (
    DtmfReceived,
    MediaEvent,
    MediaTimeout,
    PlaybackFinished,
)
from vaxel.media.player import Comfort
from vaxel.telephony.calls import Call, Leg, LegState
from vaxel.telephony.leg_events import ByeReceived, HangUp

if TYPE_CHECKING:
    from vaxel.telephony.switch import Switch

__all__ = ["Bridging"]

log = logging.getLogger(__name__)


class Bridging:
    def on_media(self: Switch, event: MediaEvent) -> None:
        found = self._by_endpoint.get(event.endpoint_id)
        if found is None:
            return
        call, leg = found
        if isinstance(event, MediaTimeout):
            # the phone's RTP stopped for media_timeout_s: it is gone (issue 11 §3); the BYE
            # ends the contact, which frees the agent (Q22), and the other side is hung up
            if isinstance(leg, Leg) and leg.state is not LegState.ENDED:
                log.info("no RTP from %s for %.0f s; hanging up", call.call_id, event.silent_s)
                self._leg_gone(call, leg, send_bye=True)
        elif isinstance(event, DtmfReceived) and leg is call.caller:
            self._digit(call, event.digit)
        elif isinstance(event, PlaybackFinished):
            if leg is call.caller and event.playback_id == call.playback_id:
                call.playback_id = ""
                if call.hangup_after_playback:
                    self._hang_up(call)
                elif call.session is not None:
                    self._flow(call, call.session.handle(PromptFinished(), self.clock()))
            elif leg is call.caller and event.playback_id == call.caller_whisper_id:
                call.caller_whisper_id = ""
                self._whisper_heard(call)
            elif leg is call.agent and event.playback_id == call.agent_playback_id:
                call.agent_playback_id = ""
                if call.hangup_after_playback:
                    self._hang_up(call)
                else:
                    self._whisper_heard(call)
        self.drain()

    def _connect(self: Switch, call: Call, whisper: tuple[str, ...]) -> None:
        """Q12: agent and caller both hear the whisper, then the two are bridged."""
        if call.caller is None or call.agent is None:
            heard = self.elsewhere.caller_hears(call.tenant_id, call.call_id)
            if call.caller is not None and heard is not None:  # the agent is not on SIP here
                self._caller_hears(call, [self._notice(call, heard)])
            return
        prompts = [p for p in whisper if self._known(p)]
        if prompts:
            caller_endpoint = call.caller.endpoint.endpoint_id
            call.agent_playback_id = self.media.play(call.agent.endpoint.endpoint_id, prompts)
            self.media.stop_playback(caller_endpoint)  # the flow's prompts are over
            self.media.set_comfort(caller_endpoint, Comfort.SILENCE)  # no ringback burst after
            call.caller_whisper_id = self.media.play(caller_endpoint, prompts)
        else:
            self._bridge(call)

    def _whisper_heard(self: Switch, call: Call) -> None:
        """Bridge once neither leg is still hearing the whisper (Q12)."""
        if call.agent_playback_id or call.caller_whisper_id:
            return
        if not call.bridged and call.caller is not None and not call.callback:
            self._bridge(call)

    def _bridge(self: Switch, call: Call) -> None:
        assert call.caller is not None and call.agent is not None
        self.media.stop_playback(call.caller.endpoint.endpoint_id)
        self.media.bridge(call.caller.endpoint.endpoint_id, call.agent.endpoint.endpoint_id)
        call.bridged = True

    def _caller_hears(
        self: Switch, call: Call, prompts: list[str], then_hangup: bool = False
    ) -> None:
        if call.caller is None:
            return
        known = [p for p in prompts if self._known(p)]
        call.playback_id = self.media.play(call.caller.endpoint.endpoint_id, known)
        call.hangup_after_playback = then_hangup

    def _agent_hears(
        self: Switch, call: Call, prompts: list[str], then_hangup: bool = False
    ) -> None:
        if call.agent is None:
            return
        known = [p for p in prompts if self._known(p)]
        call.agent_playback_id = self.media.play(call.agent.endpoint.endpoint_id, known)
        call.hangup_after_playback = then_hangup

    def _leg_gone(self: Switch, call: Call, leg: Leg, *, send_bye: bool) -> None:
        """``leg`` ended: by our BYE (``send_bye``) or the peer's; the call follows."""
        if leg.state is LegState.ENDED:
            return
        if send_bye:
            self._bye(leg)
        leg.machine.handle(HangUp() if send_bye else ByeReceived(), self.sip.now)
        self._after_leg(call, leg)

    def _after_leg(self: Switch, call: Call, leg: Leg) -> None:
        """A leg has ended: tell the flow, stop ringing, end the contact, hang up the other."""
        now = self.clock()
        if leg is call.caller and call.session is not None and not call.bridged:
            self._flow(call, call.session.handle(CallerHungUp(), now))
            for attempt in call.attempts.values():
                if not attempt.answered:
                    attempt.cancelled = True
                    for fork in attempt.forks.values():
                        self.dialer.cancel(fork)
        self._end_conversation(call)
        other = call.agent if leg is call.caller else call.caller
        if other is not None and other.state is not LegState.ENDED:
            self._bye(other)
            other.machine.handle(HangUp(), self.sip.now)
        self._forget(call)

    def _end_conversation(self: Switch, call: Call) -> None:
        if call.ended:
            return
        call.ended = True
        if call.voicemail_path and call.caller is not None:
            self.media.stop_recording(call.caller.endpoint.endpoint_id)
        if call.callback or call.transferred:
            return  # a callback is closed with a note (CB10); a transfer ended it already
        # during the whisper (Q12) the ACD has connected the agent though the legs are not
        # bridged yet: a hang-up then must still end the contact, or the agent stays busy
        if call.agent is not None and (
            call.bridged or call.session is None or self._acd_connected(call)
        ):
            try:
                self._submit(ContactEnded(call.tenant_id, call.call_id))
            except VaxelError as error:
                log.debug("ContactEnded for %s refused: %s", call.call_id, error)

    def _hang_up(self: Switch, call: Call) -> None:
        for leg in (call.caller, call.agent):
            if leg is not None and leg.state is not LegState.ENDED:
                self._leg_gone(call, leg, send_bye=True)
                return
        self._forget(call)

    def _send_bye(self: Switch, leg: Leg) -> None:
        if leg.state is not LegState.ENDED:
            self._bye(leg)

    def _bye(self: Switch, leg: Leg) -> None:
        if leg.dialog is not None:
            bye = leg.dialog.request("BYE", self.sip.via(leg.transport))
            self.sip.request(bye, leg.destination, leg.transport)

    def _forget(self: Switch, call: Call) -> None:
        call.ended = True
        self.timers.cancel(call)
        for leg in (call.caller, call.agent, call.customer):
            if leg is not None:
                self.media.release(leg.endpoint.endpoint_id)
                self._by_endpoint.pop(leg.endpoint.endpoint_id, None)
                if leg.dialog is not None:
                    self._by_dialog.pop(leg.dialog.key, None)
                if leg.server_key is not None:
                    self._by_invite.pop(leg.server_key, None)
        for attempt in call.attempts.values():
            self.media.release(attempt.endpoint.endpoint_id)
            for key in attempt.forks:
                self.dialer.by_fork.pop(key, None)
        self.calls.pop(call.call_id, None)
