"""The browser phone's ICE servers as a tenant setting (issue 15 §3): the admin saves STUN
and TURN addresses, is refused in Swedish what is not one, never sees the TURN password
again, the change is audited, and the phone page hands the servers to its
RTCPeerConnection (the Chromium test checks the page and the server's peer use them)."""

from __future__ import annotations

import html
import json
import re
import time
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import Web, flashed, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.audit import AuditLog
from vaxel.store.webrtc_ice import IceServersStore
from vaxel.web.app import WebSettings

PAGE = "/admin/webbtelefon"
TURN = "turn:turn.kommun.se:3478?transport=udp"


def ice_of(client: TestClient) -> object:
    """What the phone page asks for at every connect (``/telefon/ice``)."""
    response = client.get("/telefon/ice")
    assert response.headers["cache-control"] == "no-store"
    return response.json()["iceServers"]


def test_the_servers_are_saved_refused_in_swedish_and_the_password_never_shown(
    web: Web,
) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    assert "Inga servrar" in admin.get(PAGE).text
    assert PAGE in admin.get("/admin").text  # a section of the admin start page
    form = {"urls": f"stun:stun.kommun.se\n{TURN}", "username": "vaxel", "password": "turn-hemlis"}
    assert flashed(admin, admin.post(PAGE, data={**form, "csrf": csrf})) == ""
    page = admin.get(PAGE).text
    assert "turn-hemlis" not in page and TURN in page
    assert "Nytt TURN-lösenord eller ny delad hemlighet" in page
    # an empty password keeps it
    kept = {**form, "password": ""}
    assert flashed(admin, admin.post(PAGE, data={**kept, "csrf": csrf})) == ""
    stored = IceServersStore(web.center.database).of(DEMO_TENANT)
    assert stored.credential == "turn-hemlis"

    refusals = {
        "http://turn.kommun.se": "STUN- och TURN-adresser: skriv stun:, turn: eller turns:",
        "stun:127.0.0.1": "STUN- och TURN-adresser: får inte vara den här datorn",
    }
    for urls, wording in refusals.items():
        message = flashed(admin, admin.post(PAGE, data={**kept, "urls": urls, "csrf": csrf}))
        assert message.startswith(wording), message
        refilled = admin.get(PAGE).text  # the flash is taken: the stored servers again
        assert "turn-hemlis" not in refilled
    no_user = {"urls": TURN, "username": "", "password": "x", "csrf": csrf}
    message = flashed(admin, admin.post(PAGE, data=no_user))
    assert message == "TURN-användarnamn: en TURN-server behöver användarnamn och lösenord"
    assert IceServersStore(web.center.database).of(DEMO_TENANT) == stored  # nothing changed

    audit = admin.get("/admin/audit").text
    assert "Webbtelefonens ICE-servrar ändrade" in audit and "turn-hemlis" not in audit
    actions = [e.action for e in AuditLog(web.center.database).entries(DEMO_TENANT)]
    assert actions[:2] == ["ice_servers_changed", "ice_servers_changed"]

    # every signed-in member's phone page gets them for its RTCPeerConnection
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "maria")
    assert ice_of(agent) == [
        {"urls": ["stun:stun.kommun.se"]},
        {"urls": [TURN], "username": "vaxel", "credential": "turn-hemlis"},
    ]
    # emptied: none at all, no public STUN server either
    empty = {"urls": "", "username": "", "password": "", "csrf": csrf}
    assert flashed(admin, admin.post(PAGE, data=empty)) == ""
    assert ice_of(agent) == []


def test_with_coturns_shared_secret_each_page_gets_a_credential_for_a_day(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    secret = "coturn-static-auth-secret"
    form = {"urls": TURN, "username": "", "shared_secret": "on", "csrf": csrf}
    refused = admin.post(PAGE, data={**form, "password": "kort"})
    page = admin.get(refused.headers["location"]).text  # the refusal, the form refilled
    label = "TURN-lösenord eller delad hemlighet"
    assert f"{label}: ange den delade hemligheten, minst 16 tecken" in page
    assert 'id="shared_secret" name="shared_secret" checked' in page and "kort" not in page
    assert flashed(admin, admin.post(PAGE, data={**form, "password": secret})) == ""
    assert secret not in admin.get(PAGE).text
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "maria")
    [entry] = ice_of(agent)  # type: ignore[misc]
    expiry, who = entry["username"].split(":")
    assert who == f"{DEMO_TENANT}.maria"
    assert 23 * 3600 < int(expiry) - time.time() <= 24 * 3600
    assert entry["credential"] and secret not in str(entry)
    signed_out = web.client()
    assert signed_out.get("/telefon/ice", follow_redirects=False).status_code != 200


def test_the_workspace_links_to_the_browser_phone(web: Web) -> None:
    """Issue 15 §4: "Använd webbläsaren som telefon" from the workspace, a plain link
    (keyboard reachable) to the phone page in a tab of its own, outside the part of the
    workspace that live updates replace."""
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "maria")
    page = agent.get("/").text
    link = re.search(r'<a href="/min-telefon/webbtelefon"[^>]*>([^<]+)</a>', page)
    assert link and link.group(1) == "Använd webbläsaren som telefon"
    assert 'target="_blank"' in link.group(0) and 'rel="noopener"' in link.group(0)
    assert page.index("/min-telefon/webbtelefon") < page.index('id="workspace"')
    agent.cookies.set("vaxel_lang", "en")
    assert "Use the browser as a phone" in agent.get("/").text


def test_the_phone_page_waits_for_its_media_path_as_long_as_the_server_says(web: Web) -> None:
    """The page's wait before "Ljudet kom inte fram" (issue 15 Q24) is the server's
    setting: Växel's 15 s, or what a deployment (or a test of the failure) sets."""
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "maria")

    def media_wait_ms() -> object:
        page = agent.get("/min-telefon/webbtelefon").text
        texts = re.search(r'id="softphone-texts">(.*?)</script>', page, re.S)
        assert texts, "the phone page carries its texts and settings"
        return json.loads(html.unescape(texts.group(1)))["media_wait_ms"]

    assert media_wait_ms() == 15_000
    context: Any = web.app.state.context  # type: ignore[attr-defined]
    context.settings = WebSettings(softphone_media_wait_s=3.0)
    assert media_wait_ms() == 3_000
