"""Issue 15 "the agent is not offered calls they cannot take" (Q21, Q22, Q24): a person who
logs in or goes ready from the workspace or the operator console while no phone of hers
could ring (the browser phone's tab not open, no desk phone registered) is logged in, or
left, paused with "Webbtelefonen är inte ansluten" — asked **before** the step, so a caller
already waiting is not offered to her (an offer made in that step rang nowhere until its
ring time ran out). With a phone registered she is ready and offered the caller.

Over HTTP, against a real switch's registrar and contact center (no browser: fast)."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.telephony.conftest import AGENT_EXTENSION, AGENT_ID, AGENT_QUEUES, Running, start
from tests.telephony.test_parallel_ring import BarePhone
from tests.web.conftest import PASSWORD, flashed, sign_in
from vaxel.acd.events import AgentAnswered, ContactArrived, ContactEnded
from vaxel.app.telephony import audio_devices_to_telephony
from vaxel.pbx.trunks import Trunk, TrunkMode
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.accounts import Accounts
from vaxel.store.pbx_trunks import TrunkStore
from vaxel.telephony.browser_readiness import BrowserReadiness
from vaxel.web.app import WebSettings, create_app
from vaxel.web.audio_device import PATH
from vaxel.web.passwords import PasswordHashing
from vaxel.webrtc.link import RegistrarLink

NOT_CONNECTED = "Webbtelefonen är inte ansluten"
DESK_PHONE = ("sip:1005@127.0.0.1:5121", ("127.0.0.1", 5121))


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    server = await start(tmp_path)
    yield server
    await server.service.close()


def client_of(running: Running, role: str) -> TestClient:
    """The web app over the switch's contact center, asking the switch's registrar."""
    database = running.center.database
    hashed = PasswordHashing().hash(PASSWORD)
    Accounts(database).add_user(DEMO_TENANT, AGENT_ID, "Karin", role, hashed, AGENT_ID)
    app = create_app(running.center, database, WebSettings())
    app.state.context.no_phone = BrowserReadiness(running.service.switch).no_phone
    return TestClient(app, follow_redirects=False)


def karin(running: Running) -> tuple[str, str, str]:
    view = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID)
    return view.state.value, view.pause_reason, view.contact_id


def desk_phone(running: Running, expires: int) -> None:
    """Karin's desk phone registers (``expires`` > 0) or unregisters (0)."""
    link = RegistrarLink(running.service.switch.registration, "127.0.0.1", lambda t, u: None)
    extension = running.service.directory.extensions[AGENT_EXTENSION]
    link.bind(extension, *DESK_PHONE, expires)


async def test_workspace_login_ready_and_wrap_up_wait_for_a_phone(running: Running) -> None:
    client = client_of(running, "agent")
    csrf = sign_in(client, DEMO_TENANT, AGENT_ID)
    queue = AGENT_QUEUES[0]
    running.center.submit(ContactArrived(DEMO_TENANT, "c-vantar", queue), time.time())

    def post(path: str, **data: str) -> str:
        return flashed(client, client.post(path, data={"csrf": csrf, **data}))

    said = post("/agent/queues", queue=queue)
    assert said.startswith(NOT_CONNECTED)
    assert karin(running) == ("paused", "softphone_closed", "")  # not offered the caller
    assert NOT_CONNECTED in client.get("/").text  # her state on the page says why

    said = post("/agent/state", action="ready")
    assert said.startswith(NOT_CONNECTED)
    assert karin(running) == ("paused", "softphone_closed", "")

    desk_phone(running, 300)
    assert post("/agent/state", action="ready") == ""
    assert karin(running) == ("offered", "", "c-vantar")  # ready, and offered the caller

    now = time.time()
    running.center.submit(AgentAnswered(DEMO_TENANT, AGENT_ID, "c-vantar"), now)
    running.center.submit(ContactEnded(DEMO_TENANT, "c-vantar"), now)
    running.center.submit(ContactArrived(DEMO_TENANT, "c-nasta", queue), now)
    assert karin(running)[0] == "wrap_up"
    desk_phone(running, 0)  # gone during wrap-up; she ends wrap-up early
    assert post("/agent/contact", action="cancel_wrapup").startswith(NOT_CONNECTED)
    assert karin(running) == ("paused", "softphone_closed", "")


async def test_operator_console_ready_waits_for_a_phone(running: Running) -> None:
    client = client_of(running, "operator")
    csrf = sign_in(client, DEMO_TENANT, AGENT_ID)
    queue = AGENT_QUEUES[0]
    running.center.submit(ContactArrived(DEMO_TENANT, "c-vantar", queue), time.time())
    json = {"accept": "application/json"}

    answer = client.post("/telefonist/koer", data={"csrf": csrf, "queue": queue}, headers=json)
    assert answer.status_code == 409 and answer.json()["error"].startswith(NOT_CONNECTED)
    assert karin(running) == ("paused", "softphone_closed", "")
    answer = client.post("/telefonist/status", data={"csrf": csrf, "action": "ready"}, headers=json)
    assert answer.status_code == 409 and karin(running) == ("paused", "softphone_closed", "")

    client.cookies.set("vaxel_lang", "en")
    answer = client.post("/telefonist/status", data={"csrf": csrf, "action": "ready"}, headers=json)
    assert re.match(r"The browser phone is not connected", answer.json()["error"])

    desk_phone(running, 300)
    answer = client.post("/telefonist/status", data={"csrf": csrf, "action": "ready"}, headers=json)
    assert answer.status_code == 200 and karin(running) == ("offered", "", "c-vantar")


async def test_with_her_mobile_as_device_the_trunk_decides(running: Running) -> None:
    """PBX9: Karin chooses "Mobil" on the workspace; the switch learns it at once. While the
    switch has no trunk for the tenant she is logged in paused, told why; with the trunk and
    no phone registered she goes ready and is offered the caller (her mobile rings)."""
    client = client_of(running, "agent")
    directory = running.service.switch.directory
    context = client.app.state.context  # type: ignore[attr-defined]
    context.audio_devices_changed = audio_devices_to_telephony(
        running.center.database, directory, lambda tenant_id, username: f"p-{username}"
    )
    trunk = Trunk(DEMO_TENANT, "127.0.0.1", 5999, mode=TrunkMode.IP)
    TrunkStore(running.center.database).put_trunk(trunk, "+46101234500")  # not on the switch yet
    csrf = sign_in(client, DEMO_TENANT, AGENT_ID)
    queue = AGENT_QUEUES[0]
    running.center.submit(ContactArrived(DEMO_TENANT, "c-mobil", queue), time.time())

    def post(path: str, **data: str) -> str:
        return flashed(client, client.post(path, data={"csrf": csrf, **data}))

    assert post(f"{PATH}?till=agent", device="mobile", mobile="070-111 22 33") == ""
    assert directory.agent_mobiles == {(DEMO_TENANT, AGENT_ID): "+46701112233"}
    assert directory.agent_persons == {(DEMO_TENANT, AGENT_ID): f"p-{AGENT_ID}"}  # her class
    said = post("/agent/queues", queue=queue)
    assert said.startswith("Mobilen kan inte ringas: organisationen har ingen trunk"), said
    assert karin(running) == ("paused", "mobile_no_trunk", "")
    directory.outside.trunks[DEMO_TENANT] = trunk  # the trunk reaches the switch
    assert post("/agent/state", action="ready") == ""
    assert karin(running) == ("offered", "", "c-mobil")  # no phone registered: her mobile


async def test_with_her_desk_phone_chosen_the_browser_phone_does_not_count(
    running: Running,
) -> None:
    """PBX9: Karin chooses "Bordstelefon"; her browser phone is connected, no desk phone
    registered — she is logged in paused, told that the desk phone is not registered, and
    not offered the caller. Once the desk phone registers she goes ready and only the desk
    phone rings for the queue."""
    client = client_of(running, "agent")
    directory = running.service.switch.directory
    context = client.app.state.context  # type: ignore[attr-defined]
    context.audio_devices_changed = audio_devices_to_telephony(running.center.database, directory)
    csrf = sign_in(client, DEMO_TENANT, AGENT_ID)
    queue = AGENT_QUEUES[0]
    running.center.submit(ContactArrived(DEMO_TENANT, "c-bord", queue), time.time())

    def post(path: str, **data: str) -> str:
        return flashed(client, client.post(path, data={"csrf": csrf, **data}))

    assert post(f"{PATH}?till=agent", device="desk", mobile="") == ""
    assert directory.agent_phones == {(DEMO_TENANT, AGENT_ID): "desk"}
    desk_phone(running, 300)  # the browser phones' link: her browser phone, connected
    said = post("/agent/queues", queue=queue)
    assert said.startswith("Bordstelefonen är inte registrerad: du är i paus"), said
    assert karin(running) == ("paused", "desk_phone_missing", "")
    assert "Bordstelefonen är inte registrerad" in client.get("/").text
    desk = BarePhone(running.port)
    try:
        await desk.register()
        assert post("/agent/state", action="ready") == ""
        assert karin(running) == ("offered", "", "c-bord")
        running.service.after_external_submit()  # the switch rings what the ACD offered
        forks = running.service.switch.calls["c-bord"].attempts[AGENT_ID].forks.values()
        assert [fork.destination for fork in forks] == [("127.0.0.1", desk.port)]
    finally:
        desk.close()
