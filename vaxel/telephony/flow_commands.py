"""The flow-command interpreter: what the caller's IVR flow asks for (prompts, music, connect,
voicemail, hang up) carried out on the caller's leg. It holds the media and the prompts; what
concerns the call as a whole (connecting the agent, sending the caller on to a number,
hanging up, re-arming the call's timer) goes through the narrow :class:`CallPort` the
switch gives it.

A ``voicemail`` node (IVR7) leaves the message in a real mailbox (PBX4) when its box names
one: a short number of the tenant's plan reaching a person or a mailbox, or the id of a
person the PBX knows; the caller then hears that person's greeting and the tone, and the
message is kept, mailed and signalled like any other. A box naming the voicemail number
opens the mailbox menu (mailbox number and PIN asked). Any other box is recorded as a
plain file under ``voicemail_dir`` as before.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

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
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.call_events import CallEvent, TransferOrdered
from vaxel.telephony.calls import Call
from vaxel.telephony.internal import Caller
from vaxel.telephony.notices import CallPrompts

if TYPE_CHECKING:
    from vaxel.telephony.directory import TelephonyDirectory
    from vaxel.telephony.internal_ports import TargetHandler

__all__ = ["CallPort", "FlowCommands"]

log = logging.getLogger(__name__)


class CallPort(Protocol):
    """What the flow may ask of the call it runs in (the switch answers)."""

    def step(self, call: Call, event: CallEvent) -> None: ...

    def connect(self, call: Call, whisper: tuple[str, ...]) -> None: ...

    def hang_up(self, call: Call) -> None: ...

    def settle(self, call: Call) -> None: ...

    @property
    def voicemail_calls(self) -> TargetHandler:
        """The VOICEMAIL handler: a message left in a mailbox, or the menu (PBX4)."""
        ...

    @property
    def directory(self) -> TelephonyDirectory: ...


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
        target = self._mailbox(call.tenant_id, box)
        if target is not None:
            number = call.session.call.caller_number if call.session is not None else ""
            self.calls.voicemail_calls.start(call, target, Caller(call.tenant_id, number))
            return
        safe_box = "".join(c for c in box if c.isalnum() or c in "-_") or "default"
        path = f"{self.voicemail_dir}/{call.tenant_id}/{safe_box}/{call.call_id}.wav"
        self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        self.media.start_recording(call.caller.endpoint.endpoint_id, path)
        call.voicemail_path = path

    def _mailbox(self, tenant_id: str, box: str) -> Target | None:
        """The voicemail target ``box`` names (see the module's rules), or None."""
        pbx = self.calls.directory.pbx
        target = pbx.resolve(tenant_id, box) if box.isdigit() else None
        if target is not None and target.kind is TargetKind.VOICEMAIL:
            return target
        if target is not None and target.kind is TargetKind.PERSON:
            return Target(TargetKind.VOICEMAIL, target.ref)
        if target is None and (tenant_id, box) in pbx.people:
            return Target(TargetKind.VOICEMAIL, box)
        return None
