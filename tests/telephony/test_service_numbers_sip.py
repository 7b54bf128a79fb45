"""End to end (issue 12 §6): an admin creates a second flow and assigns it a second number
on the admin pages of a running platform; SIPp dials that number and the call lands where
the second flow sends it, while the main number still answers with the demo's menu."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import httpx
import pytest

from tests.telephony.conftest import free_port, sipp
from vaxel.app import build_platform
from vaxel.demo import seed_demo_tenant
from vaxel.settings import ServeSettings
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store import open_database
from vaxel.store.accounts import Accounts
from vaxel.web.passwords import PasswordHashing

pytestmark = pytest.mark.interop

PASSWORD = "hemligt-losenord"
KEY = "service-numbers-sip-test-key"
FLOW = """
id: direkt
start: ko
nodes:
  ko:
    type: queue
    queue: barnomsorg
    announce_wait: false
"""


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, page[:300]
    return found.group(1)


async def _waiting(client: httpx.AsyncClient, queue_id: str) -> int:
    answer = await client.get("/api/v1/queues", headers={"X-API-Key": KEY})
    return int(next(q["waiting"] for q in answer.json() if q["id"] == queue_id))


async def _until_waiting(client: httpx.AsyncClient, queue_id: str, wanted: int) -> None:
    for _ in range(200):
        if await _waiting(client, queue_id) == wanted:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{queue_id} never had {wanted} waiting")


async def test_a_second_number_assigned_in_the_admin_answers_with_its_flow(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/numbers.db"

    def seed(platform: object) -> None:
        seed_demo_tenant(platform.center, url, time.time())  # type: ignore[attr-defined]
        accounts = Accounts(open_database(url))
        hashed = PasswordHashing().hash(PASSWORD)
        accounts.add_user(DEMO_TENANT, "admin", "Administratören", "tenant_admin", hashed)
        accounts.add_api_key(DEMO_TENANT, "test", KEY, time.time(), ["read"])

    settings = ServeSettings(
        database_url=url,
        http_port=0,
        sip_port=free_port(),
        sip_trusted=("127.0.0.1",),  # the carrier's SBC, as in the demo
        rtp_port_low=25000,
        rtp_port_high=25998,
        secure_cookies=False,  # plain http on 127.0.0.1
    )
    platform = build_platform(settings, seed=seed, always_open=True)
    await platform.start()
    try:
        assert platform.telephony is not None
        sip_port = platform.telephony.address[1]
        base = f"http://127.0.0.1:{platform.web_port}"
        async with httpx.AsyncClient(base_url=base, trust_env=False) as client:
            login = await client.get("/login")
            signed_in = await client.post(
                "/login",
                data={
                    "organisation": DEMO_TENANT,
                    "username": "admin",
                    "password": PASSWORD,
                    "csrf": _csrf(login.text),
                },
            )
            assert signed_in.status_code == 303
            csrf = _csrf((await client.get("/admin/numbers")).text)
            created = await client.post(
                "/admin/flows", data={"csrf": csrf, "id": "direkt", "name": "Direkt"}
            )
            assert created.status_code == 303
            saved = await client.post("/admin/flows/direkt/yaml", data={"csrf": csrf, "yaml": FLOW})
            assert saved.status_code == 303, saved.text[:500]
            assigned = await client.post(
                "/admin/numbers",
                data={"csrf": csrf, "number": "08-123 450 09", "flow_id": "direkt"},
            )
            assert assigned.status_code == 303
            page = (await client.get("/admin/numbers")).text
            assert 'data-number="+46812345009"' in page and 'role="alert"' not in page

            # The new number: straight into the queue the second flow names.
            call = asyncio.create_task(
                sipp("caller_holds.xml", sip_port, service="0812345009", cwd=tmp_path)
            )
            await _until_waiting(client, "barnomsorg", 1)
            code, output = await call
            assert code == 0, output
            await _until_waiting(client, "barnomsorg", 0)

            # The main number: the demo's menu, which waits for a key, so no queue fills.
            code, output = await sipp("caller_holds.xml", sip_port, cwd=tmp_path)
            assert code == 0, output
            assert await _waiting(client, "barnomsorg") == 0
            contacts = await client.get("/api/v1/contacts", headers={"X-API-Key": KEY})
            assert [c["queue"] for c in contacts.json()] == ["barnomsorg"]
    finally:
        await platform.stop()
