"""What each leg of a call hears: the flow's and telephony's prompts, the whisper to both
sides (Q12), the other side once bridged, music or ringback once unbridged. It holds the
media backend and the prompts; when to do which is the call machine's (``call.py``).
"""

from __future__ import annotations

from vaxel.media.backend import Endpoint, MediaBackend, MediaDirection, RemoteMedia
from vaxel.media.player import Comfort
from vaxel.sip.sdp import NegotiatedMedia
from vaxel.telephony.call_events import Party
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.notices import CallPrompts

__all__ = ["Bridging"]


class Bridging:
    def __init__(self, media: MediaBackend, prompts: CallPrompts) -> None:
        self.media = media
        self.prompts = prompts

    def caller_hears(self, call: Call, prompts: list[str], then_hangup: bool = False) -> None:
        if call.caller is None:
            return
        known = [p for p in prompts if self.prompts.known(p)]
        call.playback_id = self.media.play(call.caller.endpoint.endpoint_id, known)
        call.hangup_after_playback = then_hangup

    def agent_hears(self, call: Call, prompts: list[str], then_hangup: bool = False) -> None:
        if call.agent is None:
            return
        known = [p for p in prompts if self.prompts.known(p)]
        call.agent_playback_id = self.media.play(call.agent.endpoint.endpoint_id, known)
        call.hangup_after_playback = then_hangup

    def play_whisper(self, call: Call) -> None:
        """Q12: agent and caller both hear the whisper; the machine bridges them after."""
        if call.caller is None or call.agent is None:
            return
        caller_endpoint = call.caller.endpoint.endpoint_id
        call.agent_playback_id = self.media.play(call.agent.endpoint.endpoint_id, call.whisper)
        self.media.stop_playback(caller_endpoint)  # the flow's prompts are over
        self.media.set_comfort(caller_endpoint, Comfort.SILENCE)  # no ringback burst after
        call.caller_whisper_id = self.media.play(caller_endpoint, call.whisper)

    def bridge(self, call: Call) -> None:
        if call.caller is None or call.agent is None:
            return
        self.media.stop_playback(call.caller.endpoint.endpoint_id)
        self.media.stop_playback(call.agent.endpoint.endpoint_id)
        self.media.bridge(call.caller.endpoint.endpoint_id, call.agent.endpoint.endpoint_id)

    def unbridge(self, call: Call, party: Party, hears: Comfort) -> None:
        """``party`` hears ``hears`` instead of the other side."""
        leg: Leg | None = call.caller if party is Party.CALLER else call.agent
        if leg is not None:
            self.media.unbridge(leg.endpoint.endpoint_id)
            self.media.set_comfort(leg.endpoint.endpoint_id, hears)

    def hear(self, call: Call, party: Party, sound: Comfort) -> None:
        """``party`` hears ``sound`` instead of what played (ringback while a target rings)."""
        leg: Leg | None = call.caller if party is Party.CALLER else call.agent
        if leg is not None:
            self.media.stop_playback(leg.endpoint.endpoint_id)
            self.media.set_comfort(leg.endpoint.endpoint_id, sound)
        if party is Party.CALLER:
            call.playback_id = ""  # the flow's prompt is cut, its end moot

    def set_remote(
        self, endpoint: Endpoint, negotiated: NegotiatedMedia, host: str, *, await_rtp: bool = False
    ) -> None:
        """``host`` sent the SIP: RTP may come from there behind NAT (issue 10 §2);
        ``await_rtp``: nothing proved the SDP's address, send once the phone has (A4)."""
        self.media.set_remote(
            endpoint.endpoint_id,
            RemoteMedia(
                negotiated.remote_address,
                negotiated.remote_port,
                negotiated.payload_type,
                negotiated.codec,
                negotiated.telephone_event_pt,
                host,
                _direction(negotiated),
                await_rtp,
            ),
        )


def _direction(negotiated: NegotiatedMedia) -> MediaDirection:
    """The peer's SDP direction for the media side; c=0.0.0.0 is the old way to hold."""
    if negotiated.remote_address == "0.0.0.0":
        return MediaDirection.INACTIVE
    try:
        return MediaDirection(negotiated.direction)
    except ValueError:
        return MediaDirection.SENDRECV
