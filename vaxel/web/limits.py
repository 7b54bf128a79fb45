"""Request bodies are capped per route before anything parses them (issue 10 §3).

Four parallel 400 MB JSON bodies to ``/api/v1/callbacks`` without an API key peaked the
process at 4.8 GB: FastAPI reads and parses the whole body before the key dependency
runs. :class:`BodyLimit` sits in front of everything: a ``Content-Length`` above the
route's cap gets 413 at once, unread; a body streamed without one is counted as it arrives
and refused the moment it passes the cap; and a body must arrive within
``BODY_READ_TIMEOUT_S`` (408), so one byte every ten seconds cannot hold a request open.
"""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vaxel.web.admin.prompts import MAX_UPLOAD_BYTES
from vaxel.web.errors import problem_response, wants_problem
from vaxel.web.i18n import gettext

__all__ = ["BODY_READ_TIMEOUT_S", "DEFAULT_BODY_LIMIT", "ROUTE_BODY_LIMITS", "BodyLimit"]

KIB = 1024
DEFAULT_BODY_LIMIT = 1024 * KIB
"""Every form and JSON body of the app fits in far less (a flow's YAML is a few KiB)."""
ROUTE_BODY_LIMITS: tuple[tuple[str, int], ...] = (
    ("/login", 16 * KIB),
    ("/api/v1/callbacks", 64 * KIB),  # CB7: 20 form fields of at most 500 characters
    # The upload page itself explains a file that is too big; past twice the limit the
    # body is not worth the page's friendly answer.
    ("/admin/prompts", 2 * MAX_UPLOAD_BYTES),
    # a voicemail greeting of up to 4 MB (PBX4; the route refuses more in Swedish)
    ("/min-telefon/rostbrevlada/halsning", 4 * 1024 * KIB + 64 * KIB),
)
"""Path prefixes with their own cap, checked in order (the first that matches wins)."""
BODY_READ_TIMEOUT_S = 60.0
"""The whole body must arrive within this (10 MiB upload at 170 KiB/s)."""


class BodyTooLarge(HTTPException):
    code = "body-too-large"

    def __init__(self, limit: int) -> None:
        super().__init__(413, gettext("Förfrågan är för stor: högst {n} byte").format(n=limit))


class BodyTooSlow(HTTPException):
    code = "body-too-slow"

    def __init__(self) -> None:
        super().__init__(408, gettext("Förfrågan kom inte fram i tid"))


def body_limit(path: str) -> int:
    for prefix, limit in ROUTE_BODY_LIMITS:
        if path == prefix or path.startswith(prefix + "/"):
            return limit
    return DEFAULT_BODY_LIMIT


class BodyLimit:
    """Pure ASGI middleware (no buffering of responses, so live streams are untouched)."""

    def __init__(self, app: ASGIApp, read_timeout_s: float = BODY_READ_TIMEOUT_S) -> None:
        self.app = app
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(scope, BodyTooLarge(limit), receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.read_timeout_s
        received = 0
        more_body = True
        started = False

        async def limited_receive() -> Message:
            nonlocal received, more_body
            if not more_body:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTooSlow() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                more_body = bool(message.get("more_body", False))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except (BodyTooLarge, BodyTooSlow) as error:
            if started:  # the app answered before it read on: let the server close
                raise
            await _refuse(scope, error, receive, send)


async def _refuse(scope: Scope, error: HTTPException, receive: Receive, send: Send) -> None:
    """Answer with the error and close: the rest of the body is never read. The API gets
    problem details (``vaxel.web.errors``), a page plain text."""
    headers = {"Connection": "close"}
    response: Response
    if wants_problem(Request(scope)):
        code = getattr(error, "code", "")
        response = problem_response(error.status_code, error.detail, code=code, headers=headers)
    else:
        response = PlainTextResponse(error.detail, error.status_code, headers)
    await response(scope, receive, send)
