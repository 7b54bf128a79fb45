"""The HTTP server around the web app, hardened against connection floods (issue 10 §3, §7).

1,100 idle or one-byte-per-10-s connections, kept open for 90 s and more, took the web and
the API down; and when the first phone-number parse fell in that window, ``phonenumbers``'
lazy import lock stayed held and the next parse blocked the event loop for ever. So, before
serving, :func:`start_web_server` raises the descriptor limit to the hard limit and loads
every library's metadata; and the server runs with:

* **a header deadline** — a connection must deliver a request's headers within
  ``HEADER_TIMEOUT_S`` of opening (or of its first byte after a response); uvicorn has no
  such timeout of its own, only the keep-alive one between requests;
* **a short keep-alive** (``KEEP_ALIVE_S``) and a body deadline (``vaxel.web.limits``);
* **a cap on connections** (``limit_concurrency``, 503 above it) under the descriptor limit,
  and, above ``shed_idle_above`` connections, each new one closes the connection that has
  waited longest without a request in progress — idle and slow ones go first, while pages'
  live streams and requests being answered are never shed.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "HEADER_TIMEOUT_S",
    "KEEP_ALIVE_S",
    "MAX_CONNECTIONS",
    "WS_MAX_BYTES",
    "raise_descriptor_limit",
    "start_web_server",
    "warm_up_libraries",
    "web_server_config",
]

log = logging.getLogger(__name__)

HEADER_TIMEOUT_S = 10.0
"""A request's headers must arrive within this; a browser sends them at once."""
WS_MAX_BYTES = 64 * 1024
"""A WebSocket message is read at most this far (uvicorn's default is 16 MiB): the browser
phone's own limit (32 KiB, ``softphone.py``) answers in Swedish below it; a bigger message
is closed 1009 by the server before it is buffered."""
KEEP_ALIVE_S = 5.0
"""An idle connection between requests is closed after this."""
MAX_CONNECTIONS = 4096
"""At most this many connections (fewer when the descriptor limit is lower)."""
RESERVED_DESCRIPTORS = 256
"""Kept for the database, SIP, media and log files."""


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header deadline and idle-connection shedding."""

    header_timeout_s = HEADER_TIMEOUT_S
    shed_idle_above = MAX_CONNECTIONS // 2

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._waiting_since = self.loop.time()
        self._arm_header_deadline()
        if len(self.connections) > self.shed_idle_above:
            self._shed_longest_waiting()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._awaiting_request():
            self._arm_header_deadline()
        else:
            self._disarm_header_deadline()

    def on_response_complete(self) -> None:
        self._waiting_since = self.loop.time()
        super().on_response_complete()  # arms uvicorn's keep-alive timer for the idle time

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def _awaiting_request(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if self._awaiting_request() and not self.transport.is_closing():
            self.transport.close()

    def _shed_longest_waiting(self) -> None:
        waiting = [
            c
            for c in self.connections
            if isinstance(c, GuardedH11Protocol)
            and c is not self
            and c._awaiting_request()
            and not c.transport.is_closing()
        ]
        if waiting:
            oldest = min(waiting, key=lambda c: c._waiting_since)
            oldest.transport.close()


def raise_descriptor_limit() -> int:
    """Raise the soft limit on open files to the hard one (1,024 by default on many
    systems, which a modest flood exhausts); returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit from %s", soft)
    return soft


def warm_up_libraries() -> None:
    """Load what libraries otherwise load lazily on first use, before any request can race
    it: every region's ``phonenumbers`` metadata (a lazy import under the import lock)."""
    import phonenumbers
    from phonenumbers.phonemetadata import PhoneMetadata

    for region in phonenumbers.SUPPORTED_REGIONS:
        PhoneMetadata.metadata_for_region(region)
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        PhoneMetadata.metadata_for_nongeo_region(code)
    number = phonenumbers.parse("+46 8 123 456 78")
    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def web_server_config(
    app: Any,
    host: str,
    port: int,
    *,
    header_timeout_s: float = HEADER_TIMEOUT_S,
    max_connections: int | None = None,
    shed_idle_above: int | None = None,
    **options: Any,
) -> uvicorn.Config:
    """uvicorn's configuration with the guards above; ``options`` go to uvicorn as is."""
    if max_connections is None:
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        room = MAX_CONNECTIONS if soft == resource.RLIM_INFINITY else soft - RESERVED_DESCRIPTORS
        max_connections = max(64, min(MAX_CONNECTIONS, room))
    protocol = type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {
            "header_timeout_s": header_timeout_s,
            "shed_idle_above": shed_idle_above or max_connections // 2,
        },
    )
    settings: dict[str, Any] = {
        "lifespan": "off",
        "log_level": "warning",
        "server_header": False,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "timeout_graceful_shutdown": 5,
        "h11_max_incomplete_event_size": 16 * 1024,
        "ws_max_size": WS_MAX_BYTES,
    }
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        limit_concurrency=max_connections,
        **(settings | options),
    )


async def start_web_server(
    app: Any, host: str, port: int, **options: Any
) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """Raise the descriptor limit, load library metadata, then serve ``app`` (configured by
    :func:`web_server_config` with ``options``) until it listens; returns the server and
    its task (set ``should_exit`` to stop it)."""
    raise_descriptor_limit()
    warm_up_libraries()
    server = uvicorn.Server(web_server_config(app, host, port, **options))
    serving = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # e.g. the port is taken
            raise RuntimeError("the web server stopped while starting")
        await asyncio.sleep(0.02)
    return server, serving
