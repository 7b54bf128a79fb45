"""The STUN and TURN servers of a browser phone's peer (issue 15 §3): the tenant's, in the
form the page's ``RTCPeerConnection`` takes them, turned into aiortc's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiortc import RTCIceServer

__all__ = ["IceServersOf", "rtc_ice_servers"]

IceServersOf = Callable[[str], list[dict[str, Any]]]
"""A tenant's ICE servers as the page's ``RTCPeerConnection`` takes them: ``{"urls": [...],
"username": ..., "credential": ...}`` (``vaxel.store.webrtc_ice``); called in a worker
thread."""


def rtc_ice_servers(servers: list[dict[str, Any]]) -> list[RTCIceServer]:
    """The page's form of ICE servers as aiortc's: the server's peer uses the same STUN
    and TURN servers as the page (issue 15 §3)."""
    return [
        RTCIceServer(
            urls=list(server["urls"]),
            username=server.get("username") or None,
            credential=server.get("credential") or None,
        )
        for server in servers
    ]
