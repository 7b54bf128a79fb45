"""Request bodies are capped per route before they are parsed (issue 10 §3): a 50 MB body
to the callbacks API without a key is refused with 413 having read almost none of it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import uvloop

from tests.web.conftest import Web
from vaxel.web.limits import BodyLimit, body_limit

MIB = 1024 * 1024
BODY = 50 * MIB


async def post(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, int, bytes]:
    """POST a 50 MB body in 1 MiB chunks straight to the ASGI app; returns the status, how
    many body bytes the app pulled, and the response body."""
    pulled = 0
    chunk = b" " * MIB
    status = 0
    answer = b""

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= BODY:
            return {"type": "http.disconnect"}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pulled < BODY}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, answer
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            answer += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"vaxel"), (b"content-type", b"application/json"), *headers],
        "client": ("10.5.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    run: Callable[..., Awaitable[None]] = app
    await run(scope, receive, send)
    return status, pulled, answer


def test_a_declared_50_mb_body_is_refused_unread(web: Web) -> None:
    length = [(b"content-length", str(BODY).encode())]
    status, pulled, answer = uvloop.run(post(web.app, "/api/v1/callbacks", length))
    assert status == 413
    assert pulled == 0
    problem = json.loads(answer)
    assert "för stor" in problem["detail"] and problem["code"] == "body-too-large"


def test_a_streamed_50_mb_body_is_cut_off_at_the_routes_cap(web: Web) -> None:
    status, pulled, _ = uvloop.run(post(web.app, "/api/v1/callbacks", []))
    assert status == 413
    assert pulled <= body_limit("/api/v1/callbacks") + MIB  # at most the chunk that passed it


def test_each_route_has_its_cap() -> None:
    assert body_limit("/api/v1/callbacks") == 64 * 1024
    assert body_limit("/login") == 16 * 1024
    assert body_limit("/admin/prompts") > 10 * MIB  # an upload page of its own
    assert body_limit("/admin/queues/new") == MIB


def test_a_body_slower_than_the_deadline_is_refused_with_408() -> None:
    async def reads_body(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        raise AssertionError("a body one byte at a time was read to its end")

    async def trickle() -> tuple[int, int]:
        sent = 0
        status = 0

        async def receive() -> dict[str, Any]:
            nonlocal sent
            await asyncio.sleep(0.1)
            sent += 1
            return {"type": "http.request", "body": b"x", "more_body": True}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        scope = {"type": "http", "path": "/login", "headers": [], "method": "POST"}
        async with asyncio.timeout(5):  # without the deadline, the read never ends
            await BodyLimit(reads_body, read_timeout_s=0.5)(scope, receive, send)
        return status, sent

    status, sent = uvloop.run(trickle())
    assert status == 408
    assert sent <= 6
