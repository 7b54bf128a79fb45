"""Users, roles, agent profiles and the skill catalogue (ADM1, ADM2, Q15, Q21, Q23)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, flashed, sign_in
from vaxel.acd.events import ContactAbandoned, ContactArrived
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing

NEW_PASSWORD = "ninas-forsta-losen"


def admin(web: Web) -> tuple[TestClient, str]:
    client = web.client()
    return client, sign_in(client, DEMO_TENANT, "admin")


def create_nina(client: TestClient, csrf: str, **extra: str) -> int:
    response = client.post(
        "/admin/users",
        data={
            "csrf": csrf,
            "username": "nina",
            "display_name": "Nina Ek",
            "role": "agent",
            "password": NEW_PASSWORD,
            "handles_contacts": "on",
            "language": "sv",
            "languages": "en",
            "phone": "1042",
            "max_unanswered": "2",
            "skills.bygglov": "3",
            **extra,
        },
    )
    assert response.status_code == 303, response.text
    return web_user_id(client, "nina")


def web_user_id(client: TestClient, username: str) -> int:
    listing = client.get("/admin/users").text
    marker = listing.split(f">{username}<")[0]
    return int(marker.rsplit('href="/admin/users/', 1)[1].split('"')[0])


def test_an_admin_creates_a_queue_and_an_agent_who_then_takes_a_contact(web: Web) -> None:
    """The whole path while running: nothing restarted between the admin's saves, the new
    agent's sign-in, log-in to the new queue and the contact reaching her (ADM1, Q20)."""
    client, csrf = admin(web)
    assert (
        client.post(
            "/admin/skills", data={"csrf": csrf, "skill_id": "bygglov", "name": "Bygglov"}
        ).status_code
        == 303
    )
    queue = client.post(
        "/admin/queues",
        data={"csrf": csrf, "queue_id": "skatt", "name": "Skatter", "strategy": "skills"},
    )
    assert queue.status_code == 303
    form = client.get("/admin/users/new").text
    assert 'name="permitted.skatt"' in form and 'name="skills.bygglov"' in form
    create_nina(client, csrf, **{"permitted.skatt": "on"})
    profile = web.center.acd.tenant(DEMO_TENANT).agents["nina"].profile
    assert profile.permitted_queues == ("skatt",) and profile.skills == {"bygglov": 3}
    assert profile.phone == "1042" and profile.max_unanswered == 2 and profile.languages == ("en",)

    nina = web.client()
    nina_csrf = sign_in(nina, DEMO_TENANT, "nina", NEW_PASSWORD)
    assert nina_csrf
    assert nina.post("/agent/queues", data={"queue": "skatt", "csrf": nina_csrf}).status_code == 303
    assert web.center.acd.agent_view(DEMO_TENANT, "nina").state.value == "ready"
    web.center.submit(ContactArrived(DEMO_TENANT, "c-skatt", "skatt"), time.time())
    assert web.center.acd.agent_view(DEMO_TENANT, "nina").state.value == "offered"


def test_the_role_list_has_no_platform_admin_and_one_posted_is_refused(web: Web) -> None:
    client, csrf = admin(web)
    assert "platform_admin" not in client.get("/admin/users/new").text
    refused = client.post(
        "/admin/users",
        data={
            "csrf": csrf,
            "username": "hacker",
            "display_name": "H",
            "role": "platform_admin",
            "password": NEW_PASSWORD,
        },
    )
    assert refused.status_code == 400 and "Välj en roll i listan" in refused.text
    assert 'value="hacker"' in refused.text  # the input is kept …
    assert NEW_PASSWORD not in refused.text  # … except the password
    assert web.accounts.find(DEMO_TENANT, "hacker") is None
    maria = web.accounts.find(DEMO_TENANT, "maria")
    assert maria is not None
    promote = client.post(
        f"/admin/users/{maria.user_id}",
        data={"csrf": csrf, "display_name": "Maria", "role": "platform_admin"},
    )
    assert promote.status_code == 400
    assert web.accounts.find(DEMO_TENANT, "maria").role == "agent"  # type: ignore[union-attr]


def test_a_platform_admins_account_is_out_of_a_tenant_admins_reach(web: Web) -> None:
    client, csrf = admin(web)
    hashed = PasswordHashing().hash(PASSWORD)
    root = web.accounts.add_user(DEMO_TENANT, "root", "Root", "platform_admin", hashed)
    assert client.get(f"/admin/users/{root.user_id}").status_code == 403
    data = {"csrf": csrf, "password": "tagit-over-kontot"}
    assert client.post(f"/admin/users/{root.user_id}/password", data=data).status_code == 403
    assert client.post(f"/admin/users/{root.user_id}/remove", data=data).status_code == 403
    assert web.accounts.find(DEMO_TENANT, "root") == root


def test_editing_a_profile_applies_to_the_running_agent(web: Web) -> None:
    """ADM2: a queue no longer permitted is left at once."""
    client, csrf = admin(web)
    maria = web.client()
    maria_csrf = sign_in(maria, DEMO_TENANT, "maria")
    maria.post("/agent/queues", data={"queue": "kundtjanst", "csrf": maria_csrf})
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").queue_ids == ("kundtjanst",)
    user = web.accounts.find(DEMO_TENANT, "maria")
    assert user is not None
    page = client.get(f"/admin/users/{user.user_id}")
    assert page.status_code == 200 and 'name="permitted.kundtjanst" value="on" checked' in page.text
    saved = client.post(
        f"/admin/users/{user.user_id}",
        data={
            "csrf": csrf,
            "display_name": "Maria Johansson",
            "role": "supervisor",
            "handles_contacts": "on",
            "permitted.bygglov": "on",
            "skills.kundtjanst": "4",
        },
    )
    assert saved.status_code == 303, saved.text
    view = web.center.acd.agent_view(DEMO_TENANT, "maria")
    assert view.queue_ids == ()
    profile = web.center.acd.tenant(DEMO_TENANT).agents["maria"].profile
    assert profile.permitted_queues == ("bygglov",) and profile.skills == {"kundtjanst": 4}
    assert web.accounts.find(DEMO_TENANT, "maria").role == "supervisor"  # type: ignore[union-attr]


def test_a_bad_skill_level_is_refused_next_to_it(web: Web) -> None:
    client, csrf = admin(web)
    user = web.accounts.find(DEMO_TENANT, "johan")
    assert user is not None
    refused = client.post(
        f"/admin/users/{user.user_id}",
        data={
            "csrf": csrf,
            "display_name": "Johan N",
            "role": "agent",
            "handles_contacts": "on",
            "skills.kundtjanst": "elva",
        },
    )
    assert refused.status_code == 400 and 'id="skills.kundtjanst-error"' in refused.text
    assert 'value="elva"' in refused.text and 'value="Johan N"' in refused.text
    assert web.accounts.find(DEMO_TENANT, "johan").display_name == "Johan Nilsson"  # type: ignore[union-attr]


def test_a_password_reset_signs_the_user_out_and_deactivation_locks_them_out(web: Web) -> None:
    client, csrf = admin(web)
    johan = web.client()
    assert sign_in(johan, DEMO_TENANT, "johan")
    user = web.accounts.find(DEMO_TENANT, "johan")
    assert user is not None
    short = client.post(
        f"/admin/users/{user.user_id}/password", data={"csrf": csrf, "password": "kort"}
    )
    assert "8 tecken" in flashed(client, short)
    reset = client.post(
        f"/admin/users/{user.user_id}/password", data={"csrf": csrf, "password": NEW_PASSWORD}
    )
    assert reset.status_code == 303
    assert johan.get("/").status_code == 303  # the old session is gone
    assert sign_in(web.client(), DEMO_TENANT, "johan", NEW_PASSWORD)
    client.post(f"/admin/users/{user.user_id}/deactivate", data={"csrf": csrf})
    assert not sign_in(web.client(), DEMO_TENANT, "johan", NEW_PASSWORD)
    assert "inaktiverad" in client.get("/admin/users").text


def test_nobody_removes_or_deactivates_themselves(web: Web) -> None:
    client, csrf = admin(web)
    me = web.accounts.find(DEMO_TENANT, "admin")
    assert me is not None
    for action in ("remove", "deactivate"):
        refused = client.post(f"/admin/users/{me.user_id}/{action}", data={"csrf": csrf})
        assert "dig själv" in flashed(client, refused)
    assert web.accounts.find(DEMO_TENANT, "admin") == me


def test_an_agent_with_a_contact_in_hand_is_not_removed_an_idle_one_leaves_the_queues(
    web: Web,
) -> None:
    client, csrf = admin(web)
    maria = web.client()
    maria_csrf = sign_in(maria, DEMO_TENANT, "maria")
    maria.post("/agent/queues", data={"queue": "kundtjanst", "csrf": maria_csrf})
    web.center.submit(ContactArrived(DEMO_TENANT, "c-maria", "kundtjanst"), time.time())
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").state.value == "offered"
    user = web.accounts.find(DEMO_TENANT, "maria")
    assert user is not None
    for action in ("remove", "deactivate"):
        refused = client.post(f"/admin/users/{user.user_id}/{action}", data={"csrf": csrf})
        assert flashed(client, refused)
    assert web.accounts.find(DEMO_TENANT, "maria") == user
    web.center.submit(ContactAbandoned(DEMO_TENANT, "c-maria"), time.time())
    client.post(f"/admin/users/{user.user_id}/deactivate", data={"csrf": csrf})
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").state.value == "logged_out"
    assert maria.get("/").status_code == 303  # signed out, and no offers any more
    johan = web.accounts.find(DEMO_TENANT, "johan")
    assert johan is not None
    client.post(f"/admin/users/{johan.user_id}/remove", data={"csrf": csrf})
    assert web.accounts.find(DEMO_TENANT, "johan") is None
    assert "johan" not in web.center.acd.tenant(DEMO_TENANT).agents


def test_the_demo_catalogue_lists_every_skill_its_agents_have(web: Web) -> None:
    """Issue 9 §13: the skills page said there were none while every demo agent had some."""
    client, _ = admin(web)
    page = client.get("/admin/skills").text
    assert "Inga kompetenser ännu" not in page and "saknas i listan" not in page
    for skill_id, name in (("vaxel", "Växel"), ("kundtjanst", "Kundtjänst")):
        assert f'action="/admin/skills/{skill_id}"' in page and f'value="{name}"' in page


def test_the_users_page_shows_queue_and_skill_names_not_ids(web: Web) -> None:
    client, _ = admin(web)
    page = client.get("/admin/users").text
    maria_row = page.split(">maria<")[1].split("</tr>")[0]
    assert "Kundtjänst" in maria_row and "kundtjanst" not in maria_row


def test_the_skill_catalogue_adds_renames_and_keeps_skills_in_use(web: Web) -> None:
    client, csrf = admin(web)
    taken = client.post("/admin/skills", data={"csrf": csrf, "skill_id": "kundtjanst"})
    assert "redan" in flashed(client, taken)  # the demo catalogue has it already
    client.post("/admin/skills", data={"csrf": csrf, "skill_id": "teckensprak", "name": "Tecken"})
    client.post(
        "/admin/skills/kundtjanst", data={"csrf": csrf, "action": "save", "name": "KT-service"}
    )
    page = client.get("/admin/skills").text
    assert 'value="KT-service"' in page and "Tecken" in page
    in_use = client.post("/admin/skills/kundtjanst", data={"csrf": csrf, "action": "remove"})
    assert flashed(client, in_use)  # Maria, Johan … still have it
    client.post("/admin/skills/teckensprak", data={"csrf": csrf, "action": "remove"})
    assert "Tecken" not in client.get("/admin/skills").text


def test_agents_and_supervisors_get_403_on_the_user_and_skill_pages(web: Web) -> None:
    maria = web.accounts.find(DEMO_TENANT, "maria")
    assert maria is not None
    for username in ("maria", "chef"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        for path in (
            "/admin/users",
            "/admin/users/new",
            f"/admin/users/{maria.user_id}",
            "/admin/skills",
        ):
            assert client.get(path).status_code == 403, (username, path)
        data = {"csrf": csrf, "display_name": "x", "role": "tenant_admin", "password": NEW_PASSWORD}
        for path in (
            "/admin/users",
            f"/admin/users/{maria.user_id}",
            f"/admin/users/{maria.user_id}/password",
            f"/admin/users/{maria.user_id}/deactivate",
            f"/admin/users/{maria.user_id}/remove",
            "/admin/skills",
            "/admin/skills/kundtjanst",
        ):
            assert client.post(path, data={**data, "username": "x"}).status_code == 403, path
    assert web.accounts.find(DEMO_TENANT, "maria") == maria
    assert web.accounts.find(DEMO_TENANT, "x") is None


def test_another_tenants_admin_sees_and_changes_only_their_own_users(web: Web) -> None:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(OTHER, "bosse", "Bosse Admin", "tenant_admin", hashed)
    maria = web.accounts.find(DEMO_TENANT, "maria")
    assert maria is not None
    client = web.client()
    csrf = sign_in(client, OTHER, "bosse")
    listing = client.get("/admin/users").text
    assert "Olle Ek" in listing and "Maria" not in listing
    assert client.get(f"/admin/users/{maria.user_id}").status_code == 404
    data = {"csrf": csrf, "display_name": "Intrång", "role": "agent", "password": NEW_PASSWORD}
    for suffix in ("", "/password", "/deactivate", "/remove"):
        response = client.post(f"/admin/users/{maria.user_id}{suffix}", data=data)
        assert response.status_code == 404, suffix
    assert web.accounts.find(DEMO_TENANT, "maria") == maria
    assert sign_in(web.client(), DEMO_TENANT, "maria")


def test_user_posts_without_the_csrf_token_are_refused(web: Web) -> None:
    client, _ = admin(web)
    maria = web.accounts.find(DEMO_TENANT, "maria")
    assert maria is not None
    data = {"display_name": "x", "role": "agent", "password": NEW_PASSWORD, "username": "x"}
    for path in ("/admin/users", f"/admin/users/{maria.user_id}/password", "/admin/skills"):
        assert client.post(path, data=data).status_code == 403
    assert web.accounts.find(DEMO_TENANT, "x") is None
    assert web.accounts.find(DEMO_TENANT, "maria") == maria
