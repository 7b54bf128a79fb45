"""The browser softphone's signalling (issue 15 §1): the app's own JSON messages over one
WebSocket, ``/telefon/ws``, and the page that uses it (``/min-telefon/webbtelefon``).

Why not SIP over WebSocket (RFC 7118) first: the page is the only client, the signed-in
session already says who the phone belongs to, and a SIP stack in the page would be a
second login, digest credentials in JavaScript and a library to vendor; RFC 7118 can be
added beside this endpoint later for third-party clients (``docs/webrtc.md``).

Every connection is checked before a message is read: the Origin must be the app's own
(a page elsewhere cannot use the agent's cookie to open a phone), the session cookie must
be a live session. Messages are limited in size and rate; anything else ends the
connection with a close code saying why. The media side is a port (``SoftphonePort``)
the composition root fills with the WebRTC adapter (``vaxel.webrtc``); the web never
imports it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from fastapi import APIRouter, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response

from vaxel.store.webrtc_ice import IceServersStore
from vaxel.web.context import WebContext
from vaxel.web.deps import Me, Platform, SignedIn
from vaxel.web.i18n import LANGUAGE_COOKIE, N_, gettext, use_language
from vaxel.web.rendering import render
from vaxel.web.security import COOKIE
from vaxel.web.softphone_wording import in_language
from vaxel.web.stream_caps import TooManyStreams

__all__ = [
    "CLOSE_FOREIGN_ORIGIN",
    "CLOSE_MALFORMED",
    "CLOSE_NOT_SIGNED_IN",
    "CLOSE_RATE",
    "CLOSE_TOO_BIG",
    "CLOSE_UNAVAILABLE",
    "ICE",
    "MAX_MESSAGES",
    "MAX_MESSAGE_BYTES",
    "PAGE",
    "RATE_WINDOW_S",
    "SOCKET",
    "SoftphonePort",
    "SoftphoneSession",
    "router",
]

router = APIRouter(tags=["phone"])
PAGE = "/min-telefon/webbtelefon"
SOCKET = "/telefon/ws"
ICE = "/telefon/ice"

MAX_MESSAGE_BYTES = 32 * 1024
"""A browser's offer with host candidates is 2–6 KB; 32 KB leaves room and no more."""
MAX_MESSAGES = 30
RATE_WINDOW_S = 10.0
"""At most ``MAX_MESSAGES`` messages per ``RATE_WINDOW_S`` from one phone."""
KINDS = frozenset(
    {
        "offer",
        "hangup",
        "dial",
        "accept",
        "decline",
        "end",
        "hold",
        "dtmf",
        "transfer",
        "unable",
        "resume",
    }
)
"""The messages a page may send (``docs/webrtc.md``)."""
CALL_KINDS = frozenset({"accept", "decline", "end", "hold", "dtmf", "transfer"})
"""The messages about one call: they name it by the id the server gave in ``ringing``."""
MAX_CALL_ID = 32
MAX_TRANSFER_TEXT = 64
"""What the page's transfer and dial fields may send; the line says in Swedish what is no
number."""
MAX_TOKEN = 64
"""A resume token is 32 characters (``vaxel.webrtc.resume``)."""
DIGITS = frozenset("0123456789*#")
UNABLE = frozenset({"no-microphone", "denied", "media-failed"})
"""Why a page says it cannot take calls (``unable``): the agent is then not offered them."""

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FOREIGN_ORIGIN = 4403
CLOSE_MALFORMED = 4400
CLOSE_RATE = 4429
CLOSE_TOO_BIG = 1009
CLOSE_UNAVAILABLE = 1013

Send = Callable[[dict[str, Any]], Awaitable[None]]

ADAPTER_ERRORS = {
    "no-pcmu": N_("Webbläsaren erbjöd inget ljud i PCMU"),
    "no-switch": N_(
        "Ansluten, men inga samtal kan nå webbtelefonen: växeln är inte igång på servern."
    ),
    "no-extension": N_(
        "Ansluten, men inga samtal kan nå webbtelefonen: du har ingen anknytning i växeln. "
        "Be administratören koppla en anknytning till dig."
    ),
}
"""The media side's refusals by code, worded here in the page's language (the adapter
knows no language: ``docs/webrtc.md``); an unknown code keeps the adapter's own text."""


class SoftphoneSession(Protocol):
    """One browser phone's media side while its socket is open."""

    async def handle(self, message: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...

    async def drop(self) -> None:
        """The page's socket went by itself (a network drop): a call up may be kept for
        the page's next socket to ``resume``; otherwise as ``close``."""
        ...


class SoftphonePort(Protocol):
    """Opens the media side of a browser phone for (tenant, username); ``send`` reaches
    the page."""

    def open(self, tenant_id: str, username: str, send: Send) -> SoftphoneSession: ...

    def resume(
        self, tenant_id: str, username: str, token: str, send: Send
    ) -> SoftphoneSession | None:
        """The same account's phone whose socket dropped during a call, now sending to
        ``send``; None when there is none with that token."""
        ...


def _own_origin(websocket: WebSocket) -> str:
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    return f"{scheme}://{websocket.headers.get('host', '')}"


async def _refuse(websocket: WebSocket, code: int, message: str) -> None:
    """Accepts only to say why: a refusal during the handshake reaches the page as a bare
    1006 with no reason, this one as ``code`` and a Swedish message."""
    await websocket.accept()
    await websocket.send_json({"type": "error", "message": message})
    await websocket.close(code, message[:120])


def parse(text: str) -> dict[str, Any] | None:
    """A page's message, or None when it is not one the contract knows."""
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") not in KINDS:
        return None
    kind = message["type"]
    if kind == "offer" and not isinstance(message.get("sdp"), str):
        return None
    if kind == "unable" and message.get("reason") not in UNABLE:
        return None
    token = message.get("token")
    if kind == "resume" and not (isinstance(token, str) and 0 < len(token) <= MAX_TOKEN):
        return None
    number = message.get("number")
    if kind == "dial" and not (isinstance(number, str) and len(number) <= MAX_TRANSFER_TEXT):
        return None  # what is in it is the phone's to refuse, in Swedish
    if kind in CALL_KINDS:
        call = message.get("call")
        if not isinstance(call, str) or not 0 < len(call) <= MAX_CALL_ID:
            return None
        if kind == "hold" and not isinstance(message.get("on"), bool):
            return None
        digit = message.get("digit")
        if kind == "dtmf" and not (isinstance(digit, str) and len(digit) == 1 and digit in DIGITS):
            return None
        number = message.get("number")
        if kind == "transfer" and not (
            isinstance(number, str) and len(number) <= MAX_TRANSFER_TEXT
        ):
            return None
    return message


@router.get(PAGE)
def browser_phone_page(request: Request, session: SignedIn, me: Me) -> Response:
    """The page that makes this browser tab a phone."""
    if me.person_id is None:
        return render(request, "person_missing.html", session)
    ctx: WebContext = request.app.state.context
    media_wait_ms = round(ctx.settings.softphone_media_wait_s * 1000)
    return render(request, "phone/browser.html", session, media_wait_ms=media_wait_ms)


@router.get(ICE)
def ice_servers(session: SignedIn, ctx: Platform) -> JSONResponse:
    """The tenant's ICE servers for the page's ``RTCPeerConnection``, asked for at every
    connect: a time-limited TURN credential is then fresh, and an admin's change reaches
    an open page at its next reconnect. The server's peer uses the same servers
    (``vaxel.app.build``). Never cached: it may carry a TURN password."""
    servers = IceServersStore(ctx.database).of(session.user.tenant_id)
    who = f"{session.user.tenant_id}.{session.user.username}"
    return JSONResponse(
        {"iceServers": servers.for_peer(ctx.clock(), who)},
        headers={"Cache-Control": "no-store"},
    )


def _worded(send: Send) -> Send:
    """``send`` with the media side's errors worded in the page's language."""

    async def worded(message: dict[str, Any]) -> None:
        wording = ADAPTER_ERRORS.get(str(message.get("code", "")))
        kind = message.get("type")
        if kind == "error" and wording is not None:
            message = {**message, "message": gettext(wording)}
        elif kind == "error" and isinstance(message.get("message"), str):
            message = {**message, "message": in_language(message["message"], message)}
        elif kind == "ended" and isinstance(message.get("reason"), str):
            message = {**message, "reason": in_language(message["reason"], message)}
        await send(message)

    return worded


@router.websocket(SOCKET)
async def softphone_socket(websocket: WebSocket) -> None:
    """One browser phone: checked, then its messages handed to the media side in order.

    The socket lives only as long as its session, as ``/events`` does: the session watch
    re-checks it with all open streams once a second and ends the phone (4401) once the
    user signed out, was deactivated or the session expired."""
    ctx: WebContext = websocket.app.state.context
    use_language(websocket.cookies.get(LANGUAGE_COOKIE, ""))  # the HTTP middleware's rule
    if websocket.headers.get("origin") != _own_origin(websocket):
        await _refuse(websocket, CLOSE_FOREIGN_ORIGIN, gettext("Fel ursprung: öppna Växel själv"))
        return
    token = websocket.cookies.get(COOKIE)
    session = ctx.accounts.session(token, ctx.clock()) if token else None
    if token is None or session is None:
        await _refuse(websocket, CLOSE_NOT_SIGNED_IN, gettext("Logga in igen"))
        return
    port: SoftphonePort | None = getattr(websocket.app.state, "softphone", None)
    if port is None:
        await _refuse(
            websocket, CLOSE_UNAVAILABLE, gettext("Webbtelefonen är inte påslagen på servern")
        )
        return
    try:  # each phone holds a SIP line, RTP ports and a peer connection: capped
        release = ctx.stream_caps.open("softphone", session.user.tenant_id, token)
    except TooManyStreams as refused:
        await _refuse(websocket, CLOSE_RATE, str(refused.detail))
        return
    try:
        await websocket.accept()
    except BaseException:
        release()
        raise
    tenant_id, username = session.user.tenant_id, session.user.username
    send = _worded(websocket.send_json)
    phone = _Phone(port.open(tenant_id, username, send))
    phone.resume = lambda token: port.resume(tenant_id, username, token, send)
    session_gone = asyncio.Event()
    watched = ctx.session_watch.watch(token, session_gone)
    gone = asyncio.ensure_future(session_gone.wait())
    try:
        await _serve(websocket, ctx, phone, gone)
    except WebSocketDisconnect:
        phone.dropped = True
    finally:
        gone.cancel()
        ctx.session_watch.unwatch(watched)
        release()
        await (phone.session.drop() if phone.dropped else phone.session.close())


class _Phone:
    """The media side a socket is serving: the one it opened, or the one it resumed."""

    def __init__(self, session: SoftphoneSession) -> None:
        self.session = session
        self.dropped = False
        """The page's socket went by itself (not closed by the server for a limit or the
        session's end): a call up may then be kept for the page's next socket."""
        self.resume: Callable[[str], SoftphoneSession | None] = lambda token: None

    async def take_back(self, websocket: WebSocket, token: str) -> None:
        """``resume``: the page's call kept from its dropped socket, if the token is this
        account's; the phone this socket opened is then closed unused."""
        resumed = self.resume(token)
        if resumed is None:
            await websocket.send_json({"type": "resumed", "ok": False})
            return
        opened, self.session = self.session, resumed
        await opened.close()


async def _serve(
    websocket: WebSocket, ctx: WebContext, phone: _Phone, gone: asyncio.Future[Any]
) -> None:
    """Reads the page's messages until it goes, one breaks a limit or the session ends."""
    recent: deque[float] = deque()
    while True:
        receiving = asyncio.ensure_future(websocket.receive())
        await asyncio.wait({receiving, gone}, return_when=asyncio.FIRST_COMPLETED)
        if not receiving.done():
            receiving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await receiving
            reason = gettext("Logga in igen")
            await websocket.send_json({"type": "error", "message": reason})
            await websocket.close(CLOSE_NOT_SIGNED_IN, reason[:120])
            return
        received = receiving.result()
        if received["type"] == "websocket.disconnect":
            phone.dropped = True
            return
        text = received.get("text")
        now = ctx.clock()
        recent.append(now)
        while recent and now - recent[0] > RATE_WINDOW_S:
            recent.popleft()
        if text is None:  # a binary frame: the contract is text only
            await websocket.close(CLOSE_MALFORMED, gettext("Okänt meddelande"))
            return
        if len(text.encode()) > MAX_MESSAGE_BYTES:
            await websocket.close(CLOSE_TOO_BIG, gettext("Meddelandet är för stort"))
            return
        if len(recent) > MAX_MESSAGES:
            await websocket.close(CLOSE_RATE, gettext("För många meddelanden"))
            return
        message = parse(text)
        if message is None:
            await websocket.close(CLOSE_MALFORMED, gettext("Okänt meddelande"))
            return
        if message["type"] == "resume":
            await phone.take_back(websocket, message["token"])
        else:
            await phone.session.handle(message)
