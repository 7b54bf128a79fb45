"""A browser phone's call kept across a dropped socket (issue 15: "reconnect after a network
drop without losing the call where the media path survives").

The signalling socket and the media path are separate: a Wi-Fi hiccup or a proxy's idle
timeout may cut ``/telefon/ws`` while ICE and DTLS between the browser and the server's
peer carry on. So when the socket of a phone with a call up drops and its peer is still
connected, the phone is **kept** (:class:`KeptCalls`) for ``RESUME_GRACE_S`` seconds: the
call and its audio go on, what the phone would tell the page waits. The page's next socket
re-attaches with ``{"type": "resume", "token": …}``; the token is the one the server gave
that page with its answer (random, per peer), and it is only taken from the **same tenant
and user** — another account's socket, even one holding the token, gets nothing.

The phone is closed as before (the call ends, the page makes a new peer) when the grace
period runs out or the call is lost meanwhile (the other party hung up, the media path
failed).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any, Generic, Protocol, TypeVar

from vaxel.webrtc.line_call import CallState, LineCall

__all__ = ["RESUME_GRACE_S", "KeptCalls", "Resumable", "new_token", "resumed", "worth_keeping"]

RESUME_GRACE_S = 25.0
"""How long a dropped phone's call waits for its page: the page's first reconnect tries
come after 1, 2, 4 and 8 s, so four of them fit, and a caller hears no more than this of
a browser that is really gone (its peer would report failure only after ~30 s)."""
TOKEN_BYTES = 24
KEPT_STATES = frozenset({CallState.CALLING, CallState.ANSWERING, CallState.CONNECTED})
"""A call in these states outlives a dropped socket; one that only rings is refused 486 as
before, so the caller's other phones or the next agent get it."""


def worth_keeping(call: LineCall | None, media_state: str) -> bool:
    """Whether a phone whose socket dropped keeps its call: one is up, on a media path
    (the server's peer) still connected."""
    return call is not None and call.state in KEPT_STATES and media_state == "connected"


def resumed(call: LineCall | None, extension: str) -> dict[str, Any]:
    """What the page's new socket is told first: the call it had, as it is now."""
    return {
        "type": "resumed",
        "ok": True,
        "call": call.id if call is not None else None,
        "state": call.state.value if call is not None else "",
        "held": call is not None and call.held,
        "extension": extension,
    }


def new_token() -> str:
    """An unguessable resume token (192 bits), new for every peer the phone answers."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class Resumable(Protocol):
    """What :class:`KeptCalls` needs of a phone."""

    owner: tuple[str, str]
    resume_token: str
    lost: asyncio.Event
    """Set when the kept call is over (ended, or the media path failed)."""

    async def close(self) -> None: ...


Phone = TypeVar("Phone", bound=Resumable)


class KeptCalls(Generic[Phone]):
    """The phones whose socket dropped during a call, each until its page resumes it, its
    call is lost or ``grace_s`` runs out (then it is closed)."""

    def __init__(self, grace_s: float = RESUME_GRACE_S) -> None:
        self.grace_s = grace_s
        self._kept: dict[Phone, asyncio.Task[None]] = {}

    def __contains__(self, phone: object) -> bool:
        return phone in self._kept

    def __len__(self) -> int:
        return len(self._kept)

    def keep(self, phone: Phone) -> None:
        phone.lost.clear()
        self._kept[phone] = asyncio.ensure_future(self._expire(phone))

    def take(self, owner: tuple[str, str], token: str) -> Phone | None:
        """The kept phone of ``owner`` whose token is ``token``, no longer kept; None when
        there is none (wrong user or tenant, a guessed or stale token, grace over)."""
        offered = token.encode()
        for phone in list(self._kept):
            if phone.owner != owner or not phone.resume_token:
                continue
            if secrets.compare_digest(phone.resume_token.encode(), offered):
                self._kept.pop(phone).cancel()
                return phone
        return None

    async def _expire(self, phone: Phone) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(phone.lost.wait(), self.grace_s)
        if self._kept.pop(phone, None) is not None:
            await phone.close()
