"""The operator console's three benchmarks (issue 16 Benchmarks): one command runs them all,
``python -m benchmarks.operator_console [--only card|search|keys] [--quick] [--json]``.

- **card**: from a call's arrival in the core to its row on each of 50 operators' consoles
  (p99 < 100 ms). 50 operators (ACD agents of the operator queue, paused so that the call
  waits and every console shows it) each hold the console's stream ``/telefonist/handelser``
  open in a second process, as ``operator.js`` does: "pushed" is when the push carrying the
  new caller's number arrived (the page draws the row from it), "fragment" when the live
  part fetched after it (``/telefonist/lage``) had it. Both processes read one monotonic
  clock.
- **search**: the console's search ``/telefonist/sok`` over HTTP with 100,000 people, every
  prefix of four names typed one key at a time (p99 < 30 ms per keystroke); the directory
  benchmark's harness (``benchmarks.directory_http``), on the console's own route.
- **keys**: keystrokes per handled call, answer → find → transfer (≤ 6 for a name search of
  five letters): the console page in Chromium; the page's own keydown events are counted
  from when the call is in hand (or, for F2, waiting) until the transfer is ordered. The
  operator's phone answers by itself (a headset with auto-answer, as the robot phones do);
  the transfer is recorded instead of carried out (no SIP here).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uvicorn

from benchmarks.web import client_process, serve
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentLoggedIn,
    AgentPaused,
    AgentReady,
    ContactArrived,
    ContactEnded,
    WrapUpCancelled,
)
from vaxel.acd.model import AgentProfile, Channel
from vaxel.demo import seed_demo_tenant
from vaxel.runtime import ContactCenter
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database, upgrade
from vaxel.store.accounts import Accounts
from vaxel.web.app import create_app
from vaxel.web.passwords import PasswordHashing
from vaxel.web.security import COOKIE, new_token

QUEUE = "vaxel"
PASSWORD = "benchmark-pass"
REFRESH_GAP_S = 3.0
"""``operator.js`` fetches the live part at most this often while her state and call stay."""
_BENCH_NUMBER = re.compile(rb"07099\d{5}")


def _number(n: int) -> str:
    return f"07099{n:05d}"


def _center(workdir: Path) -> tuple[ContactCenter, Accounts, Any]:
    url = f"sqlite:///{workdir}/bench.db"
    database = open_database(url)
    upgrade(database)
    center = ContactCenter(database)
    seed_demo_tenant(center, url, time.time())
    return center, Accounts(database), create_app(center, database)


def _operators(center: ContactCenter, accounts: Accounts, count: int) -> list[str]:
    """``count`` operators of the operator queue, logged in and paused (the call waits, and
    every console lists it), each with a session; their tokens."""
    hashed, now, tokens = PasswordHashing().hash(PASSWORD), time.time(), []
    for n in range(count):
        agent = f"bench-op-{n}"
        profile = AgentProfile(DEMO_TENANT, agent, agent, permitted_queues=(QUEUE,))
        center.submit(AgentConfigured(profile), now)
        center.submit(AgentLoggedIn(DEMO_TENANT, agent, (QUEUE,)), now)
        center.submit(AgentPaused(DEMO_TENANT, agent, "Paus"), now)
        user = accounts.add_user(DEMO_TENANT, agent, agent, "operator", hashed, agent)
        token = new_token()
        accounts.open_session(user, token, new_token(), now, 3600)
        tokens.append(token)
    return tokens


# -- card: the consoles, in a second process ---------------------------------------------


async def _console(port: int, token: str, events: int, seen: dict[str, dict[int, float]]) -> None:
    """One console as ``operator.js``: its stream ``/telefonist/handelser``, whose push
    draws the waiting calls at once ("pushed"); on each message the live part is fetched
    again too (one fetch at a time; a message meanwhile fetches once more: "fragment")."""
    import httpx

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /telefonist/handelser HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {COOKIE}={token}\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    pushed, fragment = seen["pushed"], seen["fragment"]
    wanted, done = asyncio.Event(), asyncio.Event()
    keys = [""]
    gap = [0.0]  # as operator.js: at once when her state or call changed, else ≥ 3 s apart

    async def fetcher() -> None:
        last = 0.0
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", cookies={COOKIE: token}
        ) as client:
            while not done.is_set():
                await wanted.wait()
                await asyncio.sleep(max(0.0, last + gap[0] - time.monotonic()))
                wanted.clear()
                last = time.monotonic()
                answer = await client.get("/telefonist/lage", headers={"Accept": "text/html"})
                arrived = time.monotonic()
                for found in _BENCH_NUMBER.findall(answer.content):
                    fragment.setdefault(int(found[5:]), arrived)

    task = asyncio.create_task(fetcher())
    buffer = b""
    try:
        while not done.is_set():
            line = await asyncio.wait_for(reader.readline(), 60)
            size = int(line, 16)
            buffer += (await reader.readexactly(size + 2))[:-2]
            arrived = time.monotonic()
            *messages, buffer = buffer.split(b"\n\n")
            for message in messages:
                if message.startswith(b"data: "):
                    data = json.loads(message[6:])
                    for row in data["waiting"]:
                        if _BENCH_NUMBER.fullmatch(row["caller_number"].encode()):
                            pushed.setdefault(int(row["caller_number"][5:]), arrived)
                    key = f"{data['state']}|{data['call']}|{data['telephony']}"
                    gap[0] = 0.0 if key != keys[-1] else REFRESH_GAP_S
                    keys.append(key)
                    wanted.set()
            if len(pushed) >= events:
                await asyncio.sleep(REFRESH_GAP_S + 1.0)  # the last fetch, for the figure
                done.set()
    finally:
        done.set()
        wanted.set()
        writer.close()
        await task


def _client_process(argv: list[str]) -> None:
    port, events = int(argv[0]), int(argv[1])
    tokens = sys.stdin.readline().split()

    async def run() -> list[dict[str, dict[int, float]]]:
        seen: list[dict[str, dict[int, float]]] = [{"pushed": {}, "fragment": {}} for _ in tokens]
        pairs = zip(tokens, seen, strict=True)
        tasks = [asyncio.create_task(_console(port, t, events, s)) for t, s in pairs]
        await asyncio.sleep(2.0)  # every console has its stream and first fetch
        print("ready", flush=True)
        await asyncio.wait_for(asyncio.gather(*tasks), 180)
        return seen

    print(json.dumps(asyncio.run(run())), flush=True)


async def _card(consoles: int, events: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        center, accounts, app = _center(Path(tmp))
        tokens = _operators(center, accounts, consoles)
        server, task, port = await serve(app)
        process = await client_process("benchmarks.operator_console", port, events, tokens)
        assert process.stdout is not None
        sent: dict[int, float] = {}
        for n in range(1, events + 1):
            sent[n] = time.monotonic()
            arrival = ContactArrived(
                DEMO_TENANT, f"bench-{n}", QUEUE, Channel.CALL, 0, caller_number=_number(n)
            )
            center.submit(arrival, time.time())
            await asyncio.sleep(0.5)
        seen = json.loads(await asyncio.wait_for(process.stdout.readline(), 180))
        await process.wait()
        server.should_exit = True
        await task
    report: dict[str, Any] = {"consoles": consoles, "events": events}
    for kind in ("pushed", "fragment"):
        latencies = sorted(
            arrived - sent[int(n)]
            for page in seen
            for n, arrived in page[kind].items()
            if int(n) in sent
        )
        report[kind] = {
            "deliveries": len(latencies),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
            "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 1),
            "max_ms": round(1000 * latencies[-1], 1),
        }
    return report | {"load_average": os.getloadavg()[0]}


def card_latency(consoles: int = 50, events: int = 20) -> dict[str, Any]:
    """p50/p99 from a call's arrival to its row on each of ``consoles`` consoles."""
    return asyncio.run(_card(consoles, events))


# -- keys: the console page in Chromium ---------------------------------------------------

_COUNT_KEYS = """
window.benchKeys = 0;
document.addEventListener("keydown", function () { window.benchKeys += 1; }, true);
"""


async def _keys(targets: list[tuple[str, str]]) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp:
        center, accounts, app = _center(Path(tmp))
        ctx = app.state.context
        hashed = PasswordHashing().hash(PASSWORD)
        accounts.add_user(DEMO_TENANT, "kristina", "Kristina", "operator", hashed, "kristina")
        center.submit(AgentLoggedIn(DEMO_TENANT, "kristina", (QUEUE,)), time.time())
        ordered: list[str] = []

        def transfer(tenant_id: str, agent_id: str, contact_id: str, number: str) -> None:
            ordered.append(number)  # what telephony would be told; the contact ends
            center.submit(ContactEnded(tenant_id, contact_id), time.time())

        ctx.console_transfer = transfer
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")  # type: ignore[arg-type]
        )
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        site = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        rows: list[dict[str, Any]] = []
        async with async_playwright() as playwright:
            import shutil

            chromium = await playwright.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            page = await chromium.new_page()
            await page.add_init_script(_COUNT_KEYS)
            await page.goto(f"{site}/login")
            await page.fill("#organisation", DEMO_TENANT)
            await page.fill("#username", "kristina")
            await page.fill("#password", PASSWORD)
            await page.click("button[type=submit]")
            await page.wait_for_url(f"{site}/")
            await page.goto(f"{site}/telefonist")
            n = 0
            for mode in ("ready", "paused"):
                for typed, name in targets:
                    n += 1
                    rows.append(await _one_call(page, center, mode, n, typed, name, ordered))
            await chromium.close()
        server.should_exit = True
        await task
    return {
        "calls": rows,
        "max_ready": max(r["keys"] for r in rows if r["mode"] == "ready"),
        "max_paused": max(r["keys"] for r in rows if r["mode"] == "paused"),
        "load_average": os.getloadavg()[0],
    }


async def _one_call(
    page: Any, center: ContactCenter, mode: str, n: int, typed: str, name: str, ordered: list[str]
) -> dict[str, Any]:
    """One call handled from the keyboard: offered by the queue (ready) or taken with F2
    (paused); the phone answers by itself; the name typed, arrows to ``name``, Enter."""
    agent, contact = "kristina", f"keys-{n}"
    await page.wait_for_function("document.activeElement.id === 'op-q'")
    now = time.time()
    if center.acd.agent_view(DEMO_TENANT, agent).state.value == "wrap_up":
        center.submit(WrapUpCancelled(DEMO_TENANT, agent), now)
    state = center.acd.agent_view(DEMO_TENANT, agent).state.value
    if mode == "ready" and state != "ready":
        center.submit(AgentReady(DEMO_TENANT, agent), now)
    elif mode == "paused" and state != "paused":
        center.submit(AgentPaused(DEMO_TENANT, agent, "Paus"), now)
    await page.wait_for_function(
        "s => document.querySelector('#op-live')?.dataset.state === s",
        arg="ready" if mode == "ready" else "paused",
    )
    await page.evaluate("window.benchKeys = 0")
    center.submit(
        ContactArrived(DEMO_TENANT, contact, QUEUE, Channel.CALL, 0, caller_number=_number(n)),
        time.time(),
    )
    if mode == "paused":
        await page.locator("#op-live").get_by_text(_number(n)).first.wait_for()
        await page.keyboard.press("F2")  # take the call that waited longest
    await page.wait_for_function(
        "c => document.querySelector('#op-live')?.dataset.call === c", arg=contact
    )
    if center.contact_view(DEMO_TENANT, contact).state.value == "offered":
        center.submit(AgentAnswered(DEMO_TENANT, agent, contact), time.time())  # auto-answer
    for letter in typed:
        await page.keyboard.type(letter)
    option = page.locator(f'#op-results [role=option][data-name="{name}"]')
    await option.wait_for()
    await page.wait_for_timeout(300)  # the results of the last letter are in
    names = await page.locator("#op-results [role=option]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.name)"
    )
    for _ in range(names.index(name)):
        await page.keyboard.press("ArrowDown")
    before = len(ordered)
    await page.keyboard.press("Enter")
    while len(ordered) == before:
        await asyncio.sleep(0.02)
    keys = await page.evaluate("window.benchKeys")
    await page.wait_for_function("document.getElementById('op-q').value === ''")
    return {"mode": mode, "typed": typed, "name": name, "keys": keys, "number": ordered[-1]}


def keystrokes(targets: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """Keys per handled call for each (typed, person) in ``targets``."""
    chosen = targets or [
        ("kar c", "Karin Carlsson"),
        ("hassa", "Ali Hassan"),
        ("carls", "Karin Carlsson"),
    ]
    return asyncio.run(_keys(chosen))


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-clients":
        _client_process(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.operator_console")
    parser.add_argument("--only", choices=("card", "search", "keys"))
    parser.add_argument("--quick", action="store_true", help="10,000 people, fewer events")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {"load_average_before": os.getloadavg()}
    if args.only in (None, "card"):
        report["card"] = card_latency(50, 5 if args.quick else 20)
    if args.only in (None, "search"):
        from benchmarks.directory_http import measure

        people = 10_000 if args.quick else 100_000
        report["search"] = measure(people, 1 if args.quick else 5, path="/telefonist/sok")
    if args.only in (None, "keys"):
        report["keys"] = keystrokes()
    print(json.dumps(report, indent=2 if args.json else None, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
