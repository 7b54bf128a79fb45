"""Media events in (issue 11 §3, Q12): what the media engine reports of a leg of ours —
its RTP gone silent, a key by RFC 4733, a prompt or a whisper played out — turned into the
call's next step by :class:`~vaxel.telephony.call_actions.CallActions`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.flow import PromptFinished
from vaxel.media.backend import DtmfReceived, MediaEvent, MediaTimeout, PlaybackFinished
from vaxel.telephony.call_events import Party
from vaxel.telephony.leg_events import MediaSilent

if TYPE_CHECKING:
    from vaxel.telephony.call_actions import CallActions

__all__ = ["media_event"]

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
            actions.whisper_heard(call, Party.CALLER)
        elif leg is call.agent and event.playback_id == call.agent_playback_id:
            call.agent_playback_id = ""
            if call.hangup_after_playback:
                actions.hang_up(call)
            else:
                actions.whisper_heard(call, Party.AGENT)
    actions.acd_commands.drain()
