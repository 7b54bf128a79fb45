"""The interface telephony uses for media, so an rtpengine backend can replace the built-in.

Telephony allocates one endpoint per call leg, tells it where the peer's RTP goes (from the
SDP answer), and then only says *what* the leg should hear: prompts, comfort audio, the
other leg (bridge), DTMF, recording. What happens comes back as events through the
callback given to the backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from vaxel.media.player import Comfort

__all__ = [
    "DtmfReceived",
    "Endpoint",
    "MediaBackend",
    "MediaError",
    "MediaEvent",
    "PlaybackFinished",
    "PortsExhausted",
    "RemoteMedia",
]


class MediaError(RuntimeError):
    """The engine cannot do what was asked (no free port, unknown endpoint)."""


class PortsExhausted(MediaError):
    """Every port of the RTP pool is in use: a new call is answered 503 (issue 10 §8)."""

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high
        super().__init__(f"no free RTP port in {low}–{high}")


@dataclass(frozen=True, slots=True)
class Endpoint:
    endpoint_id: str
    address: str
    port: int


@dataclass(frozen=True, slots=True)
class RemoteMedia:
    address: str
    port: int
    payload_type: int
    codec: str
    """"PCMU" or "PCMA"."""
    telephone_event_pt: int | None = None
    signalling_host: str = ""
    """Where the peer's SIP came from: a phone behind NAT sends RTP from this host, not from
    the private address in its SDP, so the engine may learn its port from there (issue 10 §2)."""


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    endpoint_id: str
    digit: str


@dataclass(frozen=True, slots=True)
class PlaybackFinished:
    endpoint_id: str
    playback_id: str


MediaEvent = DtmfReceived | PlaybackFinished
OnMediaEvent = Callable[[MediaEvent], None]


class MediaBackend(Protocol):
    def allocate(self, session_id: str) -> Endpoint: ...

    def set_remote(self, endpoint_id: str, remote: RemoteMedia) -> None: ...

    def play(self, endpoint_id: str, prompt_ids: Sequence[str]) -> str:
        """Queue prompts (by id); returns the playback id its PlaybackFinished will carry."""
        ...

    def stop_playback(self, endpoint_id: str) -> None: ...

    def set_comfort(self, endpoint_id: str, comfort: Comfort, music_id: str = "") -> None: ...

    def bridge(self, a: str, b: str) -> None:
        """Each endpoint's received audio and DTMF goes out of the other."""
        ...

    def unbridge(self, endpoint_id: str) -> None: ...

    def send_dtmf(self, endpoint_id: str, digit: str) -> None: ...

    def start_recording(self, endpoint_id: str, path: str) -> None: ...

    def stop_recording(self, endpoint_id: str) -> None: ...

    def release(self, endpoint_id: str) -> None: ...
