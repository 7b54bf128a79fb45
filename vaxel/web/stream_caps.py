"""Caps on long-lived streams (server-sent events) per session or API key and per tenant
(security review of issue 16; issue 10 §3's "every input a peer controls has a limit").

Each open stream holds a subscription, a wake-up per change and a connection; a script
with one cookie or one API key could open thousands and make every change cost the loop
thousands of sends. Rules:

- A stream is counted under its kind (``events``, ``api-events``, ``directory`` …), its
  holder (the session token, or the API key) and its tenant, from the moment the route
  accepts it until its response ends — whether it ended, the client went away or it was
  never started (the response's own ``__call__`` releases it, not the body's generator,
  which never runs its ``finally`` when the client leaves before the first byte).
- Past ``per_holder`` for one holder, or ``per_tenant`` for one tenant, a new stream is
  refused ``429`` with a Swedish text (English translated) and ``Retry-After``; the open
  ones are untouched.

On the event loop only (routes and responses), so no lock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from vaxel.web.i18n import gettext

__all__ = ["CAPS", "StreamCap", "StreamCaps", "TooManyStreams", "capped_stream"]

RETRY_AFTER_S = 30


@dataclass(frozen=True, slots=True)
class StreamCap:
    per_holder: int
    per_tenant: int


PAGE = StreamCap(per_holder=8, per_tenant=1000)
"""A signed-in session's live streams of one kind (her tabs) and a tenant's (every page)."""
API = StreamCap(per_holder=4, per_tenant=20)
"""An API key's event streams (an integration needs one) and a tenant's."""
PHONE = StreamCap(per_holder=3, per_tenant=500)
"""Browser phones (``/telefon/ws``): each holds a SIP line, RTP ports and a peer."""
CONSOLE = StreamCap(per_holder=8, per_tenant=500)
"""The console's stream: a session's fifth ends its oldest (``console_stream``), so the
session's cap only covers the moment both are open; the tenant's bounds many sessions."""
CAPS = {"api-events": API, "softphone": PHONE, "console": CONSOLE}
"""The kinds with caps of their own; every other kind has ``PAGE``."""


class TooManyStreams(HTTPException):
    code = "too-many-streams"

    def __init__(self, limit: int, whose: str) -> None:
        text = (
            gettext("För många öppna strömmar för den här sessionen eller nyckeln (högst {n})")
            if whose == "holder"
            else gettext("För många öppna strömmar i organisationen (högst {n})")
        )
        super().__init__(429, text.format(n=limit), {"Retry-After": str(RETRY_AFTER_S)})


@dataclass(slots=True)
class StreamCaps:
    caps: dict[str, StreamCap] = field(default_factory=dict)
    """Per kind; a kind not named has ``PAGE``."""
    _holders: Counter[tuple[str, str]] = field(default_factory=Counter)
    _tenants: Counter[tuple[str, str]] = field(default_factory=Counter)

    def open(self, kind: str, tenant_id: str, holder: str) -> Callable[[], None]:
        """Count one stream (TooManyStreams past a cap); the release to call once it ends."""
        cap = self.caps.get(kind, PAGE)
        held, tenant = (kind, holder), (kind, tenant_id)
        if self._holders[held] >= cap.per_holder:
            raise TooManyStreams(cap.per_holder, "holder")
        if self._tenants[tenant] >= cap.per_tenant:
            raise TooManyStreams(cap.per_tenant, "tenant")
        self._holders[held] += 1
        self._tenants[tenant] += 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            for counter, key in ((self._holders, held), (self._tenants, tenant)):
                counter[key] -= 1
                if counter[key] <= 0:
                    del counter[key]

        return release

    def open_count(self, kind: str, tenant_id: str) -> int:
        return self._tenants[(kind, tenant_id)]


class _CappedStream(StreamingResponse):
    """A streaming response that releases its slot however it ends."""

    release: Callable[[], None] = staticmethod(lambda: None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.release()


def capped_stream(release: Callable[[], None], content: Any, **kwargs: Any) -> StreamingResponse:
    """``StreamingResponse(content, **kwargs)`` that calls ``release`` (from
    :meth:`StreamCaps.open`, asked before anything was subscribed) however it ends."""
    response = _CappedStream(content, **kwargs)
    response.release = release
    return response
