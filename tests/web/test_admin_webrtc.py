"""The browser phone's ICE servers as a tenant setting (issue 15 §3): the admin saves STUN
and TURN addresses, is refused in Swedish what is not one, never sees the TURN password
again, the change is audited, and the phone page hands the servers to its
RTCPeerConnection (the Chromium test checks the page and the server's peer use them)."""

from __future__ import annotations

import json
import re

from tests.web.conftest import Web, flashed, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.store.audit import AuditLog
from vaxel.store.webrtc_ice import IceServersStore

PAGE = "/admin/webbtelefon"
TURN = "turn:turn.kommun.se:3478?transport=udp"


def ice_of_phone_page(text: str) -> object:
    found = re.search(r'id="softphone-ice">(.*?)</script>', text, re.S)
    assert found
    return json.loads(found.group(1))


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
    assert "Nytt TURN-lösenord" in page
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
    assert ice_of_phone_page(agent.get("/min-telefon/webbtelefon").text) == [
        {"urls": ["stun:stun.kommun.se"]},
        {"urls": [TURN], "username": "vaxel", "credential": "turn-hemlis"},
    ]
    # emptied: none at all, no public STUN server either
    empty = {"urls": "", "username": "", "password": "", "csrf": csrf}
    assert flashed(admin, admin.post(PAGE, data=empty)) == ""
    assert ice_of_phone_page(agent.get("/min-telefon/webbtelefon").text) == []


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
