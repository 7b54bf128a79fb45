"""Admin editing of pause reasons (Q24) and classification codes (Q26), applied at once."""

from __future__ import annotations

import html

from tests.web.conftest import OTHER, Web, sign_in
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.admin.lists import list_problems


def test_problems_name_the_offending_entry() -> None:
    assert list_problems(["Lunch", "Möte"]) == []
    assert list_problems([]) == ["Listan måste ha minst en rad"]
    assert list_problems(["Lunch", "lunch"]) == ["”lunch” står med mer än en gång"]
    (too_long,) = list_problems(["x" * 65])
    assert "för lång" in too_long and "64" in too_long


def test_an_admin_edits_pause_reasons_and_an_agent_pauses_with_the_new_one(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    page = admin.get("/admin/lists")
    assert page.status_code == 200
    assert "Lunch\nMöte" in html.unescape(page.text)
    saved = admin.post(
        "/admin/lists/pause_reasons",
        data={"csrf": csrf, "items": "Lunch\n  Samtalscoachning  \n\nEget arbete\n"},
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/lists"
    assert "Samtalscoachning\nEget arbete" in html.unescape(admin.get("/admin/lists").text)

    agent = web.client()
    agent_csrf = sign_in(agent, DEMO_TENANT, "maria")
    agent.post("/agent/queues", data={"queue": "kundtjanst", "csrf": agent_csrf})
    workspace = html.unescape(agent.get("/").text)
    assert "<option>Samtalscoachning</option>" in workspace
    assert "<option>Möte</option>" not in workspace
    paused = agent.post(
        "/agent/state", data={"csrf": agent_csrf, "action": "pause", "reason": "Samtalscoachning"}
    )
    assert paused.status_code == 303 and "error" not in paused.headers["location"]
    assert web.center.acd.agent_view(DEMO_TENANT, "maria").pause_reason == "Samtalscoachning"


def test_classification_codes_reach_the_workspace(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    admin.post("/admin/lists/classifications", data={"csrf": csrf, "items": "Bygglov\nSkola"})
    agent = web.client()
    sign_in(agent, DEMO_TENANT, "maria")
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    assert configuration.list_items(DEMO_TENANT, "classifications") == ("Bygglov", "Skola")
    assert configuration.list_items(OTHER, "classifications")[0] == "Fråga besvarad"


def test_invalid_lists_are_refused_with_a_clear_error_and_nothing_stored(web: Web) -> None:
    admin = web.client()
    csrf = sign_in(admin, DEMO_TENANT, "admin")
    for items, expected in [
        ("\n  \n", "minst en rad"),
        ("Lunch\nLUNCH", "mer än en gång"),
        ("Lunch\n" + "y" * 65, "för lång"),
    ]:
        response = admin.post("/admin/lists/pause_reasons", data={"csrf": csrf, "items": items})
        assert response.status_code == 303
        page = admin.get(response.headers["location"])
        assert expected in html.unescape(page.text), items
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    assert configuration.list_items(DEMO_TENANT, "pause_reasons")[0] == "Lunch"
    assert len(configuration.list_items(DEMO_TENANT, "pause_reasons")) == 5
    assert admin.post("/admin/lists/nonsense", data={"csrf": csrf, "items": "a"}).status_code == 404


def test_only_admins_and_only_with_csrf_and_only_their_own_tenant(web: Web) -> None:
    agent = web.client()
    agent_csrf = sign_in(agent, DEMO_TENANT, "maria")
    assert agent.get("/admin/lists").status_code == 403
    refused = agent.post("/admin/lists/pause_reasons", data={"csrf": agent_csrf, "items": "Hack"})
    assert refused.status_code == 403
    boss = web.client()
    boss_csrf = sign_in(boss, DEMO_TENANT, "chef")
    assert boss.get("/admin/lists").status_code == 403
    assert (
        boss.post("/admin/lists/pause_reasons", data={"csrf": boss_csrf, "items": "X"}).status_code
        == 403
    )
    admin = web.client()
    sign_in(admin, DEMO_TENANT, "admin")
    no_token = admin.post("/admin/lists/pause_reasons", data={"items": "Hack"})
    assert no_token.status_code == 403
    wrong = admin.post("/admin/lists/pause_reasons", data={"csrf": "fel", "items": "Hack"})
    assert wrong.status_code == 403
    configuration = web.app.state.context.configuration  # type: ignore[attr-defined]
    assert "Hack" not in configuration.list_items(DEMO_TENANT, "pause_reasons")
    assert "X" not in configuration.list_items(DEMO_TENANT, "pause_reasons")
    assert configuration.list_items(OTHER, "pause_reasons")[0] == "Lunch"
