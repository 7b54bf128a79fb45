# mypy: disable-error-code="misc"
# (a part of Switch: each method is typed ``self: Switch``, the whole switch it runs in)
"""What each leg hears: media events in (keys, prompts played out, silent RTP), the flow's
prompts and the whisper (Q12) out; the call machine decides the bridging; part of the switch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.flow import PromptFinished
from vaxel.media.backend import (
    DtmfReceived,
    MediaEvent,
    MediaTimeout,
    PlaybackFinished,
)
from vaxel.telephony.call import CallState
from vaxel.telephony.call_events import AgentConnected, DigitReceived, Party, WhisperHeard
from vaxel.telephony.calls import Call
from vaxel.telephony.leg_events import MediaSilent

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
            if not leg.machine.ended:
                log.info("no RTP from %s for %.0f s; hanging up", call.call_id, event.silent_s)
                self._end_leg(call, leg, MediaSilent(event.silent_s))
        elif isinstance(event, DtmfReceived) and leg is call.caller:
            self._digit(call, event.digit, "rfc4733")
        elif isinstance(event, PlaybackFinished):
            if leg is call.caller and event.playback_id == call.playback_id:
                call.playback_id = ""
                if call.hangup_after_playback:
                    self.hang_up(call)
                elif call.session is not None and not call.ended:
                    self.flow_commands.run(
                        call, call.session.handle(PromptFinished(), self.clock())
                    )
            elif leg is call.caller and event.playback_id == call.caller_whisper_id:
                call.caller_whisper_id = ""
                self._whisper_heard(call, Party.CALLER)
            elif leg is call.agent and event.playback_id == call.agent_playback_id:
                call.agent_playback_id = ""
                if call.hangup_after_playback:
                    self.hang_up(call)
                else:
                    self._whisper_heard(call, Party.AGENT)
        self.drain()

    def _digit(self: Switch, call: Call, digit: str, via: str) -> None:
        """A key from the caller (RFC 4733 or SIP INFO alike): the flow hears it in the IVR."""
        try:
            event = DigitReceived(digit, via)
        except ValueError:
            log.debug("not a DTMF key from %s: %r", call.call_id, digit)
            return
        self._step(call, event)

    def connect(self: Switch, call: Call, whisper: tuple[str, ...]) -> None:
        """Q12: agent and caller both hear the whisper, then the two are bridged."""
        if call.caller is None or call.agent is None:
            heard = self.elsewhere.caller_hears(call.tenant_id, call.call_id)
            if call.caller is not None and heard is not None:  # the agent is not on SIP here
                self.caller_hears(call, [self.prompts.notice(call, heard)])
            return
        if call.state is not CallState.AGENT_ANSWERING:
            log.warning("connect of %s in state %s ignored", call.call_id, call.state.value)
            return
        call.whisper = tuple(p for p in whisper if self.prompts.known(p))
        self._step(call, AgentConnected(whisper=bool(call.whisper)))

    def _whisper_heard(self: Switch, call: Call, party: Party) -> None:
        if call.state is CallState.WHISPER:  # bridged once neither still hears it (Q12)
            self._step(call, WhisperHeard(party))

    def caller_hears(
        self: Switch, call: Call, prompts: list[str], then_hangup: bool = False
    ) -> None:
        if call.caller is None:
            return
        known = [p for p in prompts if self.prompts.known(p)]
        call.playback_id = self.media.play(call.caller.endpoint.endpoint_id, known)
        call.hangup_after_playback = then_hangup

    def _agent_hears(
        self: Switch, call: Call, prompts: list[str], then_hangup: bool = False
    ) -> None:
        if call.agent is None:
            return
        known = [p for p in prompts if self.prompts.known(p)]
        call.agent_playback_id = self.media.play(call.agent.endpoint.endpoint_id, known)
        call.hangup_after_playback = then_hangup
