"""Admin editing of phone extensions (PBX1, ADM1) that reach running telephony (Q20)."""

from __future__ import annotations

import html
from typing import Any

from tests.web.conftest import OTHER, PASSWORD, Web, flashed, sign_in
from vaxel.acd.model import AgentState
from vaxel.app import telephony_updater
from vaxel.prompts import PromptLibrary
from vaxel.runtime.extensions import PhoneExtensions
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.sip.auth import authorization_for
from vaxel.sip.parser import parse_message
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.registration import Registration
from vaxel.web.passwords import PasswordHashing


class FakeSip:
    """Records what the registrar answers; no socket."""

    def __init__(self) -> None:
        self.responses: list[tuple[int, tuple[tuple[str, str], ...]]] = []

    def respond(self, key: Any, request: Any, status: int, reason: str, extra: Any = ()) -> None:
        self.responses.append((status, tuple(extra)))


def register(registration: Registration, number: str, password: str, cseq: int) -> int:
    """REGISTER ``number`` as a phone does: challenged first, then with digest credentials."""
    sip: FakeSip = registration.sip  # type: ignore[assignment]
    lines = [
        "REGISTER sip:vaxel SIP/2.0",
        f"Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK-{number}-{cseq}",
        f"From: <sip:{number}@vaxel>;tag=a{cseq}",
        f"To: <sip:{number}@vaxel>",
        f"Call-ID: reg-{number}",
        f"CSeq: {cseq} REGISTER",
        f"Contact: <sip:{number}@192.0.2.7:5062>",
        "Expires: 300",
    ]

    def event(extra: list[str], seq: int) -> RequestReceived:
        text = "\r\n".join([*lines[:5], f"CSeq: {seq} REGISTER", *lines[6:], *extra]) + "\r\n\r\n"
        request = parse_message(text.encode())
        return RequestReceived(request, ("k", str(seq), "REGISTER"), ("192.0.2.7", 5062), "UDP")  # type: ignore[arg-type]

    registration.handle(event([], cseq))
    status, extra = sip.responses[-1]
    assert status == 401
    challenge = dict(extra)["WWW-Authenticate"]
    answer = authorization_for(
        challenge, username=number, password=password, method="REGISTER", uri="sip:vaxel",
        cnonce="c0ffee",
    )  # fmt: skip
    registration.handle(event([f"Authorization: {answer}"], cseq + 1))
    return sip.responses[-1][0]


def test_the_list_shows_extensions_but_never_their_passwords(web: Web) -> None:
    admin = web.client()
    sign_in(admin, DEMO_TENANT, "admin")
    page = html.unescape(admin.get("/admin/extensions").text)
    assert 'data-extension="1001"' in page and "satt" in page
    assert "demo1001" not in page
    edit = html.unescape(admin.get("/admin/extensions/1001").text)
    assert 'value="1001"' in edit and "demo1001" not in edit
    assert admin.get("/admin/extensions/9999").status_code == 404


def test_create_edit_and_remove_keep_the_password_unless_a_new_one_is_given(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    extensions = PhoneExtensions(configuration)
    created = admin.post(
        "/admin/extensions",
        data={
            "csrf": csrf,
            "number": "2901",
            "display_name": "Receptionen",
            "password": "sip-hemlis-1",
        },
    )
    assert created.status_code == 303 and created.headers["location"] == "/admin/extensions"
    stored = extensions.get(DEMO_TENANT, "2901")
    assert stored is not None and stored.password == "sip-hemlis-1"
    assert stored.display_name == "Receptionen" and stored.agent_id == ""

    renamed = admin.post(
        "/admin/extensions/2901",
        data={"csrf": csrf, "number": "2902", "display_name": "Växeln", "password": ""},
    )
    assert renamed.status_code == 303 and "error" not in renamed.headers["location"]
    assert extensions.get(DEMO_TENANT, "2901") is None
    moved = extensions.get(DEMO_TENANT, "2902")
    assert moved is not None and moved.password == "sip-hemlis-1" and moved.display_name == "Växeln"

    admin.post(
        "/admin/extensions/2902",
        data={"csrf": csrf, "number": "2902", "display_name": "Växeln", "password": "ett-nytt-1"},
    )
    assert extensions.get(DEMO_TENANT, "2902").password == "ett-nytt-1"  # type: ignore[union-attr]

    removed = admin.post("/admin/extensions/2902/remove", data={"csrf": csrf})
    assert removed.status_code == 303
    assert extensions.get(DEMO_TENANT, "2902") is None
    assert admin.post("/admin/extensions/2902/remove", data={"csrf": csrf}).status_code == 404


def test_invalid_extensions_are_refused_with_a_reason(web: Web) -> None:
    web.accounts.add_user(OTHER, "boss", "Boss", "tenant_admin", PasswordHashing().hash(PASSWORD))
    other = web.client()
    other_csrf = sign_in(other, OTHER, "boss")
    assert (
        other.post(
            "/admin/extensions",
            data={
                "csrf": other_csrf,
                "number": "3001",
                "password": "olles-telefon",
                "agent_id": "olle",
            },
        ).headers["location"]
        == "/admin/extensions"
    )

    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    good = {"csrf": csrf, "number": "2901", "display_name": "", "password": "lagom-langt"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"number": "12a"}, "2–10 siffror"),
        ({"number": "1"}, "2–10 siffror"),
        ({"number": "1001"}, "används redan"),  # Anna's, this tenant
        ({"number": "3001"}, "används redan"),  # another tenant's: one SIP domain
        ({"number": "0812345000"}, "tjänstenummer"),
        ({"number": "0101111111"}, "tjänstenummer"),
        ({"password": "kort"}, "8–64 tecken"),
        ({"display_name": "x" * 65}, "högst 64 tecken"),
        ({"agent_id": "ingen"}, "ingen sådan handläggare"),
        ({"agent_id": "olle"}, "ingen sådan handläggare"),  # the other tenant's agent
        ({"agent_id": "maria"}, "redan en anknytning"),
        ({"queue": ["kundtjanst"]}, "Bara en handläggares"),
    ]
    for change, expected in cases:
        response = admin.post("/admin/extensions", data=good | change)
        assert response.status_code == 303, change
        page = html.unescape(admin.get(response.headers["location"]).text)
        assert expected in page, (change, page[:0])
    extensions = PhoneExtensions(web.app.state.context.configuration)  # type: ignore[attr-defined]
    assert [e.number for e in extensions.all(OTHER)] == ["3001"]
    assert "2901" not in [e.number for e in extensions.all(DEMO_TENANT)]


def test_auto_login_queues_must_be_permitted_to_the_agent(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    extensions = PhoneExtensions(web.app.state.context.configuration)  # type: ignore[attr-defined]
    maria = extensions.get(DEMO_TENANT, "1003")
    assert maria is not None and maria.agent_id == "maria"
    assert maria.auto_login_queues == ("kundtjanst",)
    response = admin.post(
        "/admin/extensions/1003",
        data={"csrf": csrf, "number": "1003", "agent_id": "maria", "queue": ["bygglov"]},
    )
    assert response.headers["location"] == "/admin/extensions/1003"
    assert "får inte logga in" in flashed(admin, response)
    assert extensions.get(DEMO_TENANT, "1003") == maria


def test_a_new_extension_registers_without_restart_and_a_removed_one_cannot(web: Web) -> None:
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    directory = TelephonyDirectory()
    registration = Registration(FakeSip(), directory, b"s" * 32, lambda: 1000.0, web.center)  # type: ignore[arg-type]
    configuration.listeners.append(
        telephony_updater(directory, PromptLibrary(), PhoneExtensions(configuration))
    )
    web.accounts.add_user(OTHER, "boss", "Boss", "tenant_admin", PasswordHashing().hash(PASSWORD))
    other = web.client()
    csrf = sign_in(other, OTHER, "boss")
    created = other.post(
        "/admin/extensions",
        data={
            "csrf": csrf,
            "number": "3001",
            "display_name": "Olle",
            "password": "olles-telefon",
            "agent_id": "olle",
            "queue": ["reception"],
        },
    )
    assert created.headers["location"] == "/admin/extensions"
    running = directory.extensions["3001"]
    assert (running.tenant_id, running.agent_id, running.auto_login_queues) == (
        OTHER,
        "olle",
        ("reception",),
    )
    assert register(registration, "3001", "olles-telefon", 1) == 200
    olle = web.center.acd.agent_view(OTHER, "olle")
    assert olle.state is not AgentState.LOGGED_OUT  # logged in to reception on registration

    other.post(
        "/admin/extensions/3001", data={"csrf": csrf, "number": "3001", "password": "annat-losen"}
    )
    assert directory.extensions["3001"].password == "annat-losen"
    assert directory.extensions["3001"].agent_id == ""

    other.post("/admin/extensions/3001/remove", data={"csrf": csrf})
    assert "3001" not in directory.extensions
    assert register(registration, "3001", "annat-losen", 10) == 401


def test_only_admins_with_csrf_and_never_across_tenants(web: Web) -> None:
    agent = web.client()
    agent_csrf = sign_in(agent, DEMO_TENANT, "maria")
    assert agent.get("/admin/extensions").status_code == 403
    data = {"csrf": agent_csrf, "number": "2901", "password": "lagom-langt"}
    assert agent.post("/admin/extensions", data=data).status_code == 403
    assert agent.post("/admin/extensions/1003/remove", data={"csrf": agent_csrf}).status_code == 403
    admin = web.client()
    sign_in(admin, DEMO_TENANT, "admin")
    no_token = {"number": "2901", "password": "lagom-langt"}
    assert admin.post("/admin/extensions", data=no_token).status_code == 403
    assert admin.post("/admin/extensions/1003/remove", data={"csrf": "fel"}).status_code == 403

    web.accounts.add_user(OTHER, "boss", "Boss", "tenant_admin", PasswordHashing().hash(PASSWORD))
    other = web.client()
    other_csrf = sign_in(other, OTHER, "boss")
    assert "1003" not in other.get("/admin/extensions").text
    assert other.get("/admin/extensions/1003").status_code == 404
    steal = {"csrf": other_csrf, "number": "1003", "password": "stulet-losen"}
    assert other.post("/admin/extensions/1003", data=steal).status_code == 404
    assert other.post("/admin/extensions/1003/remove", data={"csrf": other_csrf}).status_code == 404
    taken = other.post("/admin/extensions", data=steal)
    assert "används redan" in html.unescape(other.get(taken.headers["location"]).text)
    extensions = PhoneExtensions(web.app.state.context.configuration)  # type: ignore[attr-defined]
    maria = extensions.get(DEMO_TENANT, "1003")
    assert maria is not None and maria.password == "demo1003"
    assert extensions.get(DEMO_TENANT, "2901") is None
