"""The flow-command interpreter: what the caller's IVR flow asks for (prompts, music, connect,
voicemail, hang up) carried out on the caller's leg. It holds the media and the prompts; what
concerns the call as a whole (connecting the agent, sending the caller on to a number,
hanging up, re-arming the call's timer) goes through the narrow :class:`CallPort` the
switch gives it.
"""

from __future__ import annotations

import logging
from typing import Protocol

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
from vaxel.media.backend import MediaBackend
from vaxel.media.player import Comfort
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.call_events import CallEvent, TransferOrdered
from vaxel.telephony.calls import Call
from vaxel.telephony.notices import CallPrompts

__all__ = ["CallPort", "FlowCommands"]

log = logging.getLogger(__name__)


class CallPort(Protocol):
    """What the flow may ask of the call it runs in (the switch answers)."""

    def step(self, call: Call, event: CallEvent) -> None: ...

    def connect(self, call: Call, whisper: tuple[str, ...]) -> None: ...

    def hang_up(self, call: Call) -> None: ...

    def settle(self, call: Call) -> None: ...


class FlowCommands:
    def __init__(
        self,
        media: MediaBackend,
        bridging: Bridging,
        prompts: CallPrompts,
        calls: CallPort,
        voicemail_dir: str,
    ) -> None:
        self.media = media
        self.bridging = bridging
        self.prompts = prompts
        self.calls = calls
        self.voicemail_dir = voicemail_dir

    def run(self, call: Call, commands: list[FlowCommand]) -> None:
        """Carry out what the flow said, then re-arm the call's timer for its deadline."""
        caller = call.caller
        if caller is None or call.ended:
            return
        endpoint_id = caller.endpoint.endpoint_id
        for command in commands:
            if isinstance(command, PlayPrompts):
                prompts = [p for p in command.prompt_ids if self.prompts.known(p)]
                call.playback_id = self.media.play(endpoint_id, prompts)
            elif isinstance(command, StartMusic):
                if command.ringback:
                    self.media.set_comfort(endpoint_id, Comfort.RINGBACK)
                else:
                    music = command.music_id if self.prompts.known(command.music_id) else ""
                    self.media.set_comfort(endpoint_id, Comfort.MUSIC, music)
            elif isinstance(command, StopMedia):
                self.media.stop_playback(endpoint_id)
                call.playback_id = ""
            elif isinstance(command, ConnectAgent):
                self.calls.connect(call, command.whisper)
            elif isinstance(command, Hangup):
                if call.playback_id:
                    call.hangup_after_playback = True
                else:
                    self.calls.hang_up(call)
            elif isinstance(command, SendToVoicemail):
                self._voicemail(call, command.box)
            elif isinstance(command, TransferCall):
                self.calls.step(call, TransferOrdered(command.target))  # the machine's (Q18)
        self.calls.settle(call)  # the flow's deadline may have moved: the call's timer follows

    def _voicemail(self, call: Call, box: str) -> None:
        assert call.caller is not None
        safe_box = "".join(c for c in box if c.isalnum() or c in "-_") or "default"
        path = f"{self.voicemail_dir}/{call.tenant_id}/{safe_box}/{call.call_id}.wav"
        self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        self.media.start_recording(call.caller.endpoint.endpoint_id, path)
        call.voicemail_path = path
