"""The interface telephony uses for media, so an rtpengine backend can replace the built-in.

Telephony allocates one endpoint per call leg, tells it where the peer's RTP goes (from the
SDP answer), and then only says *what* the leg should hear: prompts, comfort audio, the
other leg (bridge), DTMF, recording. What happens comes back as events through the
callback given to the backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from vaxel.media.player import Comfort

__all__ = [
    "DtmfReceived",
    "Endpoint",
    "JoinTone",
    "MediaBackend",
    "MediaDirection",
    "MediaError",
    "MediaEvent",
    "MediaTimeout",
    "PlaybackFinished",
    "PortsExhausted",
    "RemoteMedia",
]


class JoinTone(StrEnum):
    """What the room hears when a leg joins: the conference's join tone (PBX6), the
    break-in warning tone (spec §48: someone came into a call), or nothing."""

    JOIN = "join"
    WARNING = "warning"
    NONE = "none"


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


class MediaDirection(StrEnum):
    """The peer's SDP direction attribute, from the peer's side (RFC 3264 §5.1, §6.1).

    ``sendonly`` and ``inactive`` are what a phone offers when it puts the call on hold
    (RFC 6337 §5.3): it may then send nothing at all, so its silence is no media timeout.
    """

    SENDRECV = "sendrecv"
    SENDONLY = "sendonly"
    RECVONLY = "recvonly"
    INACTIVE = "inactive"

    @property
    def peer_sends(self) -> bool:
        return self in (MediaDirection.SENDRECV, MediaDirection.SENDONLY)

    @property
    def peer_receives(self) -> bool:
        """Whether the engine may send to the peer (a ``sendonly`` peer hears nothing)."""
        return self in (MediaDirection.SENDRECV, MediaDirection.RECVONLY)

    @property
    def watched_for_timeout(self) -> bool:
        """Only a peer that promised to send and is not holding must keep sending."""
        return self is MediaDirection.SENDRECV


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
    direction: MediaDirection = MediaDirection.SENDRECV
    """The peer's ``a=sendrecv|sendonly|recvonly|inactive`` (plain text is accepted)."""
    await_rtp: bool = False
    """Send nothing until the phone's own RTP has arrived (attack A4): the SDP came from a
    source nothing proved (a UDP INVITE trusted by its address alone, which can be forged),
    so its address may be a victim's. The first packet the latching rule accepts shows the
    phone asked for this media (it had to learn our random port from our answer)."""

    def __post_init__(self) -> None:
        if not isinstance(self.direction, MediaDirection):
            try:
                direction = MediaDirection(self.direction)
            except ValueError:
                raise ValueError(
                    f"media direction must be one of {', '.join(MediaDirection)}, "
                    f"got {self.direction!r}"
                ) from None
            object.__setattr__(self, "direction", direction)


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    endpoint_id: str
    digit: str


@dataclass(frozen=True, slots=True)
class PlaybackFinished:
    endpoint_id: str
    playback_id: str


@dataclass(frozen=True, slots=True)
class MediaTimeout:
    """The peer of a ``sendrecv`` endpoint sent no RTP for ``silent_s`` seconds: the phone
    is gone (pulled cable, crashed, out of coverage) and the call should be hung up. Reported
    once per silence; RTP arriving again, or a new ``set_remote``, starts the watch anew."""

    endpoint_id: str
    silent_s: float


MediaEvent = DtmfReceived | PlaybackFinished | MediaTimeout
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

    def join_room(
        self, endpoint_id: str, room_id: str, *, muted: bool = False, tone: JoinTone = JoinTone.JOIN
    ) -> None:
        """Put the endpoint into a conference room's mix (PBX6); it leaves any bridge."""
        ...

    def leave_room(self, endpoint_id: str) -> None: ...

    def set_muted(self, endpoint_id: str, muted: bool) -> None: ...

    def send_dtmf(self, endpoint_id: str, digit: str) -> None: ...

    def start_recording(self, endpoint_id: str, path: str) -> None: ...

    def stop_recording(self, endpoint_id: str) -> None: ...

    def release(self, endpoint_id: str) -> None: ...
