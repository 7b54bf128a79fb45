"""A flood of the operator console's live stream (issue 16 §8; every input has a limit): one
session keeps at most MAX_STREAMS console streams open — a script with her cookie opening
more ends the oldest, so the loop (telephony's too) never builds a push for hundreds of
streams at each change. Served by uvicorn on 127.0.0.1 over uvloop, as in production."""

from __future__ import annotations

import asyncio

import httpx
import uvloop

from tests.web.conftest import Web
from tests.web.test_live_sessions import open_session, served
from tests.web.test_operator_console import _operator
from vaxel.web.console_stream import MAX_STREAMS
from vaxel.web.security import COOKIE
from vaxel.web.stream_caps import StreamCap

FLOOD = MAX_STREAMS + 3


async def _read(base: str, opened: asyncio.Event) -> None:
    async with (
        httpx.AsyncClient(base_url=base, cookies={COOKIE: "kristina-token"}) as client,
        client.stream("GET", "/telefonist/handelser", timeout=30) as response,
    ):
        assert response.status_code == 200
        async for chunk in response.aiter_text():
            if chunk.startswith("data:"):
                opened.set()


def test_a_session_keeps_at_most_four_console_streams_the_oldest_end(web: Web) -> None:
    _operator(web)
    open_session(web, "kristina", "kristina-token")

    async def scenario() -> tuple[list[bool], int]:
        async with served(web) as base:
            readers = []
            for _ in range(FLOOD):  # one after the other: the order is the age
                opened = asyncio.Event()
                readers.append(asyncio.create_task(_read(base, opened)))
                await asyncio.wait_for(opened.wait(), 10)
            await asyncio.sleep(0.5)
            ended = [reader.done() for reader in readers]
            connections = web.app.state.hub.connections  # type: ignore[attr-defined]
            for reader in readers:
                reader.cancel()
            await asyncio.gather(*readers, return_exceptions=True)
            return ended, connections

    ended, connections = uvloop.run(scenario())
    assert ended == [True] * (FLOOD - MAX_STREAMS) + [False] * MAX_STREAMS
    assert connections == MAX_STREAMS


def test_many_sessions_of_one_tenant_are_capped_too(web: Web) -> None:
    """Eviction is per session: signing in again and again would give a script as many
    sessions as it likes, so the tenant's console streams are capped as well (security
    review of issue 16): past it 429 in Swedish; another organisation is not affected."""
    _operator(web)
    open_session(web, "kristina", "kristina-token")
    open_session(web, "kristina", "kristina-again")
    caps = web.app.state.context.stream_caps  # type: ignore[attr-defined]
    caps.caps["console"] = StreamCap(per_holder=8, per_tenant=MAX_STREAMS)

    async def scenario() -> httpx.Response:
        async with served(web) as base:
            readers = []
            try:
                for _ in range(MAX_STREAMS):
                    opened = asyncio.Event()
                    readers.append(asyncio.create_task(_read(base, opened)))
                    await asyncio.wait_for(opened.wait(), 10)
                async with httpx.AsyncClient(
                    base_url=base, cookies={COOKIE: "kristina-again"}, timeout=10
                ) as again:
                    return await again.get("/telefonist/handelser")
            finally:
                for reader in readers:
                    reader.cancel()
                await asyncio.gather(*readers, return_exceptions=True)

    refused = uvloop.run(scenario())
    assert refused.status_code == 429 and "För många öppna strömmar" in refused.text
