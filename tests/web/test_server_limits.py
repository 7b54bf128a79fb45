"""The HTTP server under a connection flood (issue 10 §7): idle and one-byte-at-a-time
connections are closed after the header deadline, the idle ones longest waiting are shed
above the cap, a normal request answers quickly meanwhile, the descriptor limit is raised
and phone-number metadata is loaded before serving. uvicorn on 127.0.0.1 over uvloop."""

from __future__ import annotations

import asyncio
import contextlib
import resource
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvloop

from tests.web.conftest import Web
from vaxel.web.server import raise_descriptor_limit, start_web_server

FLOOD = 200
HEADER_TIMEOUT_S = 1.0


@contextlib.asynccontextmanager
async def served(web: Web, **options: Any) -> AsyncIterator[int]:
    server, serving = await start_web_server(web.app, "127.0.0.1", 0, **options)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await serving


async def closed_by_server(reader: asyncio.StreamReader, within_s: float) -> bool:
    try:
        async with asyncio.timeout(within_s):
            while await reader.read(1024):
                pass
    except TimeoutError:
        return False
    except ConnectionError:
        pass
    return True


async def trickle(writer: asyncio.StreamWriter) -> None:
    """Slowloris: a request line one byte at a time, never finished."""
    with contextlib.suppress(ConnectionError, RuntimeError):
        for byte in b"GET /login HTTP/1.1\r\nHost: vaxel\r\n":
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.2)


def test_a_flood_of_idle_and_slow_connections_is_closed_and_pages_still_answer(web: Web) -> None:
    async def scenario() -> tuple[list[bool], list[float]]:
        async with served(web, header_timeout_s=HEADER_TIMEOUT_S) as port:
            flood = [await asyncio.open_connection("127.0.0.1", port) for _ in range(FLOOD)]
            opened = time.perf_counter()
            trickles = [asyncio.create_task(trickle(w)) for _, w in flood[::2]]
            latencies = []
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(40):
                    started = time.perf_counter()
                    answer = await client.get("/login")
                    latencies.append(time.perf_counter() - started)
                    assert answer.status_code == 200
            remaining = HEADER_TIMEOUT_S + 2.0 - (time.perf_counter() - opened)
            closed = await asyncio.gather(*(closed_by_server(r, remaining) for r, _ in flood))
            for task in trickles:
                task.cancel()
            for _, writer in flood:
                writer.close()
            return list(closed), latencies

    closed, latencies = uvloop.run(scenario())
    assert all(closed), f"{closed.count(False)} of {FLOOD} connections still open"
    p99 = sorted(latencies)[int(len(latencies) * 0.99) - 1]
    print(f"GET /login during the flood: p99 {p99 * 1000:.0f} ms")  # for docs/guarantees.md
    assert p99 < 0.1, f"p99 {p99 * 1000:.0f} ms"  # issue 10: 100 ms p99 for legitimate users


def test_above_the_cap_the_longest_idle_connections_are_shed(web: Web) -> None:
    async def scenario() -> tuple[bool, bool, int]:
        async with served(
            web, header_timeout_s=60, max_connections=400, shed_idle_above=50
        ) as port:
            idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(120)]
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                status = (await client.get("/login")).status_code
            oldest_closed = await closed_by_server(idle[0][0], 2.0)
            newest_open = not await closed_by_server(idle[-1][0], 0.2)
            for _, writer in idle:
                writer.close()
            return oldest_closed, newest_open, status

    oldest_closed, newest_open, status = uvloop.run(scenario())
    assert status == 200
    assert oldest_closed and newest_open


def test_the_descriptor_limit_is_raised_to_the_hard_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowered = min(256, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowered, hard))
    try:
        assert raise_descriptor_limit() == hard
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == hard
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


STARTED_SERVER = """
import asyncio, sys
from vaxel.web.server import start_web_server

async def app(scope, receive, send):
    pass

async def main():
    server, serving = await start_web_server(app, "127.0.0.1", 0)
    lazy = [m for m in ("phonenumbers.data.region_SE", "phonenumbers.data.region_NO",
                        "phonenumbers.data.region_US") if m not in sys.modules]
    server.should_exit = True
    await serving
    print("missing:", lazy)

asyncio.run(main())
"""


def test_phone_number_metadata_is_loaded_before_serving() -> None:
    run = subprocess.run(
        [sys.executable, "-c", STARTED_SERVER], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert "missing: []" in run.stdout


def test_a_websocket_message_past_the_limit_is_closed_before_it_is_buffered() -> None:
    """The browser phone's socket (issue 15) refuses a message over 32 KiB in Swedish; a
    bigger one must not be read into memory first (uvicorn's default is 16 MiB a message):
    the server closes it 1009 at ``WS_MAX_BYTES``."""
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.websockets import WebSocket
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    from vaxel.web.server import WS_MAX_BYTES

    async def echo(socket: WebSocket) -> None:
        await socket.accept()
        while True:
            await socket.send_text(str(len(await socket.receive_text())))

    app = Starlette(routes=[WebSocketRoute("/ws", echo)])

    async def scenario() -> int | None:
        server, serving = await start_web_server(app, "127.0.0.1", 0)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            async with connect(f"ws://127.0.0.1:{port}/ws", max_size=None) as socket:
                await socket.send("x" * 1000)
                assert await socket.recv() == "1000"  # a small message is read
                await socket.send("x" * (WS_MAX_BYTES + 1))
                try:
                    await asyncio.wait_for(socket.recv(), 5)
                except ConnectionClosed as closed:
                    return closed.rcvd.code if closed.rcvd else None
                return None
        finally:
            server.should_exit = True
            await serving

    assert uvloop.run(scenario()) == 1009
