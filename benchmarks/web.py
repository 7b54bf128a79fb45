"""Web performance (issue 4): live-update latency with 200 connected agent pages, and the
callback list page with 10,000 items. ``python -m benchmarks.web``; figures in BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi.testclient import TestClient

from vaxel.acd.events import CallbackRequested, ContactArrived
from vaxel.acd.model import Channel
from vaxel.app import seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade
from vaxel.store.accounts import Accounts
from vaxel.web.app import create_app
from vaxel.web.passwords import PasswordHashing
from vaxel.web.security import COOKIE, new_token


def _setup(workdir: Path) -> tuple[ContactCenter, Accounts, object]:
    url = f"sqlite:///{workdir}/bench.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, time.time())
    accounts = Accounts(database)
    return center, accounts, create_app(center, database)


def _session(accounts: Accounts, username: str, role: str, agent: str | None) -> str:
    user = accounts.find(DEMO_TENANT, username) or accounts.add_user(
        DEMO_TENANT, username, username, role, PasswordHashing().hash("benchmark-pass"), agent
    )
    token = new_token()
    accounts.open_session(user, token, new_token(), time.time(), 3600)
    return token


def callback_list(count: int = 10_000, rounds: int = 10) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        center, accounts, app = _setup(Path(tmp))
        now = time.time()
        for n in range(count):
            center.submit(CallbackRequested(DEMO_TENANT, "kundtjanst", f"070{n:07d}"), now)
        client = TestClient(app)  # type: ignore[arg-type]
        client.cookies.set(COOKIE, _session(accounts, "bench-agent", "agent", "maria"))
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


async def live_latency(pages: int = 200, events: int = 20) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        center, accounts, app = _setup(Path(tmp))
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=0,  # type: ignore[arg-type]
                log_level="warning",
                lifespan="off",
            )
        )
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        tokens = [_session(accounts, f"agent{n}", "agent", None) for n in range(pages)]
        latencies: list[float] = []
        seen: dict[int, float] = {}

        async def page(token: str, ready: asyncio.Event) -> None:
            async with (
                httpx.AsyncClient(cookies={COOKIE: token}, timeout=60) as client,
                client.stream("GET", f"http://127.0.0.1:{port}/events") as stream,
            ):
                ready.set()
                async for line in stream.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    data = json.loads(line[6:])
                    waiting = next(q["waiting"] for q in data["queues"] if q["id"] == "bygglov")
                    if waiting in seen:
                        latencies.append(time.perf_counter() - seen[waiting])
                    if waiting >= events:
                        return

        readies = [asyncio.Event() for _ in tokens]
        clients = [asyncio.create_task(page(t, r)) for t, r in zip(tokens, readies, strict=True)]
        await asyncio.gather(*(r.wait() for r in readies))
        await asyncio.sleep(1.0)
        for n in range(1, events + 1):
            seen[n] = time.perf_counter()
            center.submit(
                ContactArrived(DEMO_TENANT, f"bench-{n}", "bygglov", Channel.CALL, 0), time.time()
            )
            await asyncio.sleep(0.3)
        await asyncio.wait_for(asyncio.gather(*clients), 30)
        server.should_exit = True
        await task
        latencies.sort()
        return {
            "pages": pages,
            "events": events,
            "deliveries": len(latencies),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
            "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 1),
        }


if __name__ == "__main__":
    print(
        json.dumps(
            {"callback_list": callback_list(), "live_updates": asyncio.run(live_latency())},
            indent=2,
        )
    )
