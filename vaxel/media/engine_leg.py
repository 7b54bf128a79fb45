"""One endpoint of the built-in media engine as the engine holds it, and whom it listens to.

Whom a leg listens to (issue 10 §2: latching onto the first packet from anyone let an attacker
take over a call's audio and DTMF): packets from the SDP's address and port are always taken,
and lock the leg to it. A phone behind NAT sends from another port, or from its SIP source
host instead of the private address in its SDP; until ``learn_until`` (set when the SDP
arrives) the leg follows (symmetric RTP) a packet from the SDP's host or the signalling host.
Everything else is dropped by the caller and counted.

A locked leg's socket is connected to its phone (``connect``; issue 11, Benchmarks): the hot
paths then ``send`` and ``recv`` without an address — CPython parses no address tuple on a
send and builds none on a receive, and the kernel keeps the route instead of looking it up
per datagram (about 0.5 µs of the ~4 µs a relayed packet costs, see BENCHMARKS.md). The
kernel then drops other sources itself, uncounted, and answers them ICMP port unreachable,
as it does for any port nobody listens on. When the SDP moves the phone the socket is
disconnected again (``disconnect``: ``connect`` with ``AF_UNSPEC``, which CPython's socket
module cannot express, so through libc) and the latching rule starts over. Where that call
is not available, legs are never connected and everything works as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import socket
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from vaxel.media.backend import Endpoint, MediaError, RemoteMedia
from vaxel.media.dtmf import DtmfReceiver
from vaxel.media.player import Player
from vaxel.media.recording import StereoRecording
from vaxel.media.relay import Relay
from vaxel.media.rtp import RtpStream
from vaxel.media.silence import SilenceWatch

__all__ = ["Leg", "accepts", "connect", "disconnect", "send"]


@dataclass(slots=True, eq=False)
class Leg:
    """An endpoint's socket, outgoing stream and what it plays, relays and records.

    Compared and hashed by identity: a generated ``__eq__`` compared every field of every leg
    in a phase to find the one released, 12 % of the server's time at 400 calls/s."""

    endpoint: Endpoint
    sock: socket.socket
    stream: RtpStream
    relay: Relay
    player: Player = field(default_factory=Player)
    remote: RemoteMedia | None = None
    peer: tuple[str, int] | None = None
    locked: bool = False
    learn_until: float = 0.0
    bridged_to: str = ""
    dtmf_in: DtmfReceiver = field(default_factory=DtmfReceiver)
    dtmf_out: deque[tuple[bytes, bool]] = field(default_factory=deque)
    dtmf_timestamp: int = 0
    playback_ids: dict[str, None] = field(default_factory=dict)
    recording: StereoRecording | None = None
    received: int = 0
    sent: int = 0
    silence: SilenceWatch | None = None
    sending: bool = False
    """An SDP is known and its peer receives: the ticker's one test per frame."""
    room: str = ""
    """The conference room (``vaxel.media.mixer``) the leg is in: it hears the room's mix."""
    connecting: bool = False
    """The socket is connected to ``peer`` (the locked phone) in the kernel."""
    connected: bool = False
    """… and nothing from before is queued: use ``send`` and ``recv`` (see ``connect``)."""
    filtered: int = -1
    """The audio payload type whose packets the socket's kernel filter drops but one in
    ``engine_filter.SAMPLE`` (a queued caller's phone, ``engine_filter``); -1: no filter."""


def accepts(leg: Leg, remote: RemoteMedia, source: tuple[str, int], now: float) -> bool:
    """The latching rule (see the module docstring); follows the source it accepts."""
    if source == (remote.address, remote.port):
        leg.peer, leg.locked = source, True
        return True
    if source == leg.peer:
        return True
    if (
        not leg.locked
        and source[0] in (remote.address, remote.signalling_host)
        and now < leg.learn_until
    ):
        leg.peer = source  # symmetric RTP: the phone behind NAT, from its own host
        return True
    return False


def send(leg: Leg, data: bytes) -> None:
    """Send to the leg's phone (raises ``OSError``); ``peer`` must be known."""
    if leg.connected:
        leg.sock.send(data)
    else:
        assert leg.peer is not None
        leg.sock.sendto(data, leg.peer)


def _libc_connect() -> Callable[[int, bytes, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.connect
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    function.restype = ctypes.c_int
    call: Callable[[int, bytes, int], int] = function
    return call


_CONNECT = _libc_connect()
_UNSPEC = bytes(16)
"""A ``struct sockaddr`` whose family is ``AF_UNSPEC`` (0): connecting to it dissolves a
datagram socket's association (Linux ``connect(2)``)."""


def connect(leg: Leg) -> None:
    """Connect a locked leg's socket to its phone, if it can later be disconnected.

    ``connected`` is set only once the socket's queue holds nothing from before the connect:
    the kernel filters what arrives after it, but datagrams already queued came from anyone,
    so they still go through ``recvfrom`` and the latching rule (called again per packet)."""
    if _CONNECT is None or leg.connected or not leg.locked or leg.peer is None:
        return
    if not leg.connecting:
        try:
            leg.sock.connect(leg.peer)
        except OSError:
            return
        leg.connecting = True
    try:
        leg.sock.recv(1, socket.MSG_PEEK)
    except BlockingIOError:
        leg.connected = True  # nothing queued from before: from now on only the phone
    except OSError:
        pass


def disconnect(leg: Leg) -> None:
    """Take any source again (the phone moved): the latching rule decides anew."""
    if not leg.connecting or _CONNECT is None:
        return
    if _CONNECT(leg.sock.fileno(), _UNSPEC, len(_UNSPEC)) != 0:
        raise MediaError(f"could not disconnect an RTP socket: errno {ctypes.get_errno()}")
    leg.connecting = leg.connected = False
