"""Web performance (issue 4): live-update latency with 200 connected pages, and the callback
list page with 10,000 items. ``python -m benchmarks.web``; figures in BENCHMARKS.md.

The live-update measure times a core event (a call arriving) until each of 200 server-sent
event streams has delivered the snapshot showing it. The 200 "browsers" run in a second
process by default (``--clients same`` puts them on the server's event loop, as the first
figures did), so their JSON parsing does not queue behind the server's work; both processes
read the same monotonic clock. ``--loop`` and ``--http`` pick the server's event loop and
HTTP parser.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import uvicorn
from fastapi.testclient import TestClient

from vaxel.acd.events import CallbackRequested, ContactArrived
from vaxel.acd.model import Channel
from vaxel.demo import seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade
from vaxel.store.accounts import Accounts
from vaxel.web.app import create_app
from vaxel.web.passwords import PasswordHashing
from vaxel.web.security import COOKIE, new_token

QUEUE = "bygglov"


def _setup(workdir: Path) -> tuple[ContactCenter, Accounts, object]:
    url = f"sqlite:///{workdir}/bench.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, time.time())
    accounts = Accounts(database)
    return center, accounts, create_app(center, database)


def _sessions(accounts: Accounts, role: str, agent: str | None, count: int) -> list[str]:
    hashed = PasswordHashing().hash("benchmark-pass")
    tokens = []
    for n in range(count):
        username = f"bench-{role}-{n}"
        user = accounts.find(DEMO_TENANT, username) or accounts.add_user(
            DEMO_TENANT, username, username, role, hashed, agent
        )
        token = new_token()
        accounts.open_session(user, token, new_token(), time.time(), 3600)
        tokens.append(token)
    return tokens


def callback_list(count: int = 10_000, rounds: int = 10) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        center, accounts, app = _setup(Path(tmp))
        now = time.time()
        for n in range(count):
            center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", f"070{n:07d}"), now)
        client = TestClient(app)  # type: ignore[arg-type]
        client.cookies.set(COOKIE, _sessions(accounts, "agent", "maria", 1)[0])
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            page = client.get("/callbacks")
            times.append(time.perf_counter() - started)
            assert page.status_code == 200 and f"{count} återuppringningar" in page.text
        times.sort()
        return {
            "items": count,
            "median_ms": round(1000 * times[len(times) // 2], 1),
            "max_ms": round(1000 * times[-1], 1),
            "bytes": len(page.content),
        }


# -- the browsers: raw HTTP/1.0 SSE readers that note when each snapshot arrived ----------


async def _page(port: int, token: str, events: int, seen: list[tuple[int, float]]) -> None:
    """One page: reads ``/events`` until it has seen ``events`` calls waiting in QUEUE,
    noting (waiting, arrival time) for each snapshot (one chunk per server-sent event)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {COOKIE}={token}\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"chunked" in head, head[:200]
    buffer = b""
    try:
        while True:
            size = int(await reader.readline(), 16)
            chunk = (await reader.readexactly(size + 2))[:-2]
            arrived = time.monotonic()
            if not size:
                raise ConnectionError("the server closed the stream")
            buffer += chunk
            *messages, buffer = buffer.split(b"\n\n")
            for message in messages:
                if not message.startswith(b"data: "):
                    continue  # a keep-alive comment
                data = json.loads(message[6:])
                waiting = next(q["waiting"] for q in data["queues"] if q["id"] == QUEUE)
                seen.append((waiting, arrived))
                if waiting >= events:
                    return
    finally:
        writer.close()


async def _browsers(port: int, tokens: list[str], events: int, ready: Callable[[], None]) -> list:
    seen: list[list[tuple[int, float]]] = [[] for _ in tokens]
    tasks = [
        asyncio.create_task(_page(port, t, events, s)) for t, s in zip(tokens, seen, strict=True)
    ]
    while not all(s for s in seen):  # every page has its first snapshot
        await asyncio.sleep(0.01)
    ready()
    await asyncio.wait_for(asyncio.gather(*tasks), 120)
    return seen


def _client_process(argv: list[str]) -> None:
    """``python -m benchmarks.web --serve-clients PORT EVENTS`` reads tokens on stdin,
    prints "ready" once every page is connected, then the arrivals as JSON."""
    port, events = int(argv[0]), int(argv[1])
    tokens = sys.stdin.readline().split()

    def ready() -> None:
        print("ready", flush=True)

    seen = asyncio.run(_browsers(port, tokens, events, ready))
    print(json.dumps(seen), flush=True)


# -- the server side ---------------------------------------------------------------------


async def serve(app: Any, http: str = "auto") -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    """The app under uvicorn on a free port of 127.0.0.1, started: (server, its task, port)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,  # type: ignore[arg-type]
        log_level="warning",
        lifespan="off",
        http=http,  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task, server.servers[0].sockets[0].getsockname()[1]


async def client_process(
    module: str, port: int, events: int, tokens: list[str]
) -> asyncio.subprocess.Process:
    """The benchmark's clients in a process of their own (``module --serve-clients``), so
    they do not share the server's core; returned once every client said it is ready."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        "--serve-clients",
        str(port),
        str(events),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        limit=1 << 24,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write((" ".join(tokens) + "\n").encode())
    await process.stdin.drain()
    line = await asyncio.wait_for(process.stdout.readline(), 120)
    assert line.strip() == b"ready", line
    return process


async def _latency(pages: int, events: int, clients: str, http: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        center, accounts, app = _setup(Path(tmp))
        server, task, port = await serve(app, http)
        tokens = _sessions(accounts, "supervisor", None, pages)
        sent: dict[int, float] = {}

        async def drive() -> None:
            await asyncio.sleep(1.0)  # let the first snapshots settle
            for n in range(1, events + 1):
                sent[n] = time.monotonic()
                call = ContactArrived(DEMO_TENANT, f"bench-{n}", QUEUE, Channel.CALL, 0)
                center.submit(call, time.time())
                await asyncio.sleep(0.3)

        if clients == "same":
            started = asyncio.Event()
            browsers = asyncio.create_task(_browsers(port, tokens, events, started.set))
            await started.wait()
            await drive()
            seen = await browsers
        else:
            process = await client_process("benchmarks.web", port, events, tokens)
            assert process.stdout is not None
            await drive()
            seen = json.loads(await asyncio.wait_for(process.stdout.readline(), 120))
            await process.wait()
        server.should_exit = True
        await task
    latencies = []
    for page in seen:
        first: dict[int, float] = {}
        for waiting, arrived in page:
            first.setdefault(waiting, arrived)  # a later copy (a keep-alive) is no news
        latencies += [arrived - sent[n] for n, arrived in first.items() if n in sent]
    latencies.sort()
    return {
        "pages": pages,
        "events": events,
        "clients": "same process" if clients == "same" else "other process",
        "http": http,
        "deliveries": len(latencies),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
        "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 1),
        "max_ms": round(1000 * latencies[-1], 1),
    }


def live_latency(
    pages: int = 200,
    events: int = 20,
    *,
    clients: str = "other",
    loop: str = "uvloop",
    http: str = "auto",
) -> dict[str, Any]:
    """p50/p99 from a call arriving in the core to its snapshot at each of ``pages``."""
    run: Callable[[Coroutine[Any, Any, dict[str, Any]]], dict[str, Any]] = asyncio.run
    if loop == "uvloop":
        import uvloop

        run = uvloop.run
    result = run(_latency(pages, events, clients, http))
    return {"loop": loop} | result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-clients":
        _client_process(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--clients", choices=("other", "same"), default="other")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--http", choices=("auto", "h11", "httptools"), default="auto")
    parser.add_argument("--live-only", action="store_true", help="skip the callback list")
    args = parser.parse_args()
    live = live_latency(
        args.pages, args.events, clients=args.clients, loop=args.loop, http=args.http
    )
    report: dict[str, Any] = {"live_updates": live}
    if not args.live_only:
        report = {"callback_list": callback_list()} | report
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
