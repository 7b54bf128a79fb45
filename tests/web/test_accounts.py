"""Sign-in, sessions, CSRF, roles and tenant isolation (ADM2, issue 4 §1)."""

from __future__ import annotations

import pytest
from argon2 import profiles

from tests.conftest import SHIPPED_PARAMETERS
from tests.web.conftest import OTHER, PASSWORD, Web, flashed, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PRODUCTION, PasswordHashing


def test_passwords_are_argon2_hashes_and_verify_in_constant_shape(production_argon2: None) -> None:
    # Växel hashes with argon2-cffi's recommended argon2id (the suite alone cheapens it).
    assert SHIPPED_PARAMETERS == PRODUCTION == profiles.RFC_9106_LOW_MEMORY
    hashing = PasswordHashing()
    hashed = hashing.hash("rätt lösenord")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and "rätt" not in hashed
    assert hashing.verify(hashed, "rätt lösenord")
    assert not hashing.verify(hashed, "fel lösenord")
    assert not hashing.verify(None, "rätt lösenord")  # unknown user: same work, no
    with pytest.raises(ValueError):
        hashing.hash("kort")


def test_a_wrong_password_gives_no_session(web: Web) -> None:
    client = web.client()
    assert sign_in(client, DEMO_TENANT, "maria", "fel-losenord") == ""
    assert client.get("/").status_code == 303  # still sent to the sign-in page


def test_sign_in_sets_a_safe_cookie_and_shows_the_workspace(web: Web) -> None:
    client = web.client()
    page = client.get("/login")
    assert "Logga in i Växel" in page.text
    csrf = sign_in(client, DEMO_TENANT, "maria")
    assert csrf
    cookie = next(c for c in client.cookies.jar if c.name == "vaxel_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    home = client.get("/")
    assert "Min status" in home.text and "Kundtjänst" in home.text


def test_state_changes_need_the_csrf_token(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    refused = client.post("/agent/queues", data={"queue": "kundtjanst"})
    assert refused.status_code == 403
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").state.value == "logged_out"
    accepted = client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
    assert accepted.status_code == 303
    view = web.center.acd.agent_view(DEMO_TENANT, "maria")
    assert view.queue_ids == ("kundtjanst",) and view.state.value == "ready"
    client.post("/agent/state", data={"action": "pause", "reason": "Lunch", "csrf": csrf})
    view = web.center.acd.agent_view(DEMO_TENANT, "maria")
    assert view.state.value == "paused" and view.pause_reason == "Lunch"
    client.post("/agent/state", data={"action": "ready", "csrf": csrf})
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").state.value == "ready"


def test_logout_ends_the_session(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    token = client.cookies.get("vaxel_session")
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    replay = web.client()
    replay.cookies.set("vaxel_session", token or "")
    assert replay.get("/").status_code == 303  # the old cookie no longer works


def test_a_password_change_signs_out_everywhere(web: Web) -> None:
    first, second = web.client(), web.client()
    csrf = sign_in(first, DEMO_TENANT, "maria")
    sign_in(second, DEMO_TENANT, "maria")
    changed = first.post(
        "/password",
        data={"current_password": PASSWORD, "new_password": "ett-nytt-losenord", "csrf": csrf},
    )
    assert changed.status_code == 303
    assert second.get("/").status_code == 303
    assert sign_in(web.client(), DEMO_TENANT, "maria", "ett-nytt-losenord")


def test_the_wallboard_is_for_supervisors(web: Web) -> None:
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "maria")
    assert agent.get("/wallboard").status_code == 403
    boss = web.client()
    sign_in(boss, DEMO_TENANT, "chef")
    board = boss.get("/wallboard")
    assert board.status_code == 200 and "Väggtavla" in board.text and "Anna Lindqvist" in board.text


def test_a_user_of_one_tenant_sees_and_changes_nothing_of_another(web: Web) -> None:
    client = web.client()
    csrf = sign_in(client, OTHER, "olle")
    snapshot = client.get("/api/v1/snapshot").json()
    assert [q["id"] for q in snapshot["queues"]] == ["reception"]
    assert [a["id"] for a in snapshot["agents"]] == ["olle"]
    home = client.get("/").text
    assert "Kundtjänst" not in home and "Anna" not in home
    assert (
        client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf}).status_code == 403
    )
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").state.value == "logged_out"
    # the same username in another organisation is another account
    assert sign_in(web.client(), OTHER, "maria") == ""


def test_an_agent_answers_a_simulated_call_classifies_it_and_ends_wrap_up(web: Web) -> None:
    """Q21–Q26 through the workspace: offer, answer, note, end, wrap-up cancelled."""
    import time

    from vaxel.acd.events import ContactArrived
    from vaxel.acd.model import Channel

    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
    web.center.submit(
        ContactArrived(
            DEMO_TENANT,
            "c-web-1",
            "kundtjanst",
            Channel.CALL,
            0,
            caller_number="0701234567",
            caller_data={"kundnummer": "4711"},
        ),
        time.time(),
    )
    card = client.get("/").text
    assert "0701234567" in card and "4711" in card and "Svara" in card
    client.post("/agent/contact", data={"action": "answer", "csrf": csrf})
    assert web.center.acd.contact_view(DEMO_TENANT, "c-web-1").state.value == "connected"
    client.post(
        "/agent/contact",
        data={
            "action": "classify",
            "code": "Fråga besvarad",
            "note": "Ny faktura skickad",
            "csrf": csrf,
        },
    )
    client.post("/agent/contact", data={"action": "end", "csrf": csrf})
    contact = web.center.acd.contact_view(DEMO_TENANT, "c-web-1")
    assert (contact.classification, contact.note) == ("Fråga besvarad", "Ny faktura skickad")
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").state.value == "wrap_up"
    client.post("/agent/contact", data={"action": "cancel_wrapup", "csrf": csrf})
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").state.value == "ready"


def test_the_callback_list_is_worked_from_taking_to_done_with_a_note(web: Web) -> None:
    """CB8–CB10: the list shows the request; a paused agent takes it, nobody else can, and
    it is closed with a mandatory note."""
    import time

    from vaxel.acd.events import CallbackRequested

    agents = []
    for username in ("maria", "johan"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
        client.post("/agent/state", data={"action": "pause", "reason": "Möte", "csrf": csrf})
        agents.append((client, csrf))
    (client, csrf), (other, other_csrf) = agents
    web.center.submit(
        CallbackRequested(
            DEMO_TENANT, "kundtjanst", "0701234567", caller_data={"kundnummer": "4711"}
        ),
        time.time(),
    )
    listing = client.get("/callbacks?queue=kundtjanst")
    assert "0701234567" in listing.text and "Ring upp" in listing.text
    [row] = web.center.acd.callback_list(DEMO_TENANT)
    taken = client.post(f"/callbacks/{row.contact_id}/take", data={"csrf": csrf})
    assert taken.headers["location"] == "/callbacks"
    again = other.post(f"/callbacks/{row.contact_id}/take", data={"csrf": other_csrf})
    assert flashed(other, again)  # nobody works the same callback twice
    no_note = client.post(
        f"/callbacks/{row.contact_id}/close", data={"outcome": "done", "note": " ", "csrf": csrf}
    )
    assert "anteckning" in flashed(client, no_note)
    closed = client.post(
        f"/callbacks/{row.contact_id}/close",
        data={"outcome": "done", "note": "Kunden hjälpt med fakturan", "csrf": csrf},
    )
    assert closed.headers["location"] == "/callbacks"
    listing = client.get("/callbacks").text
    assert "Kunden hjälpt med fakturan" in listing and "Klar" in listing


def test_an_admin_closes_three_queues_at_once_and_opens_them_again(web: Web) -> None:
    """Q2: a temporary closure over many queues; supervisors and agents may not."""
    boss = web.client()
    boss_csrf = sign_in(boss, DEMO_TENANT, "chef")
    refused = boss.post(
        "/admin/closures", data={"queue": "bygglov", "action": "close", "csrf": boss_csrf}
    )
    assert refused.status_code == 403
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    three = ["kundtjanst", "bygglov", "barnomsorg"]
    closed = admin.post(
        "/admin/closures",
        data={"queue": three, "action": "close", "message": "sv/stangt", "csrf": csrf},
    )
    assert closed.headers["location"] == "/admin/closures"
    import time

    now = time.time()
    assert [web.center.acd.queue_status(DEMO_TENANT, q, now).open for q in three] == [False] * 3
    assert web.center.acd.queue_status(DEMO_TENANT, "vaxel", now).open
    admin.post("/admin/closures", data={"queue": three, "action": "open", "csrf": csrf})
    assert all(web.center.acd.queue_status(DEMO_TENANT, q, now).open for q in three)


def test_a_paused_agent_picks_a_specific_waiting_contact(web: Web) -> None:
    """Q28: the workspace lists who waits in my queues; taking one connects it to me."""
    import time

    from vaxel.acd.events import ContactArrived
    from vaxel.acd.model import Channel

    client = web.client()
    csrf = sign_in(client, DEMO_TENANT, "maria")
    client.post("/agent/queues", data={"queue": "kundtjanst", "csrf": csrf})
    client.post("/agent/state", data={"action": "pause", "reason": "Möte", "csrf": csrf})
    now = time.time()
    for n, number in enumerate(("0701111111", "0702222222")):
        web.center.submit(
            ContactArrived(
                DEMO_TENANT, f"pick-{n}", "kundtjanst", Channel.CALL, 0, caller_number=number
            ),
            now + n,
        )
    page = client.get("/").text
    assert "Väntande i mina köer" in page and "0702222222" in page
    client.post("/agent/pick", data={"contact": "pick-1", "csrf": csrf})
    picked = web.center.acd.contact_view(DEMO_TENANT, "pick-1")
    assert picked.state.value == "connected" and picked.agent_id == "maria"
    assert web.center.acd.contact_view(DEMO_TENANT, "pick-0").state.value == "waiting"
