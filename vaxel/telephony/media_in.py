"""Media events in (issue 11 §3, Q12): what the media engine reports of a leg of ours —
its RTP gone silent, a key by RFC 4733, a prompt or a whisper played out — turned into the
call's next step by :class:`~vaxel.telephony.call_actions.CallActions`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.flow import PromptFinished
from vaxel.media.backend import DtmfReceived, MediaEvent, MediaTimeout, PlaybackFinished
from vaxel.telephony.call_events import DigitReceived, Party, WhisperHeard
from vaxel.telephony.call_states import CallState
from vaxel.telephony.leg_events import MediaSilent

if TYPE_CHECKING:
    from vaxel.telephony.call_actions import CallActions
    from vaxel.telephony.calls import Call

__all__ = ["key", "media_event"]

log = logging.getLogger(__name__)


def media_event(actions: CallActions, event: MediaEvent) -> None:
    """A media event of a leg of ours: silent RTP hangs it up, a key goes where the call
    takes keys, a prompt played out moves the flow, the voicemail or the whisper on."""
    found = actions.index.by_endpoint.get(event.endpoint_id)
    if found is None:
        return
    call, leg = found
    if isinstance(event, MediaTimeout):
        # the phone's RTP stopped for media_timeout_s: it is gone (issue 11 §3); the BYE
        # ends the contact, which frees the agent (Q22), and the other side is hung up
        if not leg.machine.ended:
            log.info("no RTP from %s for %.0f s; hanging up", call.call_id, event.silent_s)
            actions.end_leg(call, leg, MediaSilent(event.silent_s))
    elif isinstance(event, DtmfReceived) and leg is call.caller:
        actions.digit(call, event.digit, "rfc4733")
    elif isinstance(event, PlaybackFinished):
        if leg is call.caller and event.playback_id == call.playback_id:
            call.playback_id = ""
            if call.hangup_after_playback:
                actions.hang_up(call)
            elif call.voicemail is not None:
                actions.voicemail_calls.played(call)
            elif call.session is not None and not call.ended:
                actions.flow_commands.run(
                    call, call.session.handle(PromptFinished(), actions.clock())
                )
        elif leg is call.caller and event.playback_id == call.caller_whisper_id:
            call.caller_whisper_id = ""
            _whisper_heard(actions, call, Party.CALLER)
        elif leg is call.agent and event.playback_id == call.agent_playback_id:
            call.agent_playback_id = ""
            if call.hangup_after_playback:
                actions.hang_up(call)
            else:
                _whisper_heard(actions, call, Party.AGENT)
    actions.acd_commands.drain()


def key(actions: CallActions, call: Call, digit: str, via: str) -> None:
    """A key from the caller (RFC 4733 or SIP INFO alike): the flow hears it in the IVR."""
    if call.voicemail is not None:  # the mailbox's menu or a message being left (PBX4)
        actions.voicemail_calls.digit(call, digit)
        return
    try:
        event = DigitReceived(digit, via)
    except ValueError:
        log.debug("not a DTMF key from %s: %r", call.call_id, digit)
        return
    if call.conference is not None:  # a room's way in, whatever the machine's state
        actions.conferences.digit(call, event.digit)
        return
    if call.internal is not None and actions.internal_keys(call, event.digit):
        return  # 0 or 1 after an absent person's presence (PBX5)
    actions.step(call, event)


def _whisper_heard(actions: CallActions, call: Call, party: Party) -> None:
    if call.state is CallState.WHISPER:  # bridged once neither still hears it (Q12)
        actions.step(call, WhisperHeard(party))
