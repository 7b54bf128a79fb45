# mypy: disable-error-code="misc"
# (a part of Switch: each method is typed ``self: Switch``, the whole switch it runs in)
"""The flow-command interpreter: what the caller's IVR flow asks for (prompts, music, connect,
voicemail, hang up) carried out on the caller's leg; part of the switch.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.flow import (
    ConnectAgent,
    FlowCommand,
    Hangup,
    PlayPrompts,
    SendToVoicemail,
    StartMusic,
    StopMedia,
    TransferCall,
)
from vaxel.media.player import Comfort
from vaxel.telephony.calls import Call
from vaxel.telephony.notices import SystemPrompt

if TYPE_CHECKING:
    from vaxel.telephony.switch import Switch

__all__ = ["FlowCommands"]

log = logging.getLogger(__name__)


class FlowCommands:
    def _flow(self: Switch, call: Call, commands: list[FlowCommand]) -> None:
        caller = call.caller
        if caller is None or call.ended:
            return
        endpoint_id = caller.endpoint.endpoint_id
        for command in commands:
            if isinstance(command, PlayPrompts):
                prompts = [p for p in command.prompt_ids if self._known(p)]
                call.playback_id = self.media.play(endpoint_id, prompts)
            elif isinstance(command, StartMusic):
                if command.ringback:
                    self.media.set_comfort(endpoint_id, Comfort.RINGBACK)
                else:
                    music = command.music_id if self._known(command.music_id) else ""
                    self.media.set_comfort(endpoint_id, Comfort.MUSIC, music)
            elif isinstance(command, StopMedia):
                self.media.stop_playback(endpoint_id)
                call.playback_id = ""
            elif isinstance(command, ConnectAgent):
                self._connect(call, command.whisper)
            elif isinstance(command, Hangup):
                if call.playback_id:
                    call.hangup_after_playback = True
                else:
                    self._hang_up(call)
            elif isinstance(command, SendToVoicemail):
                self._voicemail(call, command.box)
            elif isinstance(command, TransferCall):
                log.info(
                    "transfer of %s to %s: no outbound route; ending", call.call_id, command.target
                )
                self._caller_hears(
                    call, [self._notice(call, SystemPrompt.NO_SUCH_NUMBER)], then_hangup=True
                )
        self._settle(call)  # the flow's deadline may have moved: the call's timer follows

    def _known(self: Switch, prompt_id: str) -> bool:
        if prompt_id and self.prompt_exists(prompt_id):
            return True
        if prompt_id:
            log.warning("prompt %s has no audio file; skipped", prompt_id)
        return False

    def _voicemail(self: Switch, call: Call, box: str) -> None:
        assert call.caller is not None
        safe_box = "".join(c for c in box if c.isalnum() or c in "-_") or "default"
        path = f"{self.voicemail_dir}/{call.tenant_id}/{safe_box}/{call.call_id}.wav"
        self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        self.media.start_recording(call.caller.endpoint.endpoint_id, path)
        call.voicemail_path = path
