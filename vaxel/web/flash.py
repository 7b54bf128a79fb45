"""A message for the next page of the same session (issue 9 §4).

After a form post the handler redirects (303) and the page it lands on says what went wrong.
That message used to ride in the URL (``?error=…``), so anyone could send a link that showed
a Växel alert with words of their choosing. Now :func:`~vaxel.web.rendering.back` answers with a
:class:`FlashRedirect`, which leaves the message here, under the session, as it is sent; the
page rendered for that session takes it (once) and shows it if it is the page the redirect
led to. A URL can no longer put text in an alert, nor in a form: what a refused form should show
again (a suggested id, the name typed) rides in the flash beside the message. A redirect
without a message clears what an earlier post left: the newest post speaks for the session.

Kept in memory, keyed by the hash of the session token: Växel serves its pages from the one
process that runs the engine, and a message lost in a restart costs nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import urlsplit

from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from vaxel.web.security import COOKIE

__all__ = ["Flash", "FlashRedirect", "Flashes"]


class Flash(NamedTuple):
    """What a form post left for the next page: the refusal and the values to fill in."""

    message: str = ""
    values: Mapping[str, str] = MappingProxyType({})
    saved: bool = False
    """The post was stored: the page says so ("Sparat."), which a link must not be able to
    claim either (``?saved=1`` could)."""
    said: str = ""
    """What the post did, for the page's status line (e.g. "Meddelandet till … är skickat",
    OP7): a success the page words itself, never taken from a link."""


class Flashes:
    """At most one waiting message per session, and at most ``limit`` sessions' worth: the
    oldest is forgotten first (a message nobody came back for)."""

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._messages: OrderedDict[str, tuple[str, Flash]] = OrderedDict()
        self._lock = threading.Lock()  # sync page handlers run in worker threads

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def put(
        self,
        token: str,
        path: str,
        message: str,
        values: Mapping[str, str] | None = None,
        *,
        saved: bool = False,
        said: str = "",
    ) -> None:
        """Leave ``message`` (and the form ``values`` to fill in again), or word that the
        post was ``saved`` or what it ``said``, for the page at ``path``; neither clears
        the flash."""
        if not token:
            return
        key = self._key(token)
        with self._lock:
            if not message and not saved and not said:
                self._messages.pop(key, None)
                return
            flash = Flash(message, dict(values or {}), saved, said)
            self._messages[key] = (urlsplit(path).path, flash)
            self._messages.move_to_end(key)
            while len(self._messages) > self._limit:
                self._messages.popitem(last=False)

    def take(self, token: str, path: str) -> Flash:
        """The session's waiting flash if it was left for ``path``; removed either way, so
        it is never shown on a later visit."""
        if not token:
            return Flash()
        with self._lock:
            found = self._messages.pop(self._key(token), None)
        return found[1] if found is not None and found[0] == path else Flash()


class FlashRedirect(RedirectResponse):
    """A 303 to ``path`` that leaves ``message`` (and ``values``) in the session's flash
    when it is sent."""

    def __init__(
        self,
        path: str,
        message: str = "",
        values: Mapping[str, str] | None = None,
        *,
        saved: bool = False,
        said: str = "",
    ) -> None:
        super().__init__(path, status_code=303)
        self.path = path
        self.message = message
        self.values = values
        self.saved = saved
        self.said = said

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        flashes: Flashes = request.app.state.context.flashes
        token = request.cookies.get(COOKIE, "")
        flashes.put(token, self.path, self.message, self.values, saved=self.saved, said=self.said)
        await super().__call__(scope, receive, send)
