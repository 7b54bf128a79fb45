"""The browser softphone's WebSocket refuses what it must (issue 15 Bad input, ADM2):
a foreign Origin, no session, a server without the phone, an oversized, malformed or
too frequent message — each ends with its own close code and, on refusal, a Swedish
reason the page shows (docs/webrtc.md)."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.web.conftest import Web, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.softphone import (
    CLOSE_FOREIGN_ORIGIN,
    CLOSE_MALFORMED,
    CLOSE_NOT_SIGNED_IN,
    CLOSE_RATE,
    CLOSE_TOO_BIG,
    CLOSE_UNAVAILABLE,
    MAX_MESSAGE_BYTES,
    MAX_MESSAGES,
    SOCKET,
    Send,
)
from vaxel.web.stream_caps import PHONE

OWN = {"origin": "http://testserver"}
pytestmark = pytest.mark.timeout(120)


class Recorder:
    """A media side that only records what reached it (the port's contract, not WebRTC:
    the browser test drives the real one)."""

    def __init__(self) -> None:
        self.opened: list[tuple[str, str]] = []
        self.messages: list[dict[str, Any]] = []
        self.closed = 0
        self.dropped = 0
        self.kept: dict[str, Recorder] = {}
        """What ``resume`` gives back, by token."""
        self.resumes: list[tuple[str, str, str]] = []

    def open(self, tenant_id: str, username: str, send: Send) -> Recorder:
        self.opened.append((tenant_id, username))
        return self

    def resume(self, tenant_id: str, username: str, token: str, send: Send) -> Recorder | None:
        self.resumes.append((tenant_id, username, token))
        return self.kept.pop(token, None)

    async def handle(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    async def close(self) -> None:
        self.closed += 1

    async def drop(self) -> None:
        self.dropped += 1


@pytest.fixture
def phones(web: Web) -> Recorder:
    recorder = Recorder()
    web.app.state.softphone = recorder  # type: ignore[attr-defined]
    return recorder


def went(socket: Any, phone: Recorder) -> None:
    """The page's socket closes by itself; waits (bounded) until the server saw it go —
    the test client cancels the server's side as soon as its block ends."""
    socket.close(1000)
    deadline = time.monotonic() + 5
    while not (phone.dropped or phone.closed) and time.monotonic() < deadline:
        time.sleep(0.01)


def refused(client: TestClient, headers: dict[str, str]) -> tuple[int, str]:
    """The close code and the Swedish reason a refused connection gets."""
    with client.websocket_connect(SOCKET, headers=headers) as socket:
        reason = socket.receive_json()
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert reason["type"] == "error"
    return closed.value.code, reason["message"]


def closing(client: TestClient, *messages: str | bytes) -> int:
    """The close code after sending ``messages`` on an accepted connection."""
    with client.websocket_connect(SOCKET, headers=OWN) as socket:
        for message in messages:
            if isinstance(message, bytes):
                socket.send_bytes(message)
            else:
                socket.send_text(message)
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    return closed.value.code


def test_signed_in_page_of_the_app_opens_a_phone_and_reaches_the_media_side(
    web: Web, phones: Recorder
) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    with client.websocket_connect(SOCKET, headers=OWN) as socket:
        socket.send_text('{"type": "offer", "sdp": "v=0"}')
        socket.send_text('{"type": "hangup"}')
        went(socket, phones)
    assert phones.opened == [(DEMO_TENANT, "maria")]
    assert phones.messages == [{"type": "offer", "sdp": "v=0"}, {"type": "hangup"}]
    # the page went by itself: the media side may keep a call for its next socket
    assert phones.dropped == 1 and phones.closed == 0


def test_a_resume_reaches_only_this_accounts_kept_phone(web: Web, phones: Recorder) -> None:
    """Issue 15: the page's new socket takes back the call its dropped socket had, by the
    token it was given, for the signed-in account only (the token is checked against the
    same tenant and user by the media side, tests/webrtc/test_resume.py)."""
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    kept = phones.kept["good-token"] = Recorder()
    with client.websocket_connect(SOCKET, headers=OWN) as socket:
        socket.send_text('{"type": "resume", "token": "stale-token"}')
        assert socket.receive_json() == {"type": "resumed", "ok": False}
        socket.send_text('{"type": "resume", "token": "good-token"}')
        socket.send_text('{"type": "hold", "call": "c1", "on": true}')
        went(socket, kept)
    assert phones.resumes == [
        (DEMO_TENANT, "maria", "stale-token"),
        (DEMO_TENANT, "maria", "good-token"),
    ]
    assert kept.messages == [{"type": "hold", "call": "c1", "on": True}]
    assert phones.closed == 1 and phones.messages == []  # the phone it opened, unused
    assert kept.dropped == 1  # and the resumed one is the one the next drop keeps
    for bad in ('{"type": "resume"}', '{"type": "resume", "token": "' + "t" * 65 + '"}'):
        assert closing(client, bad) == CLOSE_MALFORMED, bad


def test_a_page_of_another_site_is_refused_even_with_the_agents_cookie(
    web: Web, phones: Recorder
) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    for origin in ("https://evil.example", "http://testserver.evil.example", "null"):
        code, reason = refused(client, {"origin": origin})
        assert code == CLOSE_FOREIGN_ORIGIN and "ursprung" in reason
    code, _ = refused(client, {})  # no Origin at all: not a page of the app either
    assert code == CLOSE_FOREIGN_ORIGIN
    assert phones.opened == []


def test_no_session_is_refused(web: Web, phones: Recorder) -> None:
    code, reason = refused(web.client(), OWN)
    assert code == CLOSE_NOT_SIGNED_IN and "Logga in" in reason
    client = web.client()
    client.cookies.set("vaxel_session", "forged-token")
    assert refused(client, OWN)[0] == CLOSE_NOT_SIGNED_IN
    assert phones.opened == []


def test_one_session_opens_at_most_a_few_phones(web: Web, phones: Recorder) -> None:
    """Each phone holds a SIP line, RTP ports and a peer connection: a script with one
    cookie cannot open them without end (security review of issue 16); one that closed
    frees its place."""
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    cap = PHONE.per_holder
    with contextlib.ExitStack() as stack:
        for _ in range(cap):
            stack.enter_context(client.websocket_connect(SOCKET, headers=OWN))
        code, reason = refused(client, OWN)
        assert code == CLOSE_RATE and "För många öppna" in reason
        assert len(phones.opened) == cap
    with client.websocket_connect(SOCKET, headers=OWN):  # the others closed
        pass
    assert len(phones.opened) == cap + 1


def test_a_server_without_the_browser_phone_says_so(web: Web) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    code, reason = refused(client, OWN)
    assert code == CLOSE_UNAVAILABLE and "Webbtelefonen" in reason


def test_oversized_malformed_binary_and_unknown_messages_close_the_socket(
    web: Web, phones: Recorder
) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    big = '{"type": "offer", "sdp": "' + "a" * MAX_MESSAGE_BYTES + '"}'
    assert closing(client, big) == CLOSE_TOO_BIG
    for bad in ("not json", "[1, 2]", '{"type": "dial"}', '{"type": "offer", "sdp": 5}'):
        assert closing(client, bad) == CLOSE_MALFORMED, bad
    long_number = '{"type": "transfer", "call": "a", "number": "' + "1" * 65 + '"}'
    long_dial = '{"type": "dial", "number": "' + "1" * 65 + '"}'
    for bad in ('{"type": "dial", "number": 4501}', long_dial):  # Ring upp (issue 15 §2)
        assert closing(client, bad) == CLOSE_MALFORMED, bad
    for bad in ('{"type": "transfer", "call": "a", "number": 4504}', long_number):
        assert closing(client, bad) == CLOSE_MALFORMED, bad  # the transfer field (issue 15)
    assert closing(client, b"\x00\x01") == CLOSE_MALFORMED
    # issue 15 "Bad input": only the page's three reasons; "closed" is the server's own
    for bad in ('{"type": "unable"}', '{"type": "unable", "reason": "closed"}'):
        assert closing(client, bad) == CLOSE_MALFORMED, bad
    assert closing(client, '{"type": "unable", "reason": "' + "x" * 100 + '"}') == 4400
    assert phones.messages == []  # none of it reached the media side
    assert phones.closed == len(phones.opened) and phones.dropped == 0


def test_a_flood_of_messages_is_cut_off(web: Web, phones: Recorder) -> None:
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    flood = ['{"type": "hangup"}'] * (MAX_MESSAGES + 1)
    assert closing(client, *flood) == CLOSE_RATE
    assert len(phones.messages) == MAX_MESSAGES


class Refuses(Recorder):
    """A media side that refuses every offer as the WebRTC adapter refuses one without
    PCMU: by code, with its Swedish text."""

    def open(self, tenant_id: str, username: str, send: Send) -> Refuses:
        self.send = send
        return self

    async def handle(self, message: dict[str, Any]) -> None:
        text = "Webbläsaren erbjöd inget ljud i PCMU"
        await self.send({"type": "error", "code": "no-pcmu", "message": text})


def test_refusals_are_in_the_pages_language(web: Web) -> None:
    """Issue 15 (docs/webrtc.md "Left to do" 7): the adapter's refusals and the socket's
    own follow the language the agent chose, Swedish first."""
    web.app.state.softphone = Refuses()  # type: ignore[attr-defined]
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    with client.websocket_connect(SOCKET, headers=OWN) as socket:
        socket.send_text('{"type": "offer", "sdp": "v=0"}')
        assert socket.receive_json()["message"] == "Webbläsaren erbjöd inget ljud i PCMU"
    client.cookies.set("vaxel_lang", "en")
    with client.websocket_connect(SOCKET, headers=OWN) as socket:
        socket.send_text('{"type": "offer", "sdp": "v=0"}')
        assert socket.receive_json()["message"] == "The browser offered no audio in PCMU"
    client.cookies.delete("vaxel_session")
    assert refused(client, OWN) == (CLOSE_NOT_SIGNED_IN, "Sign in again")


def test_the_socket_closes_soon_after_its_session_ends(web: Web, phones: Recorder) -> None:
    """Signed out elsewhere (or deactivated, or expired): the session watch ends the
    phone's socket with 4401 within about two seconds, as it ends ``/events``."""
    client = web.client()
    sign_in(client, DEMO_TENANT, "maria")
    token = client.cookies.get("vaxel_session")
    assert token
    with client.websocket_connect(SOCKET, headers=OWN) as socket:
        socket.send_text('{"type": "hangup"}')
        started = time.monotonic()
        web.app.state.context.accounts.close_session(token)  # type: ignore[attr-defined]
        assert socket.receive_json() == {"type": "error", "message": "Logga in igen"}
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
        assert closed.value.code == CLOSE_NOT_SIGNED_IN
        assert time.monotonic() - started < 2.5
    assert phones.closed == 1 and phones.dropped == 0  # a signed-out call is not kept
